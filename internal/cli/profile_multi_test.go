package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	ob "github.com/intdim/intdim/internal/onnxbuild"
	"github.com/intdim/intdim/tensorio/npy"
	"github.com/intdim/intdim/tensorio/npz"
)

// TestProfileSeveralInputs: a model with two inputs (x [N, 4] float32 and
// an int64 mask [N, 4]; y = where(mask == 0, −100, x·W)) profiles from an
// .npz with one array per input, and the ID of y equals that of the values
// computed here.
func TestProfileSeveralInputs(t *testing.T) {
	w := make([]float32, 16)
	for i := range w {
		w[i] = float32(i%5) - 2 + 0.25*float32(i%3)
	}
	m := ob.MaskModel(w)
	const n, d = 200, 4
	rng := rand.New(rand.NewPCG(3, 4))
	x, mask, y := make([]float64, n*d), make([]float64, n*d), make([]float64, n*d)
	for i := range x {
		x[i] = float64(float32(rng.NormFloat64()))
		if rng.IntN(8) > 0 {
			mask[i] = 1
		}
	}
	for i := range n {
		for j := range d {
			var h float32
			for k := range d {
				h += float32(x[i*d+k]) * w[k*d+j]
			}
			y[i*d+j] = float64(h)
			if mask[i*d+j] == 0 {
				y[i*d+j] = -100
			}
		}
	}
	dir := t.TempDir()
	model, in, ref := filepath.Join(dir, "m.onnx"), filepath.Join(dir, "in.npz"), filepath.Join(dir, "y.npy")
	var b bytes.Buffer
	zw := npz.NewWriter(&b)
	if err := zw.Add("mask", []int{n, d}, mask); err != nil {
		t.Fatal(err)
	}
	if err := zw.Add("x", []int{n, d}, x); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	var yb bytes.Buffer
	if err := npy.Write(&yb, []int{n, d}, y); err != nil {
		t.Fatal(err)
	}
	for p, data := range map[string][]byte{model: m.Bytes(), in: b.Bytes(), ref: yb.Bytes()} {
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errb bytes.Buffer
	if code := Main([]string{"profile", "--quiet", "--format", "json", "--onnx", model, "--inputs", in, "--batch", "7", "--layers", "y"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var doc struct {
		Layers []struct {
			Name string  `json:"name"`
			N    int     `json:"n"`
			ID   float64 `json:"id"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var eo, ee bytes.Buffer
	if code := Main([]string{"estimate", "--format", "json", ref}, &eo, &ee); code != 0 {
		t.Fatal(ee.String())
	}
	var want struct {
		Results []struct {
			ID float64 `json:"id"`
		} `json:"results"`
	}
	if err := json.Unmarshal(eo.Bytes(), &want); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range doc.Layers {
		if l.Name != "y" {
			continue
		}
		found = true
		if l.N != n || math.Abs(l.ID-want.Results[0].ID) > 1e-6 {
			t.Errorf("y: n %d, ID %v; the values computed here give %v", l.N, l.ID, want.Results[0].ID)
		}
	}
	if !found {
		t.Errorf("no layer y in %s", out.String())
	}
}
