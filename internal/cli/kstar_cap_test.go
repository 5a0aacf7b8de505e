package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/intdim/intdim/internal/synth"
)

// --kstar-maxk above N − 1 is capped as DADApy caps it, and said: a
// warning names the value given, the value used and N, on stderr and in
// the JSON; a maxk within N − 1 gives no such warning.
func TestGRIDEAutoMaxKCapped(t *testing.T) {
	x := writeFile(t, "x.npy", npyBytes("<f8", []int{120, 3}, f64bytes(synth.Hypercube(120, 2, 3, 1))))
	code, out, errs := run("estimate", x, "--method", "gride-auto", "--kstar-maxk", "500", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	const want = "gride-auto: maxk 500 capped at 119 = N − 1 (N = 120 points)"
	var doc struct {
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range doc.Warnings {
		found = found || strings.HasPrefix(w, want)
	}
	if !found {
		t.Errorf("JSON warnings %q, want one starting %q", doc.Warnings, want)
	}
	if code, _, errs := run("estimate", x, "--method", "gride-auto", "--kstar-maxk", "500"); code != 0 || !strings.Contains(errs, want) {
		t.Errorf("text: exit %d, stderr %q", code, errs)
	}
	if code, out, errs := run("estimate", x, "--method", "gride-auto", "--kstar-maxk", "119", "--format", "json"); code != 0 || strings.Contains(out+errs, "capped") {
		t.Errorf("maxk N − 1: exit %d: %s%s", code, out, errs)
	}
}
