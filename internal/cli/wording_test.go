package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/imageset"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/onnx"
	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/plot"
)

// TestFlagWords: every library error that stands for a flag is worded
// with the flag, wrapped or not, and keeps its chain (exit status,
// errors.As); the library's own message names no flag.
func TestFlagWords(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&knn.SelfColumnError{Row: 3, Index: 7, Dist: 0.5}, "row 3: column 0 is index 7 at distance 0.5, not the point itself (lists without the self column need --no-self)"},
		{&estimate.ShortListsError{Method: "mle", K: 20, Need: 20, Have: 5}, "mle: k = 20 needs 20 neighbours per point, the lists hold 5 (use --k 5 or longer lists)"},
		{&estimate.ShortListsError{Method: "mom", Need: 100, Have: 5}, "mom needs 100 neighbours per point, the lists hold 5"},
		{&estimate.ParamError{Method: "corrint", Fields: []string{"K1", "K2"}, Values: []float64{20, 10}, Want: "1 ≤ k1 < k2"}, "--corrint-k1 20, --corrint-k2 10: need 1 ≤ k1 < k2"},
		{&pipeline.TokensError{Where: "a.npy", Mode: "mean", Shape: []int{50, 3}}, "a.npy: --tokens mean needs a rank-3 array [N, T, D], this one is 50×3"},
		{&pipeline.TokensError{Where: "a.npy", Mode: "first", Shape: []int{2, 4, 3}, Points: 2}, "a.npy: 2 points after --tokens first, need at least 3"},
		{&pipeline.LayerAxisError{Where: "s.npy", Shape: []int{5, 3}}, "s.npy: --layer-axis 0 needs an array [L, N, …] of rank ≥ 3, this one is 5×3"},
		{&pipeline.LayerAxisError{Where: "s.npy", Shape: []int{0, 3, 4}}, "s.npy: --layer-axis 0: no layers (shape 0×3×4)"},
		{&pipeline.MetricError{Path: "g.npz", Lists: true}, "g.npz: the neighbour lists fix the distance already: --metric does not apply"},
		{&pipeline.MetricError{Path: "d.npy"}, "d.npy: the distance matrix fixes the distance already: --metric does not apply"},
		{&imageset.SizeError{Path: "im.png", W: 20, H: 16, ModelW: 16, ModelH: 16}, "im.png: image is 20×16 but the model takes 16×16 (use --preprocess imagenet)"},
		{&onnx.NoLayerError{Model: "m.onnx", Name: "fc9"}, `m.onnx: no layer "fc9" (--list-layers prints the candidates)`},
		{&onnx.ORTLibError{}, "backend ort: no onnxruntime library; give --ort-lib PATH or set ONNXRUNTIME_LIB"},
		{&onnx.ORTLibError{Lib: "x.so", Err: fs.ErrNotExist}, "onnxruntime library: file does not exist (give --ort-lib or ONNXRUNTIME_LIB the path of libonnxruntime.so)"},
		{&plot.NothingToDrawError{Name: "e.json"}, "e.json: nothing to draw (no multi-scale or pca result; try --method gride or pca)"},
		{plot.ErrNoTrackedIDs, "the log has no IDs (train with --track-id)"},
		{&knn.SearchError{Value: "fast"}, `--search: unknown search "fast" (want auto, brute, pruned or tree)`},
		{&knn.SearchError{}, "--search: empty (want auto, brute, pruned or tree)"},
	} {
		if strings.Contains(c.err.Error(), "--") {
			t.Errorf("library message %q names a flag", c.err)
		}
		wrapped := BadInput(fmt.Errorf("layer x: %w", c.err))
		got := flagWords(wrapped)
		if !strings.HasPrefix(got.Error(), "layer x: "+c.want) {
			t.Errorf("%T: %q, want %q", c.err, got, "layer x: "+c.want)
		}
		var e *ExitError
		if !errors.As(got, &e) || e.Code != 2 || !errors.Is(got, c.err) {
			t.Errorf("%T: chain lost: %v", c.err, got)
		}
	}
	if err := errors.New("plain"); flagWords(err) != err || flagWords(nil) != nil {
		t.Error("an error with nothing to word changed")
	}
}

// TestSkdimFlagErrors: scikit-dimension parameters out of range are
// refused with exit status 2 naming the flags (and only those) that break
// the rule.
func TestSkdimFlagErrors(t *testing.T) {
	const x = "../../testdata/refs/bm_M10a_Cubic.npy"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--mom-k", "1"}, "--mom-k 1: need at least 2"},
		{[]string{"--tle-k", "1", "--ess-k", "-3"}, "--tle-k 1, --ess-k -3: need at least 2"},
		{[]string{"--corrint-k1", "20", "--corrint-k2", "10"}, "--corrint-k1 20, --corrint-k2 10: need 1 ≤ k1 < k2"},
		{[]string{"--mind-d", "-1"}, "--mind-d -1: need at least 1"},
		{[]string{"--tle-epsilon", "-1e-3"}, "--tle-epsilon -0.001: need a value above 0"},
		{[]string{"--lpca-p-fan", "1.5"}, "--lpca-p-fan 1.5: need a value in (0, 1)"},
		{[]string{"--lpca-alpha-fan", "NaN"}, "--lpca-alpha-fan NaN: need a value above 0"},
	} {
		code, _, errs := run(append([]string{"estimate", x, "--method", "mom"}, c.args...)...)
		if code != 2 || strings.TrimSpace(errs) != "intdim estimate: "+c.want {
			t.Errorf("%v: exit %d, %q, want %q", c.args, code, errs, c.want)
		}
	}
}
