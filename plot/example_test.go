package plot_test

import (
	"bytes"
	"fmt"

	"github.com/intdim/intdim/plot"
)

// Figures from the JSON of 'intdim profile': the profile figure, with one
// legend entry per model and keys for the right-hand panel.
func ExampleFromJSON() {
	doc := []byte(`{"method": "twonn", "seed": 1, "layers": [
		{"name": "input", "index": 0, "rel_depth": 0, "n": 2000, "dim": 784, "id": 13.1, "err": 0.2, "pc_id": 150},
		{"name": "d1", "index": 1, "rel_depth": 0.5, "n": 2000, "dim": 128, "id": 9.1, "err": 0.2, "pc_id": 40},
		{"name": "output", "index": 2, "rel_depth": 1, "n": 2000, "dim": 10, "id": 6.3, "err": 0.1, "pc_id": 8}]}`)
	figs, err := plot.FromJSON(plot.Doc{Name: "mnist.json", Data: doc})
	if err != nil {
		panic(err)
	}
	f := figs[0]
	fmt.Println(f.Kind, len(f.Panels), "panels")
	for _, e := range f.Legend() {
		fmt.Println(e)
	}
	var svg bytes.Buffer
	if err := f.WriteSVG(&svg); err != nil { // or f.Save("profile.png")
		panic(err)
	}
	fmt.Println(bytes.HasPrefix(svg.Bytes(), []byte("<?xml")))
	// Output:
	// profile 2 panels
	// mnist
	// right panel: twonn ID (model's colour)
	// right panel: PC-ID, 90 % (model's colour)
	// right panel: layer width
	// true
}
