package cli

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/intdim/intdim/knn"
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
	fs.Var(m, "mem", "memory budget (e.g. 8G, 500M); a .npy layer that would not fit, or a wide one (D ≥ 4N, over 256 MiB), is streamed from disk, a deflated .npz member that would not fit is refused (default: half the physical memory)")
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
