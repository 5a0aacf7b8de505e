package tensorio

import (
	"archive/zip"
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/intdim/intdim/tensorio/npy"
	"github.com/intdim/intdim/tensorio/npz"
	"github.com/intdim/intdim/tensorio/safetensors"
)

// seq returns 0, 1, …, n−1 scaled by s.
func seq(n int, s float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i) * s
	}
	return v
}

func writeNPY(t *testing.T, path string, shape []int, data any) {
	t.Helper()
	var buf bytes.Buffer
	if err := npy.Write(&buf, shape, data); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeNPZ(t *testing.T, path string, deflate bool, names []string, shape []int) {
	t.Helper()
	var buf bytes.Buffer
	w := npz.NewWriter(&buf)
	w.Deflate = deflate
	n := 1
	for _, d := range shape {
		n *= d
	}
	for i, name := range names {
		if err := w.Add(name, shape, seq(n, float64(i+1))); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeST(t *testing.T, path string, tensors ...safetensors.Tensor) {
	t.Helper()
	var buf bytes.Buffer
	if err := safetensors.Write(&buf, tensors, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func names(arrays []*Array) []string {
	var s []string
	for _, a := range arrays {
		s = append(s, a.Name)
	}
	return s
}

func TestOpenFiles(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "acts.npy")
	writeNPY(t, p, []int{4, 2, 3}, []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23})
	a, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 1 || a[0].Name != "acts" || a[0].Source != p || a[0].DType != "float32" || !slices.Equal(a[0].Float64(), seq(24, 1)) {
		t.Fatalf("%+v", a[0])
	}
	if n, d, err := a[0].Matrix(); n != 4 || d != 6 || err != nil {
		t.Errorf("Matrix = %d, %d, %v", n, d, err)
	}
	if a, err := Open(p + ":acts"); err != nil || len(a) != 1 {
		t.Errorf("FILE:base: %v", err)
	}

	z := filepath.Join(dir, "layers.npz")
	writeNPZ(t, z, true, []string{"conv1", "pool1", "conv2", "d1"}, []int{3, 2})
	a, err = Open(z)
	if err != nil || !slices.Equal(names(a), []string{"conv1", "pool1", "conv2", "d1"}) {
		t.Fatalf("npz: %v %v", names(a), err)
	}
	if !slices.Equal(a[2].Float64(), seq(6, 3)) || a[2].Source != z {
		t.Errorf("npz conv2 %+v", a[2])
	}
	a, err = Open(z + ":conv2")
	if err != nil || len(a) != 1 || a[0].Name != "conv2" || !slices.Equal(a[0].Float64(), seq(6, 3)) {
		t.Errorf("npz:conv2 %v %v", a, err)
	}

	s := filepath.Join(dir, "model.safetensors")
	bf := safetensors.Tensor{Name: "half", DType: "BF16", Shape: []int{3, 1}, Data: []byte{0x80, 0x3f, 0x00, 0x40, 0x40, 0x40}}
	writeST(t, s, safetensors.F32("z.weight", []int{3, 2}, []float32{1, 2, 3, 4, 5, 6}), bf)
	a, err = Open(s)
	if err != nil || !slices.Equal(names(a), []string{"z.weight", "half"}) {
		t.Fatalf("safetensors: %v %v", names(a), err)
	}
	if !slices.Equal(a[1].Float64(), []float64{1, 2, 3}) || a[1].DType != "bfloat16" {
		t.Errorf("bf16 %+v", a[1])
	}
	a, err = Open(s + ":half")
	if err != nil || len(a) != 1 || a[0].Name != "half" {
		t.Errorf("safetensors:half %v %v", a, err)
	}
}

// TestDirectory checks natural order, skipped entries and DIR:NAME.
func TestDirectory(t *testing.T) {
	dir := t.TempDir()
	writeNPY(t, filepath.Join(dir, "layer10.npy"), []int{3, 1}, []float64{10, 10, 10})
	writeNPY(t, filepath.Join(dir, "layer2.npy"), []int{3, 1}, []float64{2, 2, 2})
	writeNPZ(t, filepath.Join(dir, "layer1.npz"), false, []string{"b", "a"}, []int{3, 1})
	writeST(t, filepath.Join(dir, "layer3.safetensors"), safetensors.F32("w", []int{3, 1}, []float32{3, 3, 3}))
	writeNPY(t, filepath.Join(dir, ".hidden.npy"), []int{3, 1}, []float64{0, 0, 0})
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub.npy"), 0o755)
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(a); !slices.Equal(got, []string{"b", "a", "layer2", "w", "layer10"}) {
		t.Errorf("directory order %v", got)
	}
	if got, err := Names(dir); err != nil || !slices.Equal(got, []string{"b", "a", "layer2", "w", "layer10"}) {
		t.Errorf("Names %v %v", got, err)
	}
	a, err = Open(dir + ":layer10")
	if err != nil || len(a) != 1 || a[0].Float64()[0] != 10 {
		t.Errorf("DIR:layer10 %v %v", a, err)
	}
	a, err = Open(dir + ":a")
	if err != nil || len(a) != 1 || a[0].Source != filepath.Join(dir, "layer1.npz") {
		t.Errorf("DIR:a %v %v", a, err)
	}
	_, err = Open(dir + ":nope")
	if want := dir + `: no array "nope" in the directory; it holds: b, a, layer2, w, layer10`; err == nil || err.Error() != want {
		t.Errorf("DIR:nope: %v", err)
	}
	writeNPZ(t, filepath.Join(dir, "layer4.npz"), false, []string{"a"}, []int{3, 1})
	_, err = Open(dir + ":a")
	if err == nil || !strings.Contains(err.Error(), `2 files hold an array "a"`) {
		t.Errorf("ambiguous: %v", err)
	}
	_, err = OpenMatrix(dir)
	if want := dir + ": holds 6 arrays (b, a, layer2, w, a, layer10); use " + dir + ":NAME to pick one"; err == nil || err.Error() != want {
		t.Errorf("OpenMatrix(dir): %v", err)
	}
}

func TestColonPaths(t *testing.T) {
	dir := t.TempDir()
	weird := filepath.Join(dir, "run:3.npy")
	writeNPY(t, weird, []int{3, 1}, []float64{1, 2, 3})
	if a, err := Open(weird); err != nil || a[0].Name != "run:3" {
		t.Errorf("whole path with ':': %v", err)
	}
	z := filepath.Join(dir, "a:b.npz")
	writeNPZ(t, z, false, []string{"x", "y"}, []int{3, 1})
	if a, err := Open(z + ":y"); err != nil || len(a) != 1 || a[0].Name != "y" {
		t.Errorf("a:b.npz:y: %v", err)
	}
	s := filepath.Join(dir, "m.safetensors")
	writeST(t, s, safetensors.F32("blk:0", []int{3, 1}, []float32{1, 2, 3}))
	if a, err := Open(s + ":blk:0"); err != nil || len(a) != 1 || a[0].Name != "blk:0" {
		t.Errorf("name with ':': %v", err)
	}
	_, err := Open(filepath.Join(dir, "missing.npz") + ":x")
	if want := filepath.Join(dir, "missing.npz") + ": no such file or directory"; err == nil || err.Error() != want {
		t.Errorf("missing: %v", err)
	}
	_, err = Open(z + ":")
	if want := z + ": empty array name after ':'"; err == nil || err.Error() != want {
		t.Errorf("empty name: %v", err)
	}
}

func TestMatrixAndCheckPoints(t *testing.T) {
	a := &Array{Name: "x", Source: "x.npy", Shape: []int{5, 3, 2, 2}, Data: seq(60, 1)}
	if n, d, err := a.Matrix(); n != 5 || d != 12 || err != nil {
		t.Errorf("N,C,H,W: %d %d %v", n, d, err)
	}
	if err := CheckPoints(a); err != nil {
		t.Error(err)
	}
	cases := []struct {
		a    *Array
		want string
	}{
		{&Array{Name: "x", Source: "x.npy", Shape: []int{6}, Data: seq(6, 1)}, "x.npy: rank 1 (shape 6), need rank ≥ 2 with points as rows"},
		{&Array{Name: "x", Source: "x.npy", Shape: []int{}, Data: seq(1, 1)}, "x.npy: rank 0 (shape scalar)"},
		{&Array{Name: "x", Source: "x.npy", Shape: []int{2, 3}, Data: seq(6, 1)}, "x.npy: 2 rows (shape 2×3), need at least 3 points"},
		{&Array{Name: "x", Source: "x.npy", Shape: []int{4, 0}, Data: nil}, "x.npy: rows have no columns (shape 4×0)"},
		{&Array{Name: "c", Source: "a.npz", Shape: []int{3, 2}, Data: []float64{0, 1, 2, 3, math.NaN(), math.Inf(1)}}, `a.npz: array "c": row 2, column 0 is NaN (counting from 0); values must be finite`},
		{&Array{Name: "x", Source: "x.npy", Shape: []int{3, 2}, Data: []float64{0, 1, 2, math.Inf(-1), 4, 5}}, "x.npy: row 1, column 1 is -Inf"},
		{&Array{Name: "x", Source: "x.npy", Shape: []int{3, 2}, Data: seq(5, 1)}, "x.npy: 5 values for shape 3×2"},
		{&Array{Name: "mem", Shape: []int{1, 2}, Data: seq(2, 1)}, `array "mem": 1 rows (shape 1×2)`},
	}
	for _, c := range cases {
		if err := CheckPoints(c.a); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("CheckPoints: %v\n\twant %s", err, c.want)
		}
	}
}

func TestOpenMatrix(t *testing.T) {
	dir := t.TempDir()
	z := filepath.Join(dir, "l.npz")
	writeNPZ(t, z, false, []string{"conv1", "d1"}, []int{4, 2})
	_, err := OpenMatrix(z)
	if want := z + ": holds 2 arrays (conv1, d1); use " + z + ":NAME to pick one"; err == nil || err.Error() != want {
		t.Errorf("several: %v", err)
	}
	a, err := OpenMatrix(z + ":d1")
	if err != nil || a.Name != "d1" || CheckPoints(a) != nil {
		t.Errorf("one: %v", err)
	}
	v := filepath.Join(dir, "v.npy")
	writeNPY(t, v, []int{5}, seq(5, 1))
	if _, err := OpenMatrix(v); err == nil || err.Error() != v+": rank 1 (shape 5), need rank ≥ 2 with points as rows" {
		t.Errorf("rank 1: %v", err)
	}
}

// TestErrors checks that each malformed input gives one line naming it.
func TestErrors(t *testing.T) {
	dir := t.TempDir()
	put := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o644)
		return p
	}
	var npyBuf bytes.Buffer
	npy.Write(&npyBuf, []int{3, 4}, seq(12, 1))
	good := npyBuf.Bytes()
	var zipBuf bytes.Buffer
	zw := zip.NewWriter(&zipBuf)
	zw.Close()
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	npzPath := filepath.Join(dir, "two.npz")
	writeNPZ(t, npzPath, false, []string{"p", "q"}, []int{3, 1})
	stPath := filepath.Join(dir, "st.safetensors")
	writeST(t, stPath, safetensors.F32("w", []int{3, 1}, []float32{1, 2, 3}))

	cases := []struct {
		spec, want string
	}{
		{put("magic.npy", append([]byte("NUMPY!"), good[6:]...)), `magic.npy: not a .npy file: wrong magic "NUMPY!"`},
		{put("trunc.npy", good[:len(good)-5]), "trunc.npy: truncated data: header says 3×4 float64 (96 bytes), file has 91"},
		{put("long.npy", append(slices.Clone(good), 0, 0, 0)), "long.npy: data length mismatch: header says 3×4 float64 (96 bytes), file has 99"},
		{put("hdr.npy", good[:40]), "hdr.npy: truncated header: header length 118 but only 30 bytes follow"},
		{put("bad.safetensors", []byte("\x10\x00\x00\x00\x00\x00\x00\x00not json at all!")), "bad.safetensors: bad header: not a JSON object"},
		{put("big.safetensors", []byte("\xff\xff\xff\xff\x00\x00\x00\x00{}")), "big.safetensors: header too large"},
		{put("notzip.npz", good), "notzip.npz: not a .npz file: not a valid zip archive"},
		{put("empty.npz", zipBuf.Bytes()), "empty.npz: holds no arrays"},
		{put("x.csv", []byte("1,2\n")), `x.csv: unsupported file type ".csv" (want .npy, .npz, .safetensors, .pt or .pth, or a directory of them)`},
		{empty, empty + ": empty directory: no .npy, .npz, .safetensors, .pt or .pth files in it"},
		{npzPath + ":r", npzPath + `: no array "r"; it holds: p, q`},
		{stPath + ":v", stPath + `: no array "v"; it holds: w`},
		{filepath.Join(dir, "none.npy"), "none.npy: no such file or directory"},
		{filepath.Join(dir, "x.csv") + ":a", `x.csv: unsupported file type ".csv"`},
		{put("one.npy", good) + ":other", `one.npy: no array "other"; a .npy file holds one array, "one"`},
	}
	for _, c := range cases {
		_, err := Open(c.spec)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%s): %v\n\twant it to contain %q", c.spec, err, c.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), dir) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Open(%s): error does not start with the path or is not one line: %q", c.spec, err)
		}
	}
	if _, err := Open(""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
}

func TestNaturalLess(t *testing.T) {
	want := []string{"", "a", "layer1", "layer01", "layer2", "layer2b", "layer10", "layer10.npy", "layer010", "layer100", "layerA", "x9y2", "x9y10", "x10y1"}
	got := slices.Clone(want)
	slices.Reverse(got)
	slices.SortFunc(got, func(a, b string) int {
		switch {
		case NaturalLess(a, b):
			return -1
		case NaturalLess(b, a):
			return 1
		}
		return 0
	})
	if !slices.Equal(got, want) {
		t.Errorf("natural order\n got %q\nwant %q", got, want)
	}
	for _, a := range want {
		if NaturalLess(a, a) {
			t.Errorf("NaturalLess(%q, %q)", a, a)
		}
	}
	if !NaturalLess("18446744073709551616", "18446744073709551617") || !NaturalLess("2", "18446744073709551617") {
		t.Error("long digit runs")
	}
}
