package cli

import (
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/tensorio/npy"
)

// The library's overlap, imbalance, local and profile --overlap
// --imbalance documents are the commands', byte for byte, on the same
// points, and local's values are what --out writes.
func TestLibGeometryEqualsCommand(t *testing.T) {
	const n = 300
	x, y := libData(n, 3), libData(n, 4)
	for i := range y {
		y[i] = y[i]*0.5 + x[i] // related to x
	}
	px := writeFile(t, "x.npy", npyBytes("<f8", []int{n, 8}, f64bytes(x)))
	py := writeFile(t, "y.npy", npyBytes("<f8", []int{n, 8}, f64bytes(y)))
	labels := make([]int, n)
	lab := make([]float64, n)
	for i := range labels {
		labels[i] = int(math.Floor(x[i*8+1])) % 3
		lab[i] = float64(labels[i])
	}
	pl := writeFile(t, "y_labels.npy", npyBytes("<f8", []int{n}, f64bytes(lab)))
	mx, my := cloud.Must64(x, n, 8), cloud.Must64(y, n, 8)
	ax, ay := LibLayer{Name: px, Points: mx}, LibLayer{Name: py, Points: my}
	same := func(what string, got []byte, err error, args ...string) {
		t.Helper()
		code, want, stderr := run(append(args, "--format", "json")...)
		if code != 0 {
			t.Fatalf("%s: %d %s", what, code, stderr)
		}
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if string(got) != want {
			t.Errorf("%s: library\n%s\ncommand\n%s", what, got, want)
		}
	}
	got, err := LibOverlap(ax, &ay, labels, pl, []byte(`{"k": 12, "metric": "cosine"}`))
	same("overlap", got, err, "overlap", px, py, "--labels", pl, "--k", "12", "--metric", "cosine")
	got, err = LibOverlap(ax, nil, labels, pl, nil)
	same("label overlap", got, err, "overlap", px, "--labels", pl)
	got, err = LibImbalance(ax, ay, nil)
	same("imbalance", got, err, "imbalance", px, py)
	out := filepath.Join(t.TempDir(), "ids.npy")
	for _, method := range []string{"mle", "twonn", "tle"} {
		got, ids, err := LibLocal(ax, []byte(`{"k": 10, "method": "`+method+`"}`))
		same("local "+method, got, err, "local", px, "--k", "10", "--method", method)
		if code, _, stderr := run("local", px, "--k", "10", "--method", method, "--out", out); code != 0 {
			t.Fatal(stderr)
		}
		_, v, err := npy.ReadFileValues(out)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != n || len(v.F64) != n {
			t.Fatalf("local %s: %d values, --out %d", method, len(ids), len(v.F64))
		}
		for i := range ids {
			if ids[i] != v.F64[i] && !(math.IsNaN(ids[i]) && math.IsNaN(v.F64[i])) {
				t.Fatalf("local %s point %d: %g, --out %g", method, i, ids[i], v.F64[i])
			}
		}
	}
	got, err = LibProfile([]LibLayer{{Name: "x", Points: mx}, {Name: "y", Points: my}}, []byte(`{"overlap": true, "overlap_k": 10, "imbalance": true, "no_pca": true}`))
	same("profile", got, err, "profile", px, py, "--overlap", "--overlap-k", "10", "--imbalance", "--no-pca", "--quiet")
	// Refusals: the command's messages, code 2.
	for _, c := range []struct {
		err  error
		want string
	}{
		{func() error { _, err := LibOverlap(ax, nil, nil, "", nil); return err }(), "one representation needs labels"},
		{func() error { _, err := LibOverlap(ax, &ay, labels[:5], "y", nil); return err }(), "y: 5 labels, but " + px + " has 300 points"},
		{func() error { _, err := LibOverlap(ax, &ay, nil, "", []byte(`{"k": 300}`)); return err }(), px + ": 300 points, too few for k = 300"},
		{func() error { _, err := LibOverlap(ax, &ay, nil, "", []byte(`{"labels": "y.npy"}`)); return err }(), `unknown option "labels"`},
		{func() error {
			_, err := LibImbalance(ax, LibLayer{Name: "short", Points: cloud.Must64(y[:80], 10, 8)}, nil)
			return err
		}(), px + " has 300 points, short has 10"},
		{func() error { _, _, err := LibLocal(ax, []byte(`{"method": "nope"}`)); return err }(), `--method "nope"`},
		{func() error {
			_, err := LibProfile([]LibLayer{{Name: "x", Points: mx}, {Name: "s", Points: cloud.Must64(y[:80], 10, 8)}}, []byte(`{"imbalance": true}`))
			return err
		}(), "layer s has 10 points, layer x has 300"},
	} {
		var e *ExitError
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) || !errors.As(c.err, &e) || e.Code != 2 {
			t.Errorf("error %v, want code 2 and %q", c.err, c.want)
		}
	}
}
