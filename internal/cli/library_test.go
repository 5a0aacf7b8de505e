package cli

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/intdim/intdim/cloud"
)

// libData returns n points of a noisy 3-dimensional set in 8 dimensions.
func libData(n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 2))
	x := make([]float64, n*8)
	for i := range n {
		a, b, c := r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
		for j := range 8 {
			x[i*8+j] = a*float64(j) + b*float64(j*j%5) + c*float64(j%3) + 1e-3*r.NormFloat64()
		}
	}
	return x
}

// The library's documents are the command's, on the same points and flags.
func TestLibEqualsCommand(t *testing.T) {
	x := libData(300, 1)
	path := writeFile(t, "x.npy", npyBytes("<f8", []int{300, 8}, f64bytes(x)))
	m := cloud.Must64(x, 300, 8)
	cases := []struct {
		args []string
		opts string
	}{
		{[]string{"estimate", "--method", "all", "--resample", "4", "--max-rank", "32"}, `{"method": "all", "resample": 4, "max_rank": 32}`},
		{[]string{"scale", "--blocks", "6", "--gride", "--seed", "5"}, `{"blocks": 6, "gride": true, "seed": 5}`},
		{[]string{"profile", "--method", "mle", "--k", "8", "--no-pca"}, `{"method": "mle", "k": 8, "no-pca": true}`},
		{[]string{"estimate", "--method", "binomial", "--binomial-k", "6", "--binomial-r", "0.6"}, `{"method": "binomial", "binomial_k": 6, "binomial_r": 0.6}`},
		{[]string{"estimate", "--method", "gride-auto", "--kstar-maxk", "40", "--kstar-alpha", "1e-4", "--kstar-iter", "3"},
			`{"method": "gride-auto", "kstar_maxk": 40, "kstar_alpha": 1e-4, "kstar_iter": 3}`},
		{[]string{"profile", "--method", "gride-auto", "--kstar-maxk", "500", "--no-pca"}, `{"method": "gride-auto", "kstar-maxk": 500, "no_pca": true}`},
		{[]string{"estimate", "--method", "tle", "--tle-k", "12", "--tle-epsilon", "1e-3", "--search", "brute"},
			`{"method": "tle", "tle_k": 12, "tle_epsilon": 1e-3, "search": "brute"}`},
		{[]string{"estimate", "--method", "corrint", "--corrint-k1", "5", "--corrint-k2", "15"}, `{"method": "corrint", "corrint_k1": 5, "corrint_k2": 15}`},
		{[]string{"estimate", "--method", "knn", "--knn-k", "3", "--knn-ps", "5,7,9", "--knn-m", "2", "--knn-gamma", "1.5"},
			`{"method": "knn", "knn_k": 3, "knn_ps": "5,7,9", "knn_m": 2, "knn_gamma": 1.5}`},
		{[]string{"estimate", "--method", "danco", "--danco-k", "8", "--danco-fractal=false"}, `{"method": "danco", "danco_k": 8, "danco_fractal": false}`},
		{[]string{"profile", "--method", "lpca-fan", "--lpca-alpha-fan", "5", "--lpca-beta-fan", "0.7", "--lpca-p-fan", "0.9", "--no-pca"},
			`{"method": "lpca-fan", "lpca_alpha_fan": 5, "lpca_beta_fan": 0.7, "lpca_p_fan": 0.9, "no_pca": true}`},
		{[]string{"profile", "--method", "mom", "--mom-k", "30", "--search", "tree", "--no-pca"}, `{"method": "mom", "mom_k": 30, "search": "tree", "no_pca": true}`},
	}
	for _, c := range cases {
		code, want, stderr := run(append(append([]string{}, c.args...), "--format", "json", "--quiet", path)...)
		if code != 0 {
			t.Fatalf("%v: %d %s", c.args, code, stderr)
		}
		var got []byte
		var err error
		switch c.args[0] {
		case "estimate":
			got, err = LibEstimate(path, m, []byte(c.opts))
		case "scale":
			got, err = LibScale(path, m, []byte(c.opts))
		case "profile":
			got, err = LibProfile([]LibLayer{{Name: "x", Points: m}}, []byte(c.opts))
		}
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if string(got) != want {
			t.Errorf("%v: library\n%s\ncommand\n%s", c.args, got, want)
		}
	}
}

