// Package profile estimates the intrinsic dimension of every layer of a
// network, as in Ansuini et al., "Intrinsic dimension of data
// representations in deep neural networks" (NeurIPS 2019), Figure 2.
package profile

import (
	"encoding/json"
	"math"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
)

// Layer is one representation: its points (rows), float32 or float64.
type Layer struct {
	Name   string
	Points *cloud.Matrix
	Depth  *float64 // optional depth (e.g. number of weight layers); nil if unknown
	// Checked says the points passed every check before (finite, no
	// duplicate to collapse; the same bytes, proven by a checksum:
	// intdim run-task and merge): AddSearched does not check their
	// finiteness again, nor collapse duplicates (estimate.Options.Distinct),
	// and marks them finite (cloud.Matrix.MarkFinite) so that no estimator
	// scans them either (PC-ID).
	Checked bool
}

// LayerResult is one row of a profile, in the JSON shape of 'intdim profile'.
// RelDepth is index/(layers − 1) unless depths were given, then
// depth/max depth. N is the number of points given, NUsed the number the
// ID was measured on: N less the Duplicates collapsed and the points
// Dropped (duplicates policy "drop") and the ZeroRows of zero norm left out
// (cosine metric, zero-rows policy "drop"). A layer that could not be estimated
// has Error set and ID NaN (JSON: "id": null, "error": "…").
type LayerResult struct {
	Name       string             `json:"name"`
	Index      int                `json:"index"`
	Depth      *float64           `json:"depth"`
	RelDepth   float64            `json:"rel_depth"`
	N          int                `json:"n"`
	Dim        int                `json:"dim"`
	NUsed      int                `json:"n_used"`
	Duplicates int                `json:"duplicates"`
	Dropped    int                `json:"dropped"`
	ZeroRows   int                `json:"zero_rows"`
	ID         float64            `json:"id"`
	Err        *float64           `json:"err"`
	PCID       *int               `json:"pc_id"`
	Warnings   []estimate.Warning `json:"warnings"` // messages in JSON
	Error      string             `json:"error,omitempty"`
	// KStar summarises the scale k* of every point at the layer's ID
	// (method gride-auto, as estimate's result "kstar"); nil otherwise.
	KStar *estimate.KStarStats `json:"kstar,omitempty"`
	// LabelOverlap is the layer's class-weighted label overlap with
	// Profile.OverlapK neighbours (geometry.LabelOverlap), when labels
	// were given with the overlap.
	LabelOverlap *float64 `json:"label_overlap,omitempty"`
	// DeltaToInput, DeltaFromInput, DeltaToOutput, DeltaFromOutput are
	// the layer's information imbalances (geometry.Imbalance, rank 1)
	// Δ(layer→input), Δ(input→layer), Δ(layer→output), Δ(output→layer),
	// where the input is the profile's first layer and the output its last
	// (Builder.Imbalance); nil when not computed or not measurable.
	DeltaToInput    *float64 `json:"delta_to_input,omitempty"`
	DeltaFromInput  *float64 `json:"delta_from_input,omitempty"`
	DeltaToOutput   *float64 `json:"delta_to_output,omitempty"`
	DeltaFromOutput *float64 `json:"delta_from_output,omitempty"`
	// Classes is the ID of each class of the labels in this layer,
	// measured separately, and ClassesMean, ClassesStd the mean and
	// standard deviation (ddof 0) of those measured (pipeline.Profile with
	// labels).
	Classes     []Class  `json:"classes,omitempty"`
	ClassesMean *float64 `json:"classes_mean,omitempty"`
	ClassesStd  *float64 `json:"classes_std,omitempty"`
	Cause       error    `json:"-"` // the error of a failed layer, for errors.As
}

// Failed reports whether the layer could not be estimated.
func (l *LayerResult) Failed() bool { return l.Error != "" }

// layerJSON is LayerResult without its methods, for the JSON coding.
type layerJSON LayerResult

// MarshalJSON writes a failed layer's ID as null.
func (l LayerResult) MarshalJSON() ([]byte, error) {
	if !l.Failed() && !math.IsNaN(l.ID) {
		return json.Marshal(layerJSON(l))
	}
	l.ID = 0
	return json.Marshal(struct {
		layerJSON
		ID *float64 `json:"id"`
	}{layerJSON: layerJSON(l)})
}

// UnmarshalJSON reads a null ID as NaN.
func (l *LayerResult) UnmarshalJSON(data []byte) error {
	var v struct {
		layerJSON
		ID *float64 `json:"id"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*l = LayerResult(v.layerJSON)
	l.ID = math.NaN()
	if v.ID != nil {
		l.ID = *v.ID
	}
	return nil
}

// Class is the intrinsic dimension of the points of one class (the paper's
// ImageNet protocol measures each class separately and averages).
type Class struct {
	Label int `json:"label"`
	N     int `json:"n"`      // points with the label
	NUsed int `json:"n_used"` // points the estimate used (after duplicates)
	// ID and Err are those of the first method's result (estimate.Report);
	// nil when the class could not be measured, Error then says why.
	ID    *float64 `json:"id"`
	Err   *float64 `json:"err"`
	Error string   `json:"error,omitempty"`
}

// Profile is the JSON shape of 'intdim profile'.
type Profile struct {
	Method string        `json:"method"`
	Seed   uint64        `json:"seed"`
	Layers []LayerResult `json:"layers"`
	// Preprocess says what was done to images before a network saw them
	// (profiles of ONNX models); empty otherwise.
	Preprocess string `json:"preprocess,omitempty"`
	// Overlap is the layer × layer neighbourhood overlap (Builder.Overlap,
	// geometry.Overlap) with OverlapK neighbours; an entry is null where a
	// layer failed, was streamed, or has another number of points.
	Overlap  [][]*float64 `json:"overlap,omitempty"`
	OverlapK int          `json:"overlap_k,omitempty"`
	// ImbalanceInput and ImbalanceOutput name the layers the imbalances
	// are measured against (the first and the last), when computed.
	ImbalanceInput  string `json:"imbalance_input,omitempty"`
	ImbalanceOutput string `json:"imbalance_output,omitempty"`
}

// Failed returns the layers that could not be estimated.
func (p *Profile) Failed() []LayerResult {
	var f []LayerResult
	for _, l := range p.Layers {
		if l.Failed() {
			f = append(f, l)
		}
	}
	return f
}
