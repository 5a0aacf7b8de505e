package estimate

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
)

// TestWarningCodes: each condition is reported with its kind, and the JSON
// of a report holds the messages alone, as a list of strings.
func TestWarningCodes(t *testing.T) {
	const n, d = 60, 3
	x := synth.Hypercube(n, d, d, 2)
	x = append(x, x[:5*d]...) // 5 duplicates
	for i := range d {
		x[10*d+i] = 0 // a row of zero norm
	}
	codes := func(r *Report) []WarningCode {
		var c []WarningCode
		for _, w := range r.Warnings {
			c = append(c, w.Code)
		}
		return c
	}
	rep, err := Points(cloud.Must64(x, n+5, d), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(rep); !slices.Equal(got, []WarningCode{WarnDuplicates, WarnFewPoints}) {
		t.Errorf("collapse: codes %q (%q)", got, rep.Warnings)
	}
	rep, err = Points(cloud.Must64(x, n+5, d), &Options{Metric: knn.Cosine, ZeroRows: "drop", Duplicates: "drop"})
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(rep); !slices.Equal(got, []WarningCode{WarnZeroRows, WarnFewPoints, WarnDropped}) {
		t.Errorf("cosine, drop: codes %q (%q)", got, rep.Warnings)
	}
	if !HasWarning(rep.Warnings, WarnDropped) || HasWarning(rep.Warnings, WarnDuplicates) {
		t.Errorf("HasWarning: %q", rep.Warnings)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Warnings []string }
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(doc.Warnings, Messages(rep.Warnings)) || len(doc.Warnings) != 3 || doc.Warnings[0] != rep.Warnings[0].Msg {
		t.Errorf("JSON warnings %q, want the messages %q", doc.Warnings, Messages(rep.Warnings))
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(Messages(back.Warnings), doc.Warnings) || back.Warnings[0].Code != "" {
		t.Errorf("read back: %+v", back.Warnings)
	}
}
