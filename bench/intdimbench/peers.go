package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/geometry"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/tensorio/npy"
)

// peerCall is intdim's equivalent of one reference key: the same array,
// the same parameters, from the points in memory to the value (every
// neighbour search included), single-threaded.
type peerCall struct {
	key, file string // reference key and the JSON file that records it
	intdim    string // what intdim runs, for the table
	run       func(a *peerArray) error
}

// peerArray is one reference array with its second representation and labels.
type peerArray struct {
	name   string
	x, y   *cloud.Matrix
	labels []int
}

// peerCalls lists the reference keys that record a peer's cpu_s, in the
// order of the table.
func peerCalls() []peerCall {
	one := &knn.Options{Threads: 1}
	points := func(m estimate.Method, mod func(*estimate.Options)) func(a *peerArray) error {
		return func(a *peerArray) error {
			o := &estimate.Options{Method: m, Threads: 1, Seed: 1}
			if mod != nil {
				mod(o)
			}
			_, err := estimate.Points(a.x, o)
			return err
		}
	}
	local := func(m estimate.Method) func(a *peerArray) error {
		return func(a *peerArray) error {
			g, err := knn.Search(a.x, 20, one)
			if err != nil {
				return err
			}
			_, err = estimate.Local(a.x, g, m, 20, estimate.SkdimOptions{TLEEpsilon: 1e-4}, 1)
			return err
		}
	}
	var calls []peerCall
	for _, c := range []struct {
		key string
		m   estimate.Method
	}{{"lPCA.FO", "lpca-fo"}, {"lPCA.Fan", "lpca-fan"}, {"lPCA.maxgap", "lpca-maxgap"}, {"lPCA.ratio", "lpca-ratio"},
		{"lPCA.participation_ratio", "lpca-pr"}, {"lPCA.Kaiser", "lpca-kaiser"}, {"lPCA.broken_stick", "lpca-brokenstick"},
		{"MOM", "mom"}, {"TLE", "tle"}, {"CorrInt", "corrint"}, {"MADA", "mada"}, {"KNN", "knn"}, {"DANCo", "danco"},
		{"MiND_ML", "mind-ml"}, {"ESS", "ess"}, {"FisherS", "fishers"}, {"MLE", "mle"}} {
		calls = append(calls, peerCall{"skdim." + c.key, "estimators", "estimate --method " + string(c.m), points(c.m, nil)})
	}
	for _, c := range []struct {
		key string
		m   estimate.Method
	}{{"MOM", "mom"}, {"TLE", "tle"}, {"MADA", "mada"}, {"ESS", "ess"}, {"lPCA.FO", "lpca-fo"}, {"MLE", "mle"}} {
		calls = append(calls, peerCall{"skdim." + c.key + ".pw", "estimators", "local --method " + string(c.m) + " --k 20", local(c.m)})
	}
	pair := func(f func(a *peerArray, gx, gy *knn.Graph) error) func(a *peerArray) error {
		return func(a *peerArray) error {
			gx, err := knn.Search(a.x, 30, one)
			if err != nil {
				return err
			}
			gy, err := knn.Search(a.y, 30, one)
			if err != nil {
				return err
			}
			return f(a, gx, gy)
		}
	}
	calls = append(calls,
		peerCall{"dadapy.2nn", "refs", "estimate (twonn)", points(estimate.MethodTwoNN, nil)},
		peerCall{"dadapy.gride", "refs", "estimate --method gride", points(estimate.MethodGRIDE, nil)},
		peerCall{"dadapy.binomial_k", "geometry", "estimate --method binomial", points(estimate.MethodBinomial, nil)},
		peerCall{"dadapy.binomial_k_adaptive_r", "geometry", "estimate --method binomial --binomial-r r", nil}, // r per array: set in runPeers
		peerCall{"dadapy.data_overlap", "geometry", "overlap X Y --k 30", pair(func(a *peerArray, gx, gy *knn.Graph) error {
			_, err := geometry.Overlap(gx, gy, 30)
			return err
		})},
		peerCall{"dadapy.label_overlap", "geometry", "overlap X --labels L --k 30", func(a *peerArray) error {
			g, err := knn.Search(a.x, 30, one)
			if err != nil {
				return err
			}
			_, _, err = geometry.LabelOverlap(g, a.labels, 30)
			return err
		}},
		peerCall{"dadapy.information_imbalance", "geometry", "imbalance X Y (both directions)", pair(func(a *peerArray, gx, gy *knn.Graph) error {
			if _, err := geometry.Imbalance(gx, gy, a.y); err != nil {
				return err
			}
			_, err := geometry.Imbalance(gy, gx, a.x)
			return err
		})},
		peerCall{"dadapy.kstar_gride", "geometry", "estimate --method gride-auto", points(estimate.MethodGRIDEAuto, nil)},
		peerCall{"dadapy.per_class_2nn", "geometry", "twonn of each class (estimate --labels)", func(a *peerArray) error {
			for c := range slices.Max(a.labels) + 1 {
				var rows []int
				for i, l := range a.labels {
					if l == c {
						rows = append(rows, i)
					}
				}
				if _, err := estimate.Points(a.x.Rows(rows), &estimate.Options{Threads: 1}); err != nil {
					return err
				}
			}
			return nil
		}},
	)
	return calls
}

