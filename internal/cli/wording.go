package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/imageset"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/onnx"
	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/plot"
)

// The library's errors state facts and name its options as the library
// does (Options.Tokens, ListsOptions.NoSelf): it does not know the command
// line. flagWords puts the flags that change them into their messages.

// wording finds an error of type T in a chain and words it for the
// command line.
type wording func(err error) (text string, inner error)

func word[T error](f func(T) string) wording {
	return func(err error) (string, error) {
		var t T
		if errors.As(err, &t) {
			return f(t), t
		}
		return "", nil
	}
}

var wordings = []wording{
	word(func(e *knn.SelfColumnError) string {
		return fmt.Sprintf("row %d: column 0 is index %d at distance %v, not the point itself (lists without the self column need --no-self)", e.Row, e.Index, e.Dist)
	}),
	word(func(e *knn.SearchError) string {
		if e.Value == "" {
			return "--search: empty (want auto, brute, pruned or tree)"
		}
		return fmt.Sprintf("--search: unknown search %q (want auto, brute, pruned or tree)", e.Value)
	}),
	word(func(e *estimate.ShortListsError) string {
		if e.K > 0 {
			return fmt.Sprintf("%s: k = %d needs %d neighbours per point, the lists hold %d (use --k %d or longer lists)", e.Method, e.K, e.Need, e.Have, e.Have)
		}
		return e.Error()
	}),
	word(func(e *estimate.ParamError) string {
		return fmt.Sprintf("%s: need %s", e.Settings(func(f string) string { return "--" + skdimFlag(f) }, " "), e.Want)
	}),
	word(func(e *pipeline.TokensError) string {
		if len(e.Shape) != 3 {
			return fmt.Sprintf("%s: --tokens %s needs a rank-3 array [N, T, D], this one is %s", e.Where, e.Mode, dims(e.Shape))
		}
		return fmt.Sprintf("%s: %d points after --tokens %s, need at least 3", e.Where, e.Points, e.Mode)
	}),
	word(func(e *pipeline.LayerAxisError) string {
		if len(e.Shape) < 3 {
			return fmt.Sprintf("%s: --layer-axis 0 needs an array [L, N, …] of rank ≥ 3, this one is %s", e.Where, dims(e.Shape))
		}
		return fmt.Sprintf("%s: --layer-axis 0: no layers (shape %s)", e.Where, dims(e.Shape))
	}),
	word(func(e *pipeline.MetricError) string {
		if e.Lists {
			return e.Path + ": the neighbour lists fix the distance already: --metric does not apply"
		}
		return e.Path + ": the distance matrix fixes the distance already: --metric does not apply"
	}),
	word(func(e *imageset.SizeError) string {
		return fmt.Sprintf("%s: image is %d×%d but the model takes %d×%d (use --preprocess imagenet)", e.Path, e.W, e.H, e.ModelW, e.ModelH)
	}),
	word(func(e *onnx.NoLayerError) string {
		return fmt.Sprintf("%s: no layer %q (--list-layers prints the candidates)", e.Model, e.Name)
	}),
	word(func(e *onnx.ORTLibError) string {
		if e.Lib == "" {
			return "backend ort: no onnxruntime library; give --ort-lib PATH or set ONNXRUNTIME_LIB to libonnxruntime.so (e.g. from the npm package onnxruntime-node or an onnxruntime release)"
		}
		return fmt.Sprintf("onnxruntime library: %v (give --ort-lib or ONNXRUNTIME_LIB the path of libonnxruntime.so)", e.Err)
	}),
	word(func(e *plot.NothingToDrawError) string {
		return e.Name + ": nothing to draw (no multi-scale or pca result; try --method gride or pca)"
	}),
	func(err error) (string, error) {
		if errors.Is(err, plot.ErrNoTrackedIDs) {
			return "the log has no IDs (train with --track-id)", plot.ErrNoTrackedIDs
		}
		return "", nil
	},
}

// warningWords rewords the library's phrases that name its options in the
// warnings of a kind, as the command line's flags.
var warningWords = map[estimate.WarningCode]*strings.Replacer{
	estimate.WarnFlattened: strings.NewReplacer(pipeline.FlattenedTokens, "(--tokens flatten)", pipeline.FlattenedModes, "--tokens first, last, mean or all"),
}

// flagWarnings words ws in place for the command line (as flagWords does
// errors) and returns it. A warning read back from JSON has no code: its
// phrases are reworded wherever they occur.
func flagWarnings(ws []estimate.Warning) []estimate.Warning {
	for i, w := range ws {
		for code, r := range warningWords {
			if w.Code == code || w.Code == "" {
				ws[i].Msg = r.Replace(ws[i].Msg)
			}
		}
	}
	return ws
}

// skdimFlag is the flag of a field of estimate.SkdimOptions.
func skdimFlag(field string) string {
	flags := map[string]string{
		"MOMK": "mom-k", "TLEK": "tle-k", "MADAK": "mada-k", "ESSK": "ess-k", "TLEEpsilon": "tle-epsilon",
		"K1": "corrint-k1", "K2": "corrint-k2", "MiNDK": "mind-k", "MiNDD": "mind-d",
		"AlphaFO": "lpca-alpha-fo", "AlphaRatio": "lpca-alpha-ratio", "AlphaFan": "lpca-alpha-fan",
		"BetaFan": "lpca-beta-fan", "PFan": "lpca-p-fan",
		"KNNK": "knn-k", "KNNM": "knn-m", "KNNGamma": "knn-gamma", "KNNPs": "knn-ps",
		"DANCoK": "danco-k", "DANCoD": "danco-d",
	}
	if f, ok := flags[field]; ok {
		return f
	}
	return field
}

func dims(s []int) string {
	return strings.Trim(strings.Join(strings.Fields(fmt.Sprint(s)), "×"), "[]")
}

// flagWords returns err with the message of each library error in its
// chain replaced by the command line's wording, which names the flag; the
// chain (and so the exit status) is kept. A nil err stays nil.
func flagWords(err error) error {
	return reword(err, wordings)
}

// keywordWordings word the library errors that name an option for the
// callers of the library entry points (C, Python), by the option's key as
// a keyword argument: search="kd", knn_ps=1.
var keywordWordings = []wording{
	word(func(e *knn.SearchError) string {
		if e.Value == "" {
			return `search="": empty search mode (want auto, brute, pruned or tree)`
		}
		return fmt.Sprintf("search=%q: unknown search mode (want auto, brute, pruned or tree)", e.Value)
	}),
	word(func(e *estimate.ParamError) string {
		return fmt.Sprintf("%s: %s: need %s", e.Method,
			e.Settings(func(f string) string { return strings.ReplaceAll(skdimFlag(f), "-", "_") }, "="), e.Want)
	}),
}

// keywordWords is flagWords for the library entry points: the errors that
// name an option name it as keywordWordings do.
func keywordWords(err error) error {
	return reword(err, keywordWordings)
}

// reword returns err with the message of each error in its chain that one
// of ws words replaced by that wording; the chain is kept.
func reword(err error, ws []wording) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, w := range ws {
		if text, inner := w(err); inner != nil {
			msg = strings.Replace(msg, inner.Error(), text, 1)
		}
	}
	if msg == err.Error() {
		return err
	}
	return &wordedError{msg: msg, err: err}
}

type wordedError struct {
	msg string
	err error
}

func (e *wordedError) Error() string { return e.msg }
func (e *wordedError) Unwrap() error { return e.err }
