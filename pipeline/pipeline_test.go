package pipeline

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/tensorio/npy"
)

func writeNPY(t *testing.T, name string, shape []int, data any) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := npy.Write(f, shape, data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// f32 rounds x to float32.
func f32(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}

// results returns the report's results as JSON, for comparison, with the
// PCA spectrum rounded to 12 digits (streamed, it comes from the n×n Gram
// matrix; loaded with n > d, from the d×d covariance: the same eigenvalues
// to rounding, and the same PC-ID).
func results(t *testing.T, rep *estimate.Report) string {
	t.Helper()
	rs := append([]estimate.Result(nil), rep.Results...)
	for i := range rs {
		sp := make([]float64, len(rs[i].Spectrum))
		for j, v := range rs[i].Spectrum {
			sp[j], _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
		}
		rs[i].Spectrum = sp
	}
	b, err := json.Marshal(rs)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestStreamedEqualsLoaded: a layer streamed from disk (a tiny budget)
// gives the estimate of the loaded layer, for every metric, method set and
// duplicate policy (issue 9: PC-ID under cosine differed, 33 against 35).
func TestStreamedEqualsLoaded(t *testing.T) {
	n, d := 300, 48
	x := synth.Hypercube(n, 5, d, 3)
	for j := range d { // columns of different scales and offsets
		for i := range n {
			x[i*d+j] = x[i*d+j]*float64(1+j%5) + float64(j%3)
		}
	}
	path := writeNPY(t, "layer.npy", []int{n, d}, f32(x))
	for _, metric := range []knn.Metric{knn.Euclidean, knn.Cosine} {
		for _, method := range []estimate.Method{"twonn", "all"} {
			for _, dup := range []estimate.DuplicatePolicy{"collapse", "drop", "keep"} {
				eo := estimate.Options{Method: method, Metric: metric, Duplicates: dup, Resample: 3, Seed: 4, MaxRank: 16}
				loaded, err := Estimate(File(path), &Options{Estimate: eo})
				if err != nil {
					t.Fatal(err)
				}
				streamed, err := Estimate(File(path), &Options{Estimate: eo, Mem: 4096})
				if err != nil {
					t.Fatal(err)
				}
				if len(streamed.Warnings) == 0 {
					t.Errorf("%v %s %s: streaming not reported", metric, method, dup)
				}
				if a, b := results(t, loaded), results(t, streamed); a != b {
					t.Errorf("%v %s %s:\nloaded   %s\nstreamed %s", metric, method, dup, a, b)
				}
				if loaded.Input != path || streamed.Input != path {
					t.Errorf("inputs %q, %q", loaded.Input, streamed.Input)
				}
			}
		}
	}
}

// TestFloat32FileEqualsFloat64Points: a float32 file, kept as float32 from
// the file to the kernel, gives the estimate of its float64 widening in
// memory, bit for bit.
func TestFloat32FileEqualsFloat64Points(t *testing.T) {
	n, d := 400, 30
	x32 := f32(synth.Gaussian(n, 6, d, 8))
	path := writeNPY(t, "g.npy", []int{n, d}, x32)
	x64 := make([]float64, len(x32))
	for i, v := range x32 {
		x64[i] = float64(v)
	}
	opt := &Options{Estimate: estimate.Options{Method: "all", Resample: 2, MaxRank: 32}}
	a, err := Estimate(File(path), opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Estimate(Points("g", cloud.Must64(x64, n, d)), opt)
	if err != nil {
		t.Fatal(err)
	}
	if results(t, a) != results(t, b) || b.Input != "g" {
		t.Errorf("float32 file %s\nfloat64 points %s", results(t, a), results(t, b))
	}
	s, err := Scale(File(path), estimate.ScaleOptions{Blocks: 4}, opt)
	if err != nil || len(s.Results) != 1 || len(s.Results[0].Scales) != 4 {
		t.Fatalf("Scale: %v %v", s, err)
	}
}

// TestStreamedFallsBackForDuplicates: a layer streamed by choice (it fits)
// whose rows hold exact duplicates is loaded instead under the collapse
// policy, since the neighbour lists cannot collapse them.
func TestStreamedFallsBackForDuplicates(t *testing.T) {
	n, d := 200, 20
	x := synth.Hypercube(n, 3, d, 5)
	copy(x[10*d:11*d], x[20*d:21*d])
	path := writeNPY(t, "dup.npy", []int{n, d}, x)
	eo := estimate.Options{}
	p := plan{stream: true, n: n, d: d, elem: 8, fits: true}
	if _, _, err := estimateStreamed(path, p, 4096, &eo, false); err != errNeedRows {
		t.Fatalf("duplicates streamed by choice: err = %v, want errNeedRows", err)
	}
	p.fits = false
	rep, _, err := estimateStreamed(path, p, 4096, &eo, false)
	if err != nil || len(rep.Warnings) < 2 {
		t.Fatalf("duplicates streamed by need: %v, %v", rep, err)
	}
	loaded, err := Estimate(File(path), nil)
	if err != nil || loaded.Duplicates != 1 {
		t.Fatalf("loaded: %+v, %v", loaded, err)
	}
}

// TestProfile: a profile of a file streamed and one loaded gives both
// layers, in order, with their PC-ID, and reports progress.
func TestProfile(t *testing.T) {
	n, d := 200, 16
	a := writeNPY(t, "a.npy", []int{n, d}, synth.Hypercube(n, 3, d, 1))
	b := writeNPY(t, "b.npy", []int{n, d}, f32(synth.Hypercube(n, 5, d, 2)))
	var calls []int
	opt := &Options{Mem: 8192, Progress: func(done, total int) { calls = append(calls, done, total) }}
	p, err := Profile([]string{a, b}, false, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Layers) != 2 || p.Layers[0].Name != "a" || p.Layers[1].Name != "b" || p.Layers[0].PCID == nil || p.Layers[1].PCID == nil {
		t.Fatalf("layers %+v", p.Layers)
	}
	if len(calls) != 4 || calls[0] != 1 || calls[1] != 2 || calls[2] != 2 {
		t.Errorf("progress %v", calls)
	}
	loaded, err := Profile([]string{a, b}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if loaded.Layers[i].ID != p.Layers[i].ID || *loaded.Layers[i].PCID != *p.Layers[i].PCID {
			t.Errorf("layer %d: loaded %v/%d, streamed %v/%d", i, loaded.Layers[i].ID, *loaded.Layers[i].PCID, p.Layers[i].ID, *p.Layers[i].PCID)
		}
	}
}

// TestStreamsRule pins the memory rule on the layers of issue 10.
func TestStreamsRule(t *testing.T) {
	const gib = 1 << 30
	for _, c := range []struct {
		n, d, elem int
		mem        int64
		want       bool
	}{
		{2000, 802816, 4, 64 * gib, true}, // 6.4 GB wide layer: streamed by default
		{2000, 100000, 4, 64 * gib, true}, // 800 MB wide layer
		{20000, 768, 4, 64 * gib, false},  // tall: loaded
		{2000, 4000, 4, 64 * gib, false},  // wide but small: loaded
		{20000, 768, 4, 1 << 20, true},    // does not fit
	} {
		if got := knn.Streams(c.n, c.d, c.elem, c.mem, false); got != c.want {
			t.Errorf("Streams(%d, %d, %d, %d) = %v", c.n, c.d, c.elem, c.mem, got)
		}
	}
}

// TestStreamedZeroRows: under cosine with the zero-rows policy "drop", a
// layer streamed by choice is loaded (the lists cannot leave rows out), so
// both paths give the same estimate; streamed by need, the error counts the
// rows and says why they stay.
func TestStreamedZeroRows(t *testing.T) {
	n, d := 200, 20
	x := synth.Gaussian(n, 4, d, 6)
	for _, i := range []int{5, 9} {
		clear(x[i*d : (i+1)*d])
	}
	path := writeNPY(t, "zero.npy", []int{n, d}, x)
	eo := estimate.Options{Metric: knn.Cosine, ZeroRows: "drop"}
	p := plan{stream: true, n: n, d: d, elem: 8, fits: true}
	if _, _, err := estimateStreamed(path, p, 4096, &eo, false); err != errNeedRows {
		t.Fatalf("streamed by choice: err = %v, want errNeedRows", err)
	}
	p.fits = false
	if _, _, err := estimateStreamed(path, p, 4096, &eo, false); err == nil || !strings.Contains(err.Error(), "2 of 200 rows have zero norm") {
		t.Fatalf("streamed by need: err = %v", err)
	}
	loaded, err := Estimate(File(path), &Options{Estimate: eo})
	if err != nil || loaded.ZeroRows != 2 || loaded.NUsed != n-2 {
		t.Fatalf("loaded: %+v, %v", loaded, err)
	}
}