// peerTime is what the reference records of one key on one array: the
// peer's CPU seconds (the smaller of its two runs; for per-class the sum
// over classes), and whether it failed.
type peerTime struct {
	CPU    json.RawMessage `json:"cpu_s"`
	Wall   json.RawMessage `json:"time_s"`
	Error  string          `json:"error"`
	Params struct {
		R float64 `json:"r"`
	} `json:"params"`
	Classes []struct {
		CPU   json.RawMessage `json:"cpu_s"`
		Error string          `json:"error"`
	} `json:"classes"`
}

// sameRun is the peer's time of one key on one array measured in the same
// session (scripts/bench_skdim.py).
type sameRun struct {
	CPU   float64 `json:"cpu_s"`
	Error string  `json:"error"`
}

// seconds returns the recorded peer CPU time: the least of the runs; where
// that is under a millisecond (the lPCA calls: the process clock there read
// 0 for some runs) the least wall time instead, with wall true.
func (p peerTime) seconds() (s float64, wall, ok bool) {
	s, ok = p.cpuSeconds()
	if !ok || s >= 1e-3 {
		return s, false, ok
	}
	var runs []float64
	if json.Unmarshal(p.Wall, &runs) != nil || len(runs) == 0 {
		return s, false, ok
	}
	return slices.Min(runs), true, true
}

func (p peerTime) cpuSeconds() (float64, bool) {
	if len(p.Classes) > 0 {
		var s float64
		for _, c := range p.Classes {
			var runs []float64
			if c.Error != "" || json.Unmarshal(c.CPU, &runs) != nil || len(runs) == 0 {
				return 0, false // a class failed in the peer
			}
			s += slices.Min(runs)
		}
		return s, true
	}
	var runs []float64
	if json.Unmarshal(p.CPU, &runs) != nil || len(runs) == 0 {
		return 0, false
	}
	return slices.Min(runs), true
}

// cpuOf returns the CPU seconds of one call of f: the least, over two
// batches, of the batch's CPU time over its calls; a batch repeats f until
// it has taken 0.2 CPU seconds (at least once).
func cpuOf(f func() error) (float64, error) {
	b := math.Inf(1)
	for range 2 {
		var spent float64
		calls := 0
		for spent < 0.2 || calls == 0 {
			runtime.GC()
			c := cpuSeconds()
			if err := f(); err != nil {
				return 0, err
			}
			spent += cpuSeconds() - c
			calls++
		}
		b = min(b, spent/float64(calls))
	}
	return b, nil
}

