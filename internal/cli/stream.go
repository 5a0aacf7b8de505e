package cli

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/tensorio/npy"
)

// memFlag is --mem: the memory budget above which a plain .npy layer is
// streamed from disk in feature chunks instead of being loaded.
type memFlag struct {
	bytes int64
	set   bool // given on the command line (the default is not printed twice)
}

// minMem is the smallest --mem accepted.
const minMem = 1 << 10

func addMemFlag(fs *flag.FlagSet) *memFlag {
	m := &memFlag{bytes: knn.DefaultMemBudget()}
	fs.Var(m, "mem", "memory budget (e.g. 8G, 500M); a .npy layer that would not fit is streamed from disk (default: half the physical memory)")
	return m
}

func (m *memFlag) String() string {
	if m == nil || !m.set {
		return ""
	}
	return strconv.FormatInt(m.bytes, 10)
}

func (m *memFlag) Set(s string) error {
	mult := int64(1)
	t := strings.ToUpper(strings.TrimSuffix(strings.TrimSpace(s), "B"))
	if t == "" {
		return fmt.Errorf("empty size")
	}
	switch t[len(t)-1] {
	case 'K':
		mult = 1 << 10
	case 'M':
		mult = 1 << 20
	case 'G':
		mult = 1 << 30
	case 'T':
		mult = 1 << 40
	}
	if mult > 1 {
		t = t[:len(t)-1]
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("bad size %q (want e.g. 8G, 500M or a number of bytes)", s)
	}
	b := v * float64(mult)
	if b < minMem {
		return fmt.Errorf("size %q below the smallest budget, 1K", s)
	}
	if b > 1<<62 {
		return fmt.Errorf("size %q too large", s)
	}
	m.bytes, m.set = int64(b), true
	return nil
}

// streamed reports whether spec is a plain .npy file too large to load
// within the budget (16 bytes per value: float64 rows and a float32 copy).
func (m *memFlag) streamed(spec string) bool {
	if !strings.EqualFold(filepath.Ext(spec), ".npy") {
		return false
	}
	f, err := npy.Open(spec) // refuses a FIFO or device without blocking
	if err != nil {
		return false // the ordinary reader reports it
	}
	defer f.Close()
	h := f.Header
	if len(h.Shape) < 2 {
		return false
	}
	return float64(h.Rows())*float64(h.Cols())*16 > float64(m.bytes)
}

// estimateStreamed estimates a .npy layer larger than memory: one pass over
// the file in feature chunks builds the neighbour graph (and the Gram
// matrix of the z-scored columns for PC-ID when wantPCA), and the
// estimators work from those alone.
func estimateStreamed(path string, m *memFlag, opt *estimate.Options, wantPCA bool) (rep *estimate.Report, pcid *int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, BadInput(err)
	}
	h, err := npy.ReadHeader(f)
	f.Close()
	if err != nil {
		return nil, nil, BadInput(fmt.Errorf("%s: %w", path, err))
	}
	n := h.Rows()
	if n < 3 {
		return nil, nil, BadInput(fmt.Errorf("%s: %d rows: at least 3 points are needed", path, n))
	}
	if err := checkResample(opt, n, m.bytes); err != nil {
		return nil, nil, err
	}
	k, err := estimate.NeighboursNeeded(n, opt)
	if err != nil {
		return nil, nil, Usage("%v", err)
	}
	k = max(k, 1)
	fsr, err := knn.SearchFileWith(path, k, &knn.Options{Metric: opt.Metric, Threads: opt.Threads}, m.bytes, wantPCA)
	if err != nil {
		return nil, nil, BadInput(err)
	}
	var p *estimate.PCA
	if wantPCA {
		if p, err = estimate.PCIDGram(fsr.ZGram, fsr.N, fsr.ZDim, 0.9); err != nil {
			return nil, nil, BadInput(fmt.Errorf("%s: pc-id: %w", path, err))
		}
		v := p.ID
		pcid = &v
	}
	rep, err = estimate.FromGraph(fsr.Graph, fsr.N, fsr.D, p, opt)
	if err != nil {
		return nil, nil, BadInput(fmt.Errorf("%s: %w", path, err))
	}
	rep.Input = path
	if fsr.Streamed {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("streamed from disk: %d×%d does not fit in --mem %d bytes", fsr.N, fsr.D, m.bytes))
	}
	return rep, pcid, nil
}
