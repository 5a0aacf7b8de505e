package result

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Kinds of the neighbourhood-geometry documents (package geometry).
const (
	KindOverlap   Kind = "overlap"   // intdim overlap: Overlap
	KindImbalance Kind = "imbalance" // intdim imbalance: Imbalance
)

// Overlap is the document of 'intdim overlap': the neighbourhood overlap of
// two representations A and B of the same points (geometry.Overlap), and/or
// the label overlap of A (geometry.LabelOverlap), at k neighbours.
type Overlap struct {
	Header
	A      string `json:"a"`
	B      string `json:"b,omitempty"`
	Labels string `json:"labels,omitempty"`
	N      int    `json:"n"`
	K      int    `json:"k"`
	// Overlap is the mean over points of |N_k^A(i) ∩ N_k^B(i)|/k (with B).
	Overlap *float64 `json:"overlap,omitempty"`
	// LabelOverlap is the mean over classes of the class means of the
	// fraction of a point's k neighbours in A sharing its label (DADApy's
	// weighted label overlap); LabelOverlapUnweighted the mean over points.
	LabelOverlap           *float64 `json:"label_overlap,omitempty"`
	LabelOverlapUnweighted *float64 `json:"label_overlap_unweighted,omitempty"`
	NClasses               int      `json:"n_classes,omitempty"`
}

// NewOverlap returns an overlap document with its kind and version.
func NewOverlap() *Overlap { return &Overlap{Header: Header{Kind: KindOverlap, Version: Version}} }

// Write writes the document in format: "json", "csv" (a header row and one
// row) or "text".
func (o *Overlap) Write(w io.Writer, format string) error {
	return write(w, format, o, func(w io.Writer) error {
		c := csv.NewWriter(w)
		c.Write([]string{"a", "b", "labels", "n", "k", "overlap", "label_overlap", "label_overlap_unweighted", "n_classes"})
		c.Write([]string{o.A, o.B, o.Labels, strconv.Itoa(o.N), strconv.Itoa(o.K), optF(o.Overlap), optF(o.LabelOverlap), optF(o.LabelOverlapUnweighted), strconv.Itoa(o.NClasses)})
		c.Flush()
		return c.Error()
	}, func(w io.Writer) error {
		if _, err := fmt.Fprintf(w, "%d points, k = %d\n", o.N, o.K); err != nil {
			return err
		}
		if o.Overlap != nil {
			fmt.Fprintf(w, "neighbourhood overlap of %s and %s: %.4f (unrelated: about k/(N-1) = %.4f)\n", o.A, o.B, *o.Overlap, float64(o.K)/float64(o.N-1))
		}
		if o.LabelOverlap != nil {
			fmt.Fprintf(w, "label overlap of %s with %s (%d classes): %.4f (class-weighted), %.4f (per point)\n", o.A, o.Labels, o.NClasses, *o.LabelOverlap, *o.LabelOverlapUnweighted)
		}
		return nil
	})
}

// Imbalance is the document of 'intdim imbalance': the information
// imbalances Δ(A→B) and Δ(B→A) (rank-1, geometry.Imbalance). Δ is 2/N
// when the nearest neighbours agree and about 1 when unrelated.
type Imbalance struct {
	Header
	A       string  `json:"a"`
	B       string  `json:"b"`
	N       int     `json:"n"`
	DeltaAB float64 `json:"delta_ab"`
	DeltaBA float64 `json:"delta_ba"`
}

// NewImbalance returns an imbalance document with its kind and version.
func NewImbalance() *Imbalance {
	return &Imbalance{Header: Header{Kind: KindImbalance, Version: Version}}
}

// Write writes the document in format: "json", "csv" or "text".
func (m *Imbalance) Write(w io.Writer, format string) error {
	return write(w, format, m, func(w io.Writer) error {
		c := csv.NewWriter(w)
		c.Write([]string{"a", "b", "n", "delta_ab", "delta_ba"})
		c.Write([]string{m.A, m.B, strconv.Itoa(m.N), ftoa(m.DeltaAB), ftoa(m.DeltaBA)})
		c.Flush()
		return c.Error()
	}, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "%d points\nDelta(A->B) = %.6f  (A = %s, B = %s)\nDelta(B->A) = %.6f\n(2/N = %.6f: nearest neighbours agree; about 1: unrelated)\n",
			m.N, m.DeltaAB, m.A, m.B, m.DeltaBA, 2/float64(m.N))
		return err
	})
}

// KindLocal is the kind of the document of 'intdim local': Local.
const KindLocal Kind = "local"

