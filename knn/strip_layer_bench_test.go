//go:build unix

package knn

import (
	"encoding/binary"
	"math"
	"os"
	"strconv"
	"syscall"
	"testing"

	"github.com/intdim/intdim/cloud"
)

// BenchmarkStripsVsSearch (issue 15) compares, on one layer, the one
// pruned search (Search, its plan included) with what plan and run-task do
// for it: the plan's choice (PlanSearch), the strip index
// (NewStripIndex) and the strips of the plan's cut into STRIP_CUTS
// (default 4) pieces of equal cost, row i costing n − i
// (SearchStripPruned), merged and checked against Search's graph. One
// thread, process CPU seconds (getrusage) per iteration, reported as
// search-cpu-s, plan-cpu-s, index-cpu-s, strips-cpu-s and ratio ((plan +
// index + strips) / search). The layer is STRIP_LAYER, a float32 .npy of
// STRIP_D (default 512) columns with a 128-byte header (bench/plan.sh's
// layers); without it the benchmark is skipped. Example:
//
//	STRIP_LAYER=/tmp/pb15b/layer0.npy go test -run - -bench StripsVsSearch -benchtime 3x ./knn
func BenchmarkStripsVsSearch(b *testing.B) {
	path := os.Getenv("STRIP_LAYER")
	if path == "" {
		b.Skip("STRIP_LAYER (a float32 .npy layer) not set")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	d, _ := strconv.Atoi(os.Getenv("STRIP_D"))
	if d == 0 {
		d = 512
	}
	vals := make([]float32, (len(data)-128)/4)
	for i := range vals {
		vals[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[128+4*i:]))
	}
	n := len(vals) / d
	x := cloud.Must32(vals[:n*d], n, d)
	k := 2
	ns, _ := strconv.Atoi(os.Getenv("STRIP_CUTS"))
	ns = max(ns, 1)
	if os.Getenv("STRIP_CUTS") == "" {
		ns = 4
	}
	cuts := []int{0}
	for s := 1; s < ns; s++ {
		cuts = append(cuts, int(float64(n)*(1-math.Sqrt(1-float64(s)/float64(ns)))))
	}
	cuts = append(cuts, n)
	opt := &Options{Threads: 1}
	var plan, search, index, strips float64
	for b.Loop() {
		c0 := cpuSeconds()
		pr, err := PlanSearch(x, k, opt)
		if err != nil || pr == nil {
			b.Fatalf("PlanSearch: %v, %v (the layer must prune)", pr, err)
		}
		c1 := cpuSeconds()
		g, err := Search(x, k, opt)
		if err != nil {
			b.Fatal(err)
		}
		c2 := cpuSeconds()
		si, err := NewStripIndex(x, k, pr, opt)
		if err != nil || si == nil {
			b.Fatalf("NewStripIndex: %v, %v", si, err)
		}
		c3 := cpuSeconds()
		m := EmptyGraph(n, k)
		for c := 0; c+1 < len(cuts); c++ {
			st, err := SearchStripPruned(x, k, cuts[c], cuts[c+1], pr, si, opt)
			if err != nil {
				b.Fatal(err)
			}
			m.MergeRows(si.Perm()[cuts[c]:], st)
		}
		c4 := cpuSeconds()
		for s := range g.Index {
			if g.Index[s] != m.Index[s] || math.Float64bits(g.Dist[s]) != math.Float64bits(m.Dist[s]) {
				b.Fatalf("the strips' merge differs from Search at entry %d", s)
			}
		}
		plan, search, index, strips = plan+c1-c0, search+c2-c1, index+c3-c2, strips+c4-c3
	}
	it := float64(b.N)
	b.ReportMetric(plan/it, "plan-cpu-s")
	b.ReportMetric(search/it, "search-cpu-s")
	b.ReportMetric(index/it, "index-cpu-s")
	b.ReportMetric(strips/it, "strips-cpu-s")
	b.ReportMetric((plan+index+strips)/search, "ratio")
}

// cpuSeconds returns the process's CPU time (user + system) in seconds.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
