package knn

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/intdim/intdim/internal/kernel"
)

// The binary form of a Pruning, little endian:
//
//	magic   "IDIMPRUN"
//	version uint32 (2)
//	d, M    uint32: columns, directions
//	m       uint32: directions of the coarse bound, 1 ≤ m ≤ M (version 2
//	        only; version 1 has m = M)
//	scale   float64, a power of two
//	brute, pruned float64: the predicted costs (Cost)
//	mean    d float64
//	q       M·d float64, the directions, row by row
const (
	pruningMagic   = "IDIMPRUN"
	pruningVersion = 2
	pruningHead    = 8 + 4 + 8 + 3*8 // version 1; version 2 has 4 more
)

// MaxPruningDims bounds the directions and columns of a Pruning read by
// UnmarshalBinary.
const MaxPruningDims = 1 << 24

// MarshalBinary encodes the pruning (see UnmarshalBinary).
func (p *Pruning) MarshalBinary() ([]byte, error) {
	pl, d := p.pl, p.d
	out := make([]byte, 0, pruningHead+4+8*(d+pl.mm*d))
	out = append(out, pruningMagic...)
	out = binary.LittleEndian.AppendUint32(out, pruningVersion)
	out = binary.LittleEndian.AppendUint32(out, uint32(d))
	out = binary.LittleEndian.AppendUint32(out, uint32(pl.mm))
	out = binary.LittleEndian.AppendUint32(out, uint32(pl.m))
	for _, v := range []float64{pl.scale, pl.brute, pl.pruned} {
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(v))
	}
	for _, v := range pl.mean[:d] {
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(v))
	}
	for _, v := range pl.q[:pl.mm*d] {
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(v))
	}
	return out, nil
}

// UnmarshalBinary decodes a pruning written by MarshalBinary. Every value
// must be finite, the scale a positive power of two; the directions are
// made orthonormal again if they are not (as planPrune does) and their
// distance from orthonormal, ‖QQᵀ − I‖_F, is recomputed, not read: the
// bound's margins rest on it alone.
func (p *Pruning) UnmarshalBinary(data []byte) error {
	if len(data) < pruningHead || string(data[:8]) != pruningMagic {
		return errors.New("not an intdim pruning")
	}
	version := binary.LittleEndian.Uint32(data[8:])
	if version != 1 && version != pruningVersion {
		return fmt.Errorf("pruning version %d, want 1 or %d", version, pruningVersion)
	}
	d, m := int64(binary.LittleEndian.Uint32(data[12:])), int64(binary.LittleEndian.Uint32(data[16:]))
	head, mc := int64(pruningHead), m
	if version == 2 {
		if len(data) < pruningHead+4 {
			return errors.New("not an intdim pruning")
		}
		head, mc = head+4, int64(binary.LittleEndian.Uint32(data[20:]))
	}
	if d < 2 || m < 1 || m > d || d > MaxPruningDims || m > MaxPruningDims || mc < 1 || mc > m {
		return fmt.Errorf("pruning of %d directions (%d coarse) in %d columns: impossible", m, mc, d)
	}
	if int64(len(data)) != head+8*(d+m*d) {
		return fmt.Errorf("pruning of %d bytes, want %d", len(data), head+8*(d+m*d))
	}
	vals := make([]float64, (int64(len(data))-head+24)/8)
	for i := range vals {
		v := math.Float64frombits(binary.LittleEndian.Uint64(data[head-24+int64(8*i):]))
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return errors.New("pruning holds a value that is not finite")
		}
		vals[i] = v
	}
	scale := vals[0]
	if frac, _ := math.Frexp(scale); !(scale > 0) || frac != 0.5 {
		return fmt.Errorf("pruning scale %g: not a power of two", scale)
	}
	// The coarse bound's Gram runs in float32 sums (SymGram32, Cross32),
	// exact up to kernel.FlushEvery coordinates: a larger m (which no plan
	// chooses) is cut to that prefix, as valid a bound.
	pl := &prunePlan{scale: scale, brute: vals[1], pruned: vals[2], m: min(int(mc), kernel.FlushEvery), mm: int(m),
		mean: vals[3 : 3+d], q: vals[3+d:]}
	var eps float64
	pl.q, eps = orthonormal(pl.q, int(m), int(d), 1, 1e-10)
	if !(eps < 1e-6) {
		return errors.New("pruning directions not orthonormal")
	}
	pl.epsQ = eps
	*p = Pruning{pl: pl, d: int(d)}
	return nil
}
