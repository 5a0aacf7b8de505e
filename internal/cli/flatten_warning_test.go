package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/intdim/intdim/estimate"
)

// The warning of a rank-3 array read flattened names --tokens on the
// command line (stderr and the JSON of estimate, scale and profile),
// worded here from the library's message, which names no flag.
func TestFlattenWarningWordedByCLI(t *testing.T) {
	hs := ptFixture("hidden.pt") + ":hidden_states.1"
	const want = "rank-3 array 12×4×5 read as 12 points of 4×5 = 20 values (--tokens flatten); if its axes are [N, T, D] (sequences, tokens, features), --tokens first, last, mean or all takes tokens as points"
	for _, args := range [][]string{{"estimate", hs}, {"scale", hs}, {"profile", "--quiet", "--no-pca", hs}} {
		code, out, errs := run(append(args, "--format", "json")...)
		if code != 0 || !strings.Contains(errs, want) {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
		var doc struct {
			Warnings []string `json:"warnings"`
			Layers   []struct {
				Warnings []string `json:"warnings"`
			} `json:"layers"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		ws := doc.Warnings
		for _, l := range doc.Layers {
			ws = append(ws, l.Warnings...)
		}
		if !strings.Contains(strings.Join(ws, "\n"), want) {
			t.Errorf("%v: JSON warnings %q", args, ws)
		}
	}
	// The library's own message names the modes, not the flag; a warning
	// read back from JSON (no code) is worded too.
	lib := estimate.Warning{Code: estimate.WarnFlattened, Msg: "rank-3 array 2×3×4 read as 2 points of 3×4 = 12 values (tokens mode flatten); if its axes are [N, T, D] (sequences, tokens, features), the tokens mode first, last, mean or all takes tokens as points"}
	for _, w := range []estimate.Warning{lib, {Msg: lib.Msg}} {
		got := flagWarnings([]estimate.Warning{w})[0].Msg
		if !strings.Contains(got, "(--tokens flatten)") || !strings.Contains(got, "), --tokens first, last, mean or all takes") {
			t.Errorf("code %q: %q", w.Code, got)
		}
	}
	other := estimate.Warning{Code: estimate.WarnFewPoints, Msg: "only 12 points (tokens mode flatten)"}
	if got := flagWarnings([]estimate.Warning{other})[0].Msg; got != other.Msg {
		t.Errorf("another kind of warning reworded: %q", got)
	}
}