// runPeers times intdim's equivalent of every reference key that records a
// peer's cpu_s, on every array where the peer returned a value, and writes
// a Markdown table to w: per key the totals over those arrays, their ratio
// (peer / intdim), the least per-array ratio and whether the goal of issue
// 14 (≥ 10× faster) is met. keys, if not empty, selects keys by substring.
//
// With peerTimes (a JSON file of scripts/bench_skdim.py: the peer timed in
// the same session, on the same arrays) only the keys that file holds are
// run, against its times: cpu_s per key and array, process CPU as here.
func runPeers(w io.Writer, dir string, keys, peerTimes string) error {
	runtime.GOMAXPROCS(1)
	var same map[string]map[string]sameRun
	if peerTimes != "" {
		var f struct {
			Results map[string]map[string]sameRun `json:"results"`
		}
		b, err := os.ReadFile(peerTimes)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &f); err != nil {
			return fmt.Errorf("%s: %v", peerTimes, err)
		}
		same = f.Results
	}
	recs := map[string]map[string]struct {
		File    string                     `json:"file"`
		Results map[string]json.RawMessage `json:"results"`
	}{}
	for _, f := range []string{"estimators", "geometry"} {
		path := filepath.Join(dir, "refs", "estimators.json")
		if f == "geometry" {
			path = filepath.Join(dir, "geometry", "geometry.json")
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		m := recs[f]
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		recs[f] = m
	}
	var names []string
	for n := range recs["geometry"] {
		names = append(names, n)
	}
	slices.Sort(names)
	arrays := map[string]*peerArray{}
	for _, n := range names {
		a := &peerArray{name: n}
		var err error
		if a.x, err = readMatrix(filepath.Join(dir, "refs", n+".npy")); err != nil {
			return err
		}
		if a.y, err = readMatrix(filepath.Join(dir, "geometry", n+"_Y.npy")); err != nil {
			return err
		}
		_, l, err := npy.ReadFile(filepath.Join(dir, "geometry", n+"_labels.npy"))
		if err != nil {
			return err
		}
		for _, v := range l {
			a.labels = append(a.labels, int(v))
		}
		arrays[n] = a
	}
	peerCol := "peer CPU s (total, recorded)"
	if same != nil {
		peerCol = "peer CPU s (total, same run)"
	}
	fmt.Fprintf(w, "| reference key | intdim | arrays | intdim CPU s (total) | %s | peer / intdim | least per array | ≥ 10× |\n", peerCol)
	fmt.Fprintf(w, "|---|---|---|---:|---:|---:|---:|---|\n")
	var allI, allP float64
	for _, c := range peerCalls() {
		if keys != "" && !strings.Contains(c.key, keys) {
			continue
		}
		if same != nil && same[c.key] == nil {
			continue // not timed in this run
		}
		if c.file == "refs" { // refs.json records no times: intdim's alone
			var ti float64
			for _, n := range names {
				a := arrays[n]
				is, err := cpuOf(func() error { return c.run(a) })
				if err != nil {
					return fmt.Errorf("%s %s: %v", n, c.key, err)
				}
				ti += is
				fmt.Fprintf(os.Stderr, "%-28s %-22s intdim %.5f s  peer not recorded\n", c.key, n, is)
			}
			fmt.Fprintf(w, "| `%s` | `%s` | %d | %.4f | not recorded | | | — |\n", c.key, c.intdim, len(names), ti)
			continue
		}
		var ti, tp float64
		least := math.Inf(1)
		used, walls := 0, 0
		for _, n := range names {
			raw, ok := recs[c.file][n].Results[c.key]
			if !ok {
				continue
			}
			var pt peerTime
			if err := json.Unmarshal(raw, &pt); err != nil {
				return fmt.Errorf("%s %s: %v", n, c.key, err)
			}
			ps, wall, ok := pt.seconds()
			if same != nil {
				sr, found := same[c.key][n]
				ps, wall, ok = sr.CPU, false, found && sr.Error == "" && sr.CPU > 0
			}
			if !ok || pt.Error != "" {
				continue // the peer failed here: no time to compare
			}
			run := c.run
			if c.key == "dadapy.binomial_k_adaptive_r" {
				r := pt.Params.R
				run = func(a *peerArray) error {
					_, err := estimate.Points(a.x, &estimate.Options{Method: estimate.MethodBinomial, Threads: 1,
						Binomial: estimate.BinomialOptions{K: 10, R: r}})
					return err
				}
			}
			a := arrays[n]
			is, err := cpuOf(func() error { return run(a) })
			if err != nil {
				// intdim refuses what the peer answered (e.g. binomial with
				// empty shells, where DADApy returns 0): not compared.
				fmt.Fprintf(os.Stderr, "%s %s: %v\n", n, c.key, err)
				continue
			}
			ti += is
			tp += ps
			used++
			if wall {
				walls++
			}
			if is > 0 {
				least = min(least, ps/is)
			}
			fmt.Fprintf(os.Stderr, "%-28s %-22s intdim %.5f s  peer %.5f s  ratio %.1f\n", c.key, n, is, ps, ps/is)
		}
		if used == 0 {
			continue
		}
		allI += ti
		allP += tp
		ratio := tp / ti
		met := "no"
		if ratio >= 10 {
			met = "yes"
		}
		mark := ""
		if walls > 0 {
			mark = fmt.Sprintf(" (wall on %d)", walls)
		}
		fmt.Fprintf(w, "| `%s` | `%s` | %d | %.4f | %.4f%s | %s | %s | %s |\n", c.key, c.intdim, used, ti, tp, mark, fmtRatio(ratio), fmtRatio(least), met)
	}
	fmt.Fprintf(w, "| **all keys** | | | %.3f | %.3f | %s | | |\n", allI, allP, fmtRatio(allP/allI))
	return nil
}

func fmtRatio(r float64) string {
	switch {
	case math.IsInf(r, 0) || math.IsNaN(r):
		return "—"
	case r >= 100:
		return fmt.Sprintf("%.0f×", r)
	case r >= 10:
		return fmt.Sprintf("%.1f×", r)
	}
	return fmt.Sprintf("%.2f×", r)
}

func readMatrix(path string) (*cloud.Matrix, error) {
	h, v, err := npy.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return cloud.New64(v, h.Rows(), h.Cols())
}
