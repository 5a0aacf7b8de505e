package estimate

import "fmt"

// WarningCode names the kind of a Warning, for a program that acts on
// warnings without reading their messages.
type WarningCode string

// The kinds of warning the library reports.
const (
	// WarnDuplicates: exact duplicate points were collapsed to one.
	WarnDuplicates WarningCode = "duplicates-collapsed"
	// WarnDuplicatesDropped: duplicates could not be collapsed (no rows
	// in memory, or lists that do not show them whole) and are dropped.
	WarnDuplicatesDropped WarningCode = "duplicates-dropped"
	// WarnDropped: points left out of the TwoNN fits (r₁ = 0 under the
	// "drop" policy, or r₁ = 0 or r₁ = r₂ in the paper's convention).
	WarnDropped WarningCode = "points-dropped"
	// WarnZeroRows: rows of zero norm left out under the cosine metric.
	WarnZeroRows WarningCode = "zero-rows"
	// WarnFewPoints: fewer than 100 points; the estimate is unreliable.
	WarnFewPoints WarningCode = "few-points"
	// WarnPCALeftOut: PCA left out of "all" for want of the rows.
	WarnPCALeftOut WarningCode = "pca-left-out"
	// WarnShortLists: neighbour lists shorter than a method could use
	// (GRIDE stops at a lower rank).
	WarnShortLists WarningCode = "short-lists"
	// WarnScaleStops: the block analysis stops early (blocks too small).
	WarnScaleStops WarningCode = "scale-stops"
	// WarnFlattened: a rank-3 (tokens) input flattened to points.
	WarnFlattened WarningCode = "flattened"
	// WarnStreamed: the rows were streamed from disk, not loaded, so
	// what needs them in memory (collapsing duplicates) did not run.
	WarnStreamed WarningCode = "streamed"
	// WarnPCID: the PC-ID of a layer could not be computed.
	WarnPCID WarningCode = "pc-id"
	// WarnGeometry: a layer's neighbourhood overlap or information
	// imbalance (package geometry) could not be measured.
	WarnGeometry WarningCode = "geometry"
	// WarnKStarCapped: gride-auto's maxk (KStarOptions.MaxK) is more
	// than the N − 1 neighbours of the N points used and was capped at
	// N − 1, as DADApy caps it: k* can then reach nearly every point.
	WarnKStarCapped WarningCode = "kstar-maxk-capped"
	// WarnSkipped: a method of "every" left out (DANCo's calibration
	// over its budget).
	WarnSkipped WarningCode = "method-skipped"
)

// Warning is a condition that does not stop an estimate but qualifies it:
// its kind and a one-line message for people. In JSON (and any text
// encoding) a Warning is its message alone, so the documents hold a list
// of strings; a Warning read back from JSON has an empty Code.
type Warning struct {
	Code WarningCode
	Msg  string
}

// Warnf returns the warning of kind code with the formatted message.
func Warnf(code WarningCode, format string, args ...any) Warning {
	return Warning{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// String returns the message.
func (w Warning) String() string { return w.Msg }

// MarshalText encodes the warning as its message.
func (w Warning) MarshalText() ([]byte, error) { return []byte(w.Msg), nil }

// UnmarshalText reads a message; the code is not in the text and is left
// empty.
func (w *Warning) UnmarshalText(b []byte) error {
	*w = Warning{Msg: string(b)}
	return nil
}

// Messages returns the messages of ws, in order (an empty, non-nil slice
// for none).
func Messages(ws []Warning) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Msg
	}
	return out
}

// HasWarning reports whether ws holds a warning of kind code.
func HasWarning(ws []Warning, code WarningCode) bool {
	for _, w := range ws {
		if w.Code == code {
			return true
		}
	}
	return false
}
