package pipeline

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/tensorio"
)

// How arrays become point clouds beyond tensorio's N×(product of the
// other dimensions): token axes (Options.Tokens), stacked layers
// (Options.LayerAxis) and class labels (Options.Labels, LoadLabels).

func (o *Options) tokens() string {
	if o == nil {
		return ""
	}
	return o.Tokens
}

// reshapes reports whether an array of this shape is not read as
// tensorio's plain N×D matrix under o (so that it cannot be streamed).
func (o *Options) reshapes(shape []int) bool {
	if o == nil {
		return false
	}
	t := o.Tokens
	return o.LayerAxis || len(shape) == 3 && t != "" && t != "flatten"
}

func dims(s []int) string {
	p := make([]string, len(s))
	for i, d := range s {
		p[i] = strconv.Itoa(d)
	}
	return strings.Join(p, "×")
}

// flattenWarning is the warning of a rank-3 array read as N points of T·D.
// It names the modes of Options.Tokens as the library does; the command
// line words them as its flag (FlattenedTokens, FlattenedModes).
func flattenWarning(shape []int) estimate.Warning {
	return estimate.Warnf(estimate.WarnFlattened, "rank-3 array %s read as %d points of %d×%d = %d values %s; if its axes are [N, T, D] (sequences, tokens, features), %s takes tokens as points",
		dims(shape), shape[0], shape[1], shape[2], shape[1]*shape[2], FlattenedTokens, FlattenedModes)
}

// The phrases of a WarnFlattened warning that name Options.Tokens, for a
// front door that words them as its own option.
const (
	FlattenedTokens = "(tokens mode flatten)"
	FlattenedModes  = "the tokens mode first, last, mean or all"
)

// points returns the point cloud of a checked array under o.Tokens (see
// cloud.Tokens) and the warnings to report with it. A mode other than
// flatten needs a rank-3 array.
func points(a *tensorio.Array, o *Options) (*cloud.Matrix, []estimate.Warning, error) {
	x, err := a.Points()
	if err != nil {
		return nil, nil, err
	}
	mode := o.tokens()
	if len(a.Shape) != 3 {
		if mode != "" && mode != "flatten" {
			return nil, nil, &TokensError{Where: where(a), Mode: mode, Shape: a.Shape}
		}
		return x, nil, nil
	}
	if mode == "" || mode == "flatten" {
		return x, []estimate.Warning{flattenWarning(a.Shape)}, nil
	}
	y, err := cloud.Tokens(x, a.Shape[1], mode)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", where(a), err)
	}
	if y.N() < 3 {
		return nil, nil, &TokensError{Where: where(a), Mode: mode, Shape: a.Shape, Points: y.N()}
	}
	if err := y.Finite(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", where(a), err)
	}
	return y, nil, nil
}

// TokensError reports an array that the Options.Tokens mode cannot read
// as points: one not of rank 3 (Points 0), or one that gives fewer than 3
// points.
type TokensError struct {
	Where  string // the array: its file, and its name in the file
	Mode   string // first, last, mean or all
	Shape  []int
	Points int // the points the mode gave (rank 3)
}

func (e *TokensError) Error() string {
	if len(e.Shape) != 3 {
		return fmt.Sprintf("%s: tokens %s needs a rank-3 array [N, T, D], this one is %s", e.Where, e.Mode, dims(e.Shape))
	}
	return fmt.Sprintf("%s: %d points after tokens %s, need at least 3", e.Where, e.Points, e.Mode)
}

// LayerAxisError reports an array that Options.LayerAxis cannot split into
// layers: one of rank below 3, or with no layers.
type LayerAxisError struct {
	Where string
	Shape []int
}

func (e *LayerAxisError) Error() string {
	if len(e.Shape) < 3 {
		return fmt.Sprintf("%s: layers along axis 0 need an array [L, N, …] of rank ≥ 3, this one is %s", e.Where, dims(e.Shape))
	}
	return fmt.Sprintf("%s: layers along axis 0: no layers (shape %s)", e.Where, dims(e.Shape))
}

// where names an array for a message: its file, and its name unless it
// is the file's base name (a .npy file).
func where(a *tensorio.Array) string {
	if a.Source == "" {
		return a.Name
	}
	base := filepath.Base(a.Source)
	if a.Name == strings.TrimSuffix(base, filepath.Ext(base)) {
		return a.Source
	}
	return a.Source + ":" + a.Name
}

// splitLayers returns the L layers of a stacked array [L, N, …], named
// NAME.0 … NAME.L−1, viewing a's values (a must stay open while they are
// used).
func splitLayers(a *tensorio.Array) ([]*tensorio.Array, error) {
	if len(a.Shape) < 3 {
		return nil, &LayerAxisError{Where: where(a), Shape: a.Shape}
	}
	l := a.Shape[0]
	if l == 0 {
		return nil, &LayerAxisError{Where: where(a), Shape: a.Shape}
	}
	per := a.Len() / l
	out := make([]*tensorio.Array, l)
	for i := range l {
		s := &tensorio.Array{Name: fmt.Sprintf("%s.%d", a.Name, i), Shape: a.Shape[1:], Source: a.Source, DType: a.DType}
		if a.Data32 != nil {
			s.Data32 = a.Data32[i*per : (i+1)*per : (i+1)*per]
		} else {
			s.Data = a.Data[i*per : (i+1)*per : (i+1)*per]
		}
		out[i] = s
	}
	return out, nil
}

// LoadLabels reads the class labels named by spec (a .npy file, an .npz
// member, a .pt entry: one array of N integers, shape N or N×1; integer
// or bool dtype, or floats that are all integers). Errors are one line
// naming the file and the first bad value.
func LoadLabels(spec string, budget int64) ([]int, error) {
	as, err := tensorio.OpenWith(spec, tensorio.Options{MaxBytes: budget})
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, a := range as {
			a.Close()
		}
	}()
	if len(as) != 1 {
		return nil, fmt.Errorf("%s: labels: holds %d arrays; name one (FILE:NAME)", spec, len(as))
	}
	a := as[0]
	if len(a.Shape) != 1 && (len(a.Shape) != 2 || a.Shape[1] != 1) {
		return nil, fmt.Errorf("%s: labels: shape %s, want one label per point (N or N×1)", where(a), dims(a.Shape))
	}
	vals := a.Float64()
	out := make([]int, len(vals))
	for i, v := range vals {
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return nil, fmt.Errorf("%s: labels: value %d is %v, not an integer", where(a), i, v)
		}
		out[i] = int(v)
	}
	return out, nil
}

// Classes returns the number of distinct labels.
func Classes(labels []int) int {
	seen := map[int]struct{}{}
	for _, l := range labels {
		seen[l] = struct{}{}
	}
	return len(seen)
}

// checkLabels checks that the labels, if any, count n points.
func (o *Options) checkLabels(name string, n int) error {
	if o == nil || o.Labels == nil || len(o.Labels) == n {
		return nil
	}
	if o.LabelsFrom != "" {
		return fmt.Errorf("%s: %d points, but %d labels in %s", name, n, len(o.Labels), o.LabelsFrom)
	}
	return fmt.Errorf("%s: %d points, but %d labels", name, n, len(o.Labels))
}
