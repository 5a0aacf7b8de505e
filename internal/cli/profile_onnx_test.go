package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/intdim/intdim/cloud"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/imageset"
	"github.com/intdim/intdim/internal/onnxbuild"
	"github.com/intdim/intdim/onnx"
	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/tensorio/npy"
)

const onnxTestdata = "../../onnx/testdata"

// onnxFlags parses ONNX flags as the profile command would.
func onnxFlags(t *testing.T, args ...string) *onnxArgs {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	a := registerONNXFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return a
}

func exitCode(err error) int {
	var e *ExitError
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return 1
	}
	return 0
}

// refLayers reads the PyTorch reference activations of a test model.
func refLayers(t *testing.T, model string, refs []string) []profile.Layer {
	t.Helper()
	var out []profile.Layer
	for _, r := range refs {
		h, data, err := npy.ReadFile(filepath.Join(onnxTestdata, "ref_"+model+"_"+r+".npy"))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, profile.Layer{Name: r, Points: cloud.Must64(data, h.Shape[0], h.Shape[1])})
	}
	return out
}

// onnxTestBackends are the backends of this build that run the test
// models without a library.
func onnxTestBackends() []string {
	if onnx.GoMLXAvailable {
		return []string{"native", "gomlx"}
	}
	return []string{"native"}
}