// Options are refused with the command's messages, as bad usage (code 2).
func TestLibOptionErrors(t *testing.T) {
	m := cloud.Must64(libData(50, 2), 50, 8)
	for _, c := range []struct{ opts, want string }{
		{`{"method": "foo"}`, `unknown --method "foo" (want twonn, twonn-ml, gride, mle, pca or all)`},
		{`{"fraction": 2}`, `--fraction 2 outside (0, 1]`},
		{`{"format": "csv"}`, `estimate: unknown option "format" (options: method, `},
		{`{"k": [1]}`, `option k: want a number, a string or a boolean`},
		{`[1]`, `options: not a JSON object`},
		{`{"seed": "x"}`, `invalid value "x" for flag -seed`},
		{`{"method": "gride-auto", "kstar_alpha": 2}`, `--kstar-alpha 2, --kstar-iter 5: need maxk ≥ 2, 0 < alpha < 1`},
		{`{"method": "binomial", "binomial_r": 1}`, `--binomial-r 1: need k ≥ 2 and 0 < r < 1`},
		{`{"search": ""}`, `empty search mode (want auto, brute, pruned or tree)`},
		// Options the library checks are named by their keys, as the C and Python callers write them.
		{`{"search": ""}`, `search="": empty search mode (want auto, brute, pruned or tree)`},
		{`{"search": "kd"}`, `search="kd": unknown search mode (want auto, brute, pruned or tree)`},
		{`{"method": "knn", "knn_ps": "1,2"}`, `knn: knn_ps=1, knn_ps=2: need sample sizes above k = 2`},
		{`{"method": "corrint", "corrint_k1": 5, "corrint_k2": 3}`, `corrint: corrint_k1=5, corrint_k2=3: need 1 ≤ k1 < k2`},
	} {
		_, err := LibEstimate("x", m, []byte(c.opts))
		var e *ExitError
		if !errors.As(err, &e) || e.Code != 2 || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want code 2 and %q", c.opts, err, c.want)
		}
	}
	if _, err := LibScale("x", m, []byte(`{"resample": 3}`)); err == nil || !strings.Contains(err.Error(), "--resample: not used by scale") {
		t.Errorf("scale --resample: %v", err)
	}
	if _, err := LibProfile(nil, nil); err == nil {
		t.Error("a profile of no layers was accepted")
	}
	// Bad data: the pipeline's message, naming the input, code 2.
	_, err := LibEstimate("data", cloud.Must64([]float64{0, 0, 1, 1}, 2, 2), nil)
	var e *ExitError
	if !errors.As(err, &e) || e.Code != 2 || !strings.HasPrefix(err.Error(), "data: ") {
		t.Errorf("two points: %v", err)
	}
}

// A profile from the library draws the profile figure; a bad format is refused.
func TestLibFigure(t *testing.T) {
	m := cloud.Must64(libData(200, 3), 200, 8)
	doc, err := LibProfile([]LibLayer{{Name: "a", Points: m}, {Name: "b", Points: m}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(doc, &d); err != nil || d["kind"] != "profile" {
		t.Fatalf("document: %v %v", err, d["kind"])
	}
	png, err := LibFigure(doc, "png")
	if err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Fatalf("png: %v", err)
	}
	if _, err := LibFigure(doc, "gif"); err == nil {
		t.Error("gif accepted")
	}
	if _, err := LibFigure([]byte("{"), "svg"); err == nil {
		t.Error("a broken document was drawn")
	}
}

// Concurrent calls (the Python package's threads) give the serial
// documents; run under -race, they share no mutable state.
func TestLibConcurrent(t *testing.T) {
	const k = 4
	ms := make([]*cloud.Matrix, k)
	want := make([]string, k)
	for i := range ms {
		ms[i] = cloud.Must64(libData(150, uint64(i)), 150, 8)
		doc, err := LibEstimate("x", ms[i], []byte(`{"method": "all", "resample": 2}`))
		if err != nil {
			t.Fatal(err)
		}
		want[i] = string(doc)
	}
	got := make([]string, k)
	done := make(chan int)
	for i := range ms {
		go func() {
			doc, _ := LibEstimate("x", ms[i], []byte(`{"method": "all", "resample": 2}`))
			got[i] = string(doc)
			done <- i
		}()
	}
	for range k {
		<-done
	}
	for i := range k {
		if got[i] != want[i] {
			t.Errorf("call %d: concurrent document differs from the serial one", i)
		}
	}
}
