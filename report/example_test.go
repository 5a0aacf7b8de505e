package report_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/intdim/intdim/report"
)

// A report of the JSON of 'intdim linearize', written atomically.
func ExampleWrite() {
	doc := []byte(`{"kind": "linearize", "input": "curved.npy", "n": 2000, "dim": 64, "seed": 1, "method": "twonn",
		"sizes": [250, 2000], "blocks": [5, 1], "data_ids": [2.16, 1.89], "data_errs": [0.18, 0],
		"surrogate_ids": [20.5, 23.4], "surrogate_errs": [0.9, 0], "warnings": []}`)
	dir, err := os.MkdirTemp("", "report")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "report.html")
	if err := report.Write(path, doc); err != nil {
		panic(err)
	}
	html, _ := os.ReadFile(path)
	fmt.Println("figures:", strings.Count(string(html), "<svg"))
	fmt.Println(strings.Contains(string(html), "<td>23.400</td>"))
	// Output:
	// figures: 1
	// true
}