// TestONNXProfile: per-layer IDs from the Go forward pass equal those
// computed from PyTorch's activations (1e-4 relative), and the auto layers
// and their depths are the expected ones, for both test models.
func TestONNXProfile(t *testing.T) {
	cases := []struct {
		model  string
		refs   []string
		depths []float64
	}{
		{"resnet_tiny", []string{"input", "pool", "block1", "block2", "gap", "output"}, []float64{0, 1, 3, 5, 5, 6}},
		{"vgg_tiny", []string{"input", "pool1", "pool2", "fc1", "output"}, []float64{0, 2, 3, 4, 5}},
	}
	for _, c := range cases {
		for _, backend := range onnxTestBackends() {
			a := onnxFlags(t, "--onnx", filepath.Join(onnxTestdata, c.model+".onnx"), "--backend", backend,
				"--images", filepath.Join(onnxTestdata, "images"), "--preprocess", "none", "--batch", "40",
				"--mean", "0.485,0.456,0.406", "--std", "0.229,0.224,0.225") // as scripts/export_onnx.py
			layers, err := onnxLayers(a, 1, true, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if len(layers) != len(c.refs) {
				t.Fatalf("%s: %d layers, want %d", c.model, len(layers), len(c.refs))
			}
			for j, l := range layers {
				if l.Depth == nil || *l.Depth != c.depths[j] {
					t.Errorf("%s layer %s: depth %v, want %v", c.model, l.Name, l.Depth, c.depths[j])
				}
			}
			got, err := profile.Run(layers, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := profile.Run(refLayers(t, c.model, c.refs), nil)
			if err != nil {
				t.Fatal(err)
			}
			for j := range got.Layers {
				g, w := got.Layers[j], want.Layers[j]
				t.Logf("%s %s %-32s rel.depth %.2f dim %4d ID %.4f (PyTorch %.4f)", c.model, backend, g.Name, g.RelDepth, g.Dim, g.ID, w.ID)
				if math.Abs(g.ID-w.ID) > 1e-4*math.Abs(w.ID) || g.Dim != w.Dim || g.N != 96 {
					t.Errorf("%s %s: ID %v (dim %d), from the references %v (dim %d)", c.model, g.Name, g.ID, g.Dim, w.ID, w.Dim)
				}
			}
			if r := got.Layers[len(got.Layers)-1].RelDepth; r != 1 {
				t.Errorf("%s: output relative depth %v", c.model, r)
			}
		}
	}
}

func TestONNXLayerNamesSampleAndSave(t *testing.T) {
	dir := t.TempDir()
	a := onnxFlags(t, "--onnx", filepath.Join(onnxTestdata, "vgg_tiny.onnx"),
		"--images", filepath.Join(onnxTestdata, "images"), "--preprocess", "none",
		"--layers", "/Relu_3_output_0,input", "--sample", "50", "--save-activations", dir)
	l1, err := onnxLayers(a, 7, true, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(l1) != 2 || l1[0].Name != "/Relu_3_output_0" || l1[1].Name != "input" || l1[0].Points.N() != 50 || l1[0].Points.D() != 32 {
		t.Fatalf("layers %v", l1)
	}
	a.saveActivations = ""
	l2, _ := onnxLayers(a, 7, true, io.Discard)
	l3, _ := onnxLayers(a, 8, true, io.Discard)
	if fmt.Sprint(l1[0].Points.F32()) != fmt.Sprint(l2[0].Points.F32()) {
		t.Error("same seed, different sample")
	}
	if fmt.Sprint(l1[0].Points.F32()) == fmt.Sprint(l3[0].Points.F32()) {
		t.Error("different seeds, same sample")
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "00_Relu_3_output_0.npy 01_input.npy" {
		t.Fatalf("saved %q", names)
	}
	h, data, err := npy.ReadFile(filepath.Join(dir, "00_Relu_3_output_0.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(h.Shape) != "[50 32]" || len(data) != 50*32 || data[7] != l1[0].Points.At(0, 7) {
		t.Fatalf("saved shape %v", h.Shape)
	}
	h, _, err = npy.ReadFile(filepath.Join(dir, "01_input.npy"))
	if err != nil || fmt.Sprint(h.Shape) != "[50 3 16 16]" {
		t.Fatalf("saved input shape %v, %v", h.Shape, err)
	}
}

func TestListONNXLayers(t *testing.T) {
	var out bytes.Buffer
	a := onnxFlags(t, "--onnx", filepath.Join(onnxTestdata, "resnet_tiny.onnx"), "--list-layers") // fixed size: any preprocessing
	if err := listONNXLayers(a, &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"input", "/block1/Add_output_0", "8×8×8", "16×4×4", "Gemm"} {
		if !strings.Contains(s, want) {
			t.Errorf("listing lacks %q:\n%s", want, s)
		}
	}
	if n := strings.Count(s, "*"); n != 6 {
		t.Errorf("%d auto marks, want 6:\n%s", n, s)
	}
}

func writePNG(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	img.Set(0, 0, color.RGBA{1, 2, 3, 255})
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

func TestONNXErrors(t *testing.T) {
	tmp := t.TempDir()
	junk := filepath.Join(tmp, "junk.onnx")
	os.WriteFile(junk, []byte("not a model \xff\xfe"), 0o644)
	wrong := filepath.Join(tmp, "wrong")
	os.Mkdir(wrong, 0o755)
	for i := range 4 {
		writePNG(t, filepath.Join(wrong, fmt.Sprintf("im%d.png", i)), 16, 16)
	}
	writePNG(t, filepath.Join(wrong, "im9.png"), 20, 16)
	broken := filepath.Join(tmp, "broken")
	os.Mkdir(broken, 0o755)
	for i := range 3 {
		writePNG(t, filepath.Join(broken, fmt.Sprintf("im%d.png", i)), 16, 16)
	}
	os.WriteFile(filepath.Join(broken, "im3.jpg"), []byte("\xff\xd8\xff garbage"), 0o644)
	vgg := filepath.Join(onnxTestdata, "vgg_tiny.onnx")
	imgs := filepath.Join(onnxTestdata, "images")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--onnx", junk, "--images", imgs}, 2, "junk.onnx"},
		{[]string{"--onnx", filepath.Join(tmp, "none.onnx"), "--images", imgs}, 2, "none.onnx"},
		{[]string{"--onnx", vgg}, 2, "--images"},
		{[]string{"--onnx", vgg, "--images", filepath.Join(tmp, "nodir")}, 2, "nodir"},
		{[]string{"--onnx", vgg, "--images", wrong, "--preprocess", "none"}, 2, "im9.png: image is 20×16"},
		{[]string{"--onnx", vgg, "--images", broken, "--preprocess", "none"}, 2, "im3.jpg"},
		{[]string{"--onnx", vgg, "--images", imgs}, 2, "crop is 224×224"},
		{[]string{"--onnx", vgg, "--images", imgs, "--preprocess", "none", "--layers", "bogus"}, 2, "bogus"},
		{[]string{"--onnx", vgg, "--images", imgs, "--preprocess", "none", "--n", "500"}, 2, "500"},
		{[]string{"--onnx", vgg, "--images", imgs, "--preprocess", "none", "--mean", "1,2"}, 2, "--mean"},
		{[]string{"--onnx", vgg, "--images", imgs, "--preprocess", "odd"}, 2, "odd"},
		{[]string{"--onnx", vgg, "--images", imgs, "--preprocess", "none", "--backend", "ort", "--ort-lib", filepath.Join(tmp, "libnothing.so")}, 2, "ort"},
	}
	for _, c := range cases {
		_, err := onnxLayers(onnxFlags(t, c.args...), 1, true, io.Discard)
		if err == nil || exitCode(err) != c.code || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error %v (exit %d), want exit %d naming %q", c.args, err, exitCode(err), c.code, c.want)
		}
	}
	// No half-written activations on failure.
	save := filepath.Join(tmp, "acts")
	onnxLayers(onnxFlags(t, "--onnx", vgg, "--images", broken, "--preprocess", "none", "--save-activations", save), 1, true, io.Discard)
	if ents, _ := os.ReadDir(save); len(ents) != 0 {
		t.Errorf("files left after a failure: %v", ents)
	}
	if _, err := os.Stat(save); err == nil {
		t.Error("activations folder created by a failed run")
	}
	_, err := onnxLayers(onnxFlags(t, "--onnx", vgg, "--images", imgs, "--preprocess", "none", "--save-activations", junk), 1, true, io.Discard)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "junk.onnx: not a directory") {
		t.Errorf("--save-activations on a file: %v", err)
	}
}

func TestONNXEachLayerStops(t *testing.T) {
	a := onnxFlags(t, "--onnx", filepath.Join(onnxTestdata, "vgg_tiny.onnx"),
		"--images", filepath.Join(onnxTestdata, "images"), "--preprocess", "none", "--n", "10")
	stop := errors.New("enough")
	var names []string
	err := onnxEachLayer(a, 1, true, io.Discard, func(l profile.Layer) error {
		names = append(names, l.Name)
		if l.Points.N() != 10 || len(l.Points.F32()) != 10*l.Points.D() {
			t.Errorf("layer %s: %d×%d with %d values", l.Name, l.Points.N(), l.Points.D(), len(l.Points.F32()))
		}
		if len(names) == 2 {
			return stop
		}
		return nil
	})
	if err != stop || strings.Join(names, " ") != "input /p1/MaxPool_output_0" {
		t.Fatalf("err %v after %q", err, names)
	}
}

// TestONNXGrey: a model with one input channel takes the luminance of the
// images (PIL's convert("L")), scaled to [0, 1] and not normalised under
// --preprocess none; the JSON output and stderr say what preprocessing
// ran.
func TestONNXGrey(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "grey.onnx")
	if err := os.WriteFile(model, onnxbuild.ConvNet(1, 16, 16).Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	imgs := filepath.Join(dir, "imgs")
	os.Mkdir(imgs, 0o755)
	for i := range 5 {
		img := image.NewNRGBA(image.Rect(0, 0, 16, 16))
		for k := range img.Pix {
			img.Pix[k] = uint8(k*k*(i+3) + 11*i)
		}
		var b bytes.Buffer
		png.Encode(&b, img)
		os.WriteFile(filepath.Join(imgs, fmt.Sprintf("im%d.png", i)), b.Bytes(), 0o644)
	}
	a := onnxFlags(t, "--onnx", model, "--images", imgs, "--preprocess", "none", "--layers", "input")
	layers, err := onnxLayers(a, 1, true, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	rgb, err := imageset.Decode(filepath.Join(imgs, "im0.png"))
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 || layers[0].Points.D() != 256 {
		t.Fatalf("layers %v", layers)
	}
	for i := range 256 {
		l := imageset.Luminance(rgb.Pix[3*i], rgb.Pix[3*i+1], rgb.Pix[3*i+2])
		if want := float64(float32(l) / 255); layers[0].Points.At(0, i) != want {
			t.Fatalf("pixel %d: %v, want luminance %d/255", i, layers[0].Points.At(0, i), l)
		}
	}
	var out, errb bytes.Buffer
	code := Main([]string{"profile", "--onnx", model, "--images", imgs, "--preprocess", "none", "--mean", "0.1307", "--std", "0.3081", "--format", "json"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var doc struct {
		Preprocess string `json:"preprocess"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	want := `none: images taken at 16×16, luminance (PIL "L"), scaled to [0, 1], normalised with mean 0.1307 and std 0.3081`
	if doc.Preprocess != want || !strings.Contains(errb.String(), "intdim: preprocessing: "+want) {
		t.Fatalf("preprocess %q, stderr %q", doc.Preprocess, errb.String())
	}
}
