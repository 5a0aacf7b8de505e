package knn

import (
	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/sysmem"
)

// DefaultMemBudget returns the default memory budget of SearchColumns: half
// of the physical memory, or 4 GiB where it cannot be read.
func DefaultMemBudget() int64 { return sysmem.Budget() }

// Cost model of a neighbour search of an n×d layer, in bytes (the one
// memory rule of every front door; see Streams).
const (
	// packedBytes is the kernel's packed float32 copy of a loaded layer
	// (two layouts, 4 bytes each) per value.
	packedBytes = 8
	// zscoreBytes is the float64 z-score matrix of an in-memory PC-ID per
	// value.
	zscoreBytes = 8
)

// The wide layers' streaming rule (variables for the tests only).
var (
	// wideLoad is the loading cost above which a wide layer streams.
	wideLoad int64 = 256 << 20
	// streamBlockMax caps the memory of one streamed column block.
	streamBlockMax int64 = 128 << 20
)

// LoadCost returns the bytes a search (and, with pca, a PC-ID) of an n×d
// layer of elemSize-byte values takes when the layer is loaded: the values
// and the kernel's packed copy, plus the z-scores for PC-ID.
func LoadCost(n, d, elemSize int, pca bool) int64 {
	per := int64(elemSize + packedBytes)
	if pca {
		per += zscoreBytes
	}
	return int64(n) * int64(d) * per
}

// StreamCost returns the bytes a streamed search of an n×d layer takes:
// the n×n float64 accumulator (two with pca) and one column block.
func StreamCost(n, d int, pca bool) int64 {
	acc := int64(n) * int64(n) * 8
	if pca {
		acc *= 2
	}
	return acc + min(int64(n)*int64(d)*16, streamBlockMax)
}

// Streams reports whether an n×d layer of elemSize-byte values (4 for
// float32, 8 for float64) is searched by streaming it from disk in column
// blocks (SearchColumns) rather than loading it, under the memory budget
// mem: when loading does not fit in mem, or when the layer is wide
// (d ≥ 4n), loading costs more than 256 MiB and streaming less than half of
// that. A wide layer's brute-force search is its Gram matrix, the same
// flops whether the columns come in blocks or at once, so streaming it
// reads the file twice but keeps only the n×n accumulator and one block in
// memory (BENCHMARKS.md). It is the one memory rule of the library and its
// front doors, with StreamsFor (the search mode) and StreamsSampled (the
// sample test of a wide layer that a pruned search may take).
func Streams(n, d, elemSize int, mem int64, pca bool) bool {
	return StreamsFor(n, d, elemSize, mem, pca, SearchAuto)
}

// StreamsFor is Streams for a search mode: a layer whose search is forced
// to SearchPruned (which needs the rows and keeps no packed copy of them)
// is loaded whenever loading fits in mem; streamed layers are otherwise
// searched by brute force. It is StreamsSampled without the sample test.
func StreamsFor(n, d, elemSize int, mem int64, pca bool, search SearchMode) bool {
	load := LoadCost(n, d, elemSize, pca)
	if load > mem {
		return true
	}
	if search == SearchPruned {
		return false
	}
	return d >= 4*n && load > wideLoad && StreamCost(n, d, pca) < load/2
}

// SampleRows reads the rows idx (each in [0, n), in the order given) of a
// layer as a len(idx)×d matrix of the values a loaded search would see.
type SampleRows func(idx []int) (*cloud.Matrix, error)

// StreamsSampled is StreamsFor with a test of the data: under SearchAuto,
// a wide layer that StreamsFor streams although loading fits in mem, on
// which Search's auto may prune (few wide rows, e.g. the 2,000 × 21,632
// conv1 of BENCHMARKS.md: a pruned search there costs 0.35 of brute force,
// streamed or not), is loaded when lowRankSample passes on 80 of its rows
// read by rows (48 sample rows, 32 held out, centred on their own mean), and
// streamed otherwise: isotropic rows, whose search would be brute force
// either way, keep the streamed search's memory. Without PC-ID only (pca
// streams as StreamsFor: its z-score Gram is computed by the same pass);
// rows nil is StreamsFor. The test reads 80·d values and costs their
// Gram matrix, 80·81/2·d multiply-adds by the float32 kernel (with the
// read, ≈ 25 ms of one thread on conv1, whose pruned search then saves
// 1.2–1.4 CPU s against the streamed brute force, BENCHMARKS.md); an error
// from rows is returned, with true. The test's verdict is returned too
// (nil when no test ran): a caller that loads the layer passes it on in
// Options.Sampled, so that Search's auto does not test the rows again.
func StreamsSampled(n, d, elemSize int, mem int64, pca bool, search SearchMode, rows SampleRows) (bool, *SampleTest, error) {
	if !StreamsFor(n, d, elemSize, mem, pca, search) {
		return false, nil, nil
	}
	if rows == nil || search != SearchAuto || pca || LoadCost(n, d, elemSize, pca) > mem {
		return true, nil, nil
	}
	if may, _ := autoMayPlan(n, d, 2); !may {
		return true, nil, nil
	}
	x, err := rows(lowRankRows(n))
	if err != nil {
		return true, nil, err
	}
	t := &SampleTest{N: n, D: d, LowRank: lowRankMatrix(x)}
	return !t.LowRank, t, nil
}

// SampleTest is the verdict of StreamsSampled's sample test on an N×D
// layer: LowRank when lowRankSample passed on its 80 sample rows (the
// layer is then loaded, and a pruned search planned). Passed on in
// Options.Sampled, it spares Search's auto the same test on the loaded
// rows (conv1: 0.04–0.05 CPU s of 0.8 s).
type SampleTest struct {
	N, D    int
	LowRank bool
}

// lowRankMatrix is lowRankSample on the lowSample + lowHeld rows of x
// (lowRankRows' rows, read), centred on their mean.
func lowRankMatrix(x *cloud.Matrix) bool {
	v := view(x)
	if v.n() != lowSample+lowHeld || v.d < 1 {
		return false
	}
	mean, scale, ok := centring(v, v.n())
	if !ok {
		return false
	}
	idx := make([]int, v.n())
	for i := range idx {
		idx[i] = i
	}
	return lowRankFractionOf(v, idx, mean, scale, 1) >= lowRankMin
}
