package knn

import (
	"errors"
	"strings"
	"testing"
)

// An empty or unknown search mode is a *SearchError naming the accepted
// modes: "" is not taken for auto.
func TestParseSearchRefuses(t *testing.T) {
	for _, s := range []string{"", "fast", "Auto", " auto"} {
		m, err := ParseSearch(s)
		var se *SearchError
		if !errors.As(err, &se) || se.Value != s {
			t.Fatalf("ParseSearch(%q) = %v, %v; want a *SearchError", s, m, err)
		}
		if !strings.Contains(err.Error(), "want auto, brute, pruned or tree") {
			t.Errorf("ParseSearch(%q): %q does not name the modes", s, err)
		}
	}
}
