package estimate

import (
	"strings"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/synth"
)

// TestDroppedCounts: the points the TwoNN fits leave out are counted the
// same by Points, Scale and Fit: r1 = 0 under "drop", r1 = 0 or r1 = r2 in
// the paper's convention (the fit's own count of points kept), and no
// count for a method that is not TwoNN.
func TestDroppedCounts(t *testing.T) {
	const n, d = 300, 3
	x := synth.Hypercube(n, d, d, 1)
	x = append(x, x[:40*d]...) // 40 pairs at distance 0
	m := cloud.Must64(x, n+40, d)
	for _, o := range []Options{{Duplicates: "drop"}, {Paper: true}, {Paper: true, Duplicates: "drop"}} {
		f, frep, err := Fit(m, &o)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Points(m, &o)
		if err != nil {
			t.Fatal(err)
		}
		srep, err := Scale(m, ScaleOptions{Blocks: 2}, &o)
		if err != nil {
			t.Fatal(err)
		}
		want := 80 // both copies of each pair
		if o.Paper {
			want = rep.N - rep.Duplicates - f.N // the paper fit's own count
			if o.Duplicates == "drop" && want <= 80 {
				// The neighbours of a duplicated point have r1 = r2.
				t.Fatalf("paper: %d left out, want more than the 80 duplicates (ties r1 = r2)", want)
			}
		}
		for name, r := range map[string]*Report{"Points": rep, "Scale": srep, "Fit": frep} {
			if r.Dropped != want || r.NUsed != r.N-r.Duplicates-want {
				t.Errorf("%+v %s: dropped %d, n_used %d, want %d, %d", o, name, r.Dropped, r.NUsed, want, r.N-r.Duplicates-want)
			}
		}
		if want > 0 && !strings.Contains(strings.Join(Messages(rep.Warnings), "|"), "dropped") {
			t.Errorf("%+v: no warning: %q", o, rep.Warnings)
		}
	}
	// MLE does not use the paper's convention: nothing is dropped.
	rep, err := Points(m, &Options{Paper: true, Method: "mle"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Dropped != 0 || rep.NUsed != n {
		t.Errorf("mle --paper: dropped %d, n_used %d", rep.Dropped, rep.NUsed)
	}
}