// Local is the document of 'intdim local': a summary of the ID of every
// point from its k nearest neighbours (estimate.LocalMLE), whose values are
// written to Out (.npy) when asked.
type Local struct {
	Header
	Input      string  `json:"input"`
	N          int     `json:"n"`
	K          int     `json:"k"`
	Method     string  `json:"method"`
	Mean       float64 `json:"mean"`   // over the finite values
	Median     float64 `json:"median"` // over the finite values
	NZero      int     `json:"n_zero"` // points with a duplicate among their neighbours (value 0)
	NNonFinite int     `json:"n_nonfinite"`
	Out        string  `json:"out,omitempty"`
	// Global combines all N values as scikit-dimension's fit does
	// (estimate.LocalGlobal): 1/mean(1/m) for mle, the mean otherwise;
	// null when that is not finite (some values are not: n_nonfinite) and,
	// for mle, when duplicates (n_zero) make it 0.
	Global *float64 `json:"global"`
	// Histogram counts the finite values (NewHistogram); absent when
	// there are none. 'intdim plot' draws it.
	Histogram *Histogram `json:"histogram,omitempty"`
	Figure    string     `json:"figure,omitempty"` // the histogram figure written (--figure)
}

// Histogram counts values in equal bins: Counts[i] values lie in
// [Edges[i], Edges[i+1]) (the last bin closed), len(Edges) = len(Counts) + 1.
type Histogram struct {
	Edges  []float64 `json:"edges"`
	Counts []int     `json:"counts"`
}

// NewHistogram returns the histogram of the finite values of v in
// ⌈√n⌉ bins (at least 5, at most 50; n the number of finite values) of
// equal width between their least and largest; a single distinct value
// gets one bin of width 1 centred on it. It returns nil when no value is
// finite.
func NewHistogram(v []float64) *Histogram {
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		lo, hi, n = min(lo, x), max(hi, x), n+1
	}
	if n == 0 {
		return nil
	}
	bins := min(50, max(5, int(math.Ceil(math.Sqrt(float64(n))))))
	if lo == hi {
		return &Histogram{Edges: []float64{lo - 0.5, lo + 0.5}, Counts: []int{n}}
	}
	w := hi/float64(bins) - lo/float64(bins) // no overflow for values near ±MaxFloat64
	h := &Histogram{Edges: make([]float64, bins+1), Counts: make([]int, bins)}
	for i := range h.Edges {
		t := float64(i) / float64(bins)
		h.Edges[i] = lo*(1-t) + hi*t // no overflow either
	}
	h.Edges[bins] = hi
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		i := bins - 1
		if f := x/w - lo/w; f < float64(bins-1) { // false for NaN (w subnormal)
			i = max(0, int(f))
		}
		for i > 0 && x < h.Edges[i] { // rounding at an edge
			i--
		}
		for i < bins-1 && x >= h.Edges[i+1] {
			i++
		}
		h.Counts[i]++
	}
	return h
}

// NewLocal returns a local document with its kind and version.
func NewLocal() *Local { return &Local{Header: Header{Kind: KindLocal, Version: Version}} }

// Write writes the document in format: "json", "csv" or "text".
func (l *Local) Write(w io.Writer, format string) error {
	return write(w, format, l, func(w io.Writer) error {
		c := csv.NewWriter(w)
		c.Write([]string{"input", "n", "k", "method", "mean", "median", "n_zero", "n_nonfinite", "out", "global"})
		c.Write([]string{l.Input, strconv.Itoa(l.N), strconv.Itoa(l.K), l.Method, ftoa(l.Mean), ftoa(l.Median),
			strconv.Itoa(l.NZero), strconv.Itoa(l.NNonFinite), l.Out, optF(l.Global)})
		c.Flush()
		return c.Error()
	}, func(w io.Writer) error {
		global := "none (non-finite values)"
		if l.NNonFinite == 0 && l.NZero > 0 {
			global = "none (duplicate neighbours)"
		}
		if l.Global != nil {
			global = fmt.Sprintf("%.3f", *l.Global)
		}
		fmt.Fprintf(w, "%s: %d points, local ID (%s, k = %d): mean %.3f, median %.3f, global %s\n", l.Input, l.N, l.Method, l.K, l.Mean, l.Median, global)
		if l.NZero > 0 || l.NNonFinite > 0 {
			fmt.Fprintf(w, "%d points with a duplicate neighbour (ID 0), %d non-finite\n", l.NZero, l.NNonFinite)
		}
		if l.Out != "" {
			fmt.Fprintf(w, "values written to %s\n", l.Out)
		}
		if l.Figure != "" {
			fmt.Fprintf(w, "histogram drawn to %s\n", l.Figure)
		}
		return nil
	})
}
