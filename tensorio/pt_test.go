package tensorio

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The files of testdata/pt are written by PyTorch (scripts/make_pt_fixtures.py);
// the expected values beside them by numpy from the same tensors.
func ptFile(name string) string { return filepath.Join("testdata", "pt", name) }

// equalTo checks that every array of got equals, value for value and in
// shape, the array of the same name in the expectation file.
func equalTo(t *testing.T, got []*Array, expect string) {
	t.Helper()
	want, err := Open(ptFile(expect))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*Array{}
	for _, w := range want {
		byName[w.Name] = w
	}
	for _, g := range got {
		w := byName[g.Name]
		if w == nil {
			t.Errorf("%s: no expectation", g.Name)
			continue
		}
		if !slices.Equal(g.Shape, w.Shape) {
			t.Errorf("%s: shape %v, want %v", g.Name, g.Shape, w.Shape)
			continue
		}
		gv, wv := g.Float64(), w.Float64()
		for i := range wv {
			if gv[i] != wv[i] {
				t.Errorf("%s: value %d is %v, want %v", g.Name, i, gv[i], wv[i])
				break
			}
		}
	}
}

func TestPTNested(t *testing.T) {
	got, err := Open(ptFile("nested.pt"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"hidden_states.0", "hidden_states.1", "meta.ids", "state.b", "state.a", "layers.0"}
	if !slices.Equal(names(got), want) {
		t.Fatalf("names %v, want %v (stored order)", names(got), want)
	}
	dt := []string{"float32", "float64", "int64", "int32", "uint8", "float32"}
	for i, a := range got {
		if a.DType != dt[i] || (a.Data32 != nil) != (dt[i] == "float32") {
			t.Errorf("%s: dtype %s (float32 kept: %v), want %s", a.Name, a.DType, a.Data32 != nil, dt[i])
		}
	}
	equalTo(t, got, "nested_expect.npz")
	one, err := Open(ptFile("nested.pt") + ":hidden_states.1")
	if err != nil || len(one) != 1 || one[0].Name != "hidden_states.1" {
		t.Fatalf("FILE:hidden_states.1: %v %v", names(one), err)
	}
	sub, err := Open(ptFile("nested.pt") + ":state")
	if err != nil || !slices.Equal(names(sub), []string{"state.b", "state.a"}) {
		t.Fatalf("FILE:state: %v %v", names(sub), err)
	}
	if n, err := Names(ptFile("nested.pt")); err != nil || !slices.Equal(n, want) {
		t.Fatalf("Names: %v %v", n, err)
	}
	_, err = Open(ptFile("nested.pt") + ":hidden_states.7")
	if err == nil || !strings.Contains(err.Error(), `no tensor "hidden_states.7"; it holds: hidden_states.0, hidden_states.1, meta.ids`) {
		t.Fatalf("missing name: %v", err)
	}
}

func TestPTHalfExact(t *testing.T) {
	got, err := Open(ptFile("halfs.pt"))
	if err != nil {
		t.Fatal(err)
	}
	if got[0].DType != "float16" || got[1].DType != "bfloat16" || got[0].Data32 == nil {
		t.Fatalf("dtypes %s %s", got[0].DType, got[1].DType)
	}
	if got[0].Data32[1] != 0x1p-24 || got[1].Data32[1] != 0x1p-133 || got[0].Data32[0] != 65504 {
		t.Fatalf("extremes %v %v", got[0].Data32[:3], got[1].Data32[:2])
	}
	equalTo(t, got, "halfs_expect.npz")
}

func TestPTStrided(t *testing.T) {
	for _, f := range []string{"strided.pt", "legacy.pt"} {
		got, err := Open(ptFile(f))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(names(got)[:4], []string{"t", "s", "c", "col"}) {
			t.Fatalf("%s: names %v", f, names(got))
		}
		equalTo(t, got[:4], "strided_expect.npz")
		if f == "legacy.pt" {
			equalTo(t, got[4:], "halfs_expect.npz")
		}
	}
}

func TestPTRefused(t *testing.T) {
	_, err := Open(ptFile("malicious.pt"))
	if err == nil || !strings.Contains(err.Error(), "malicious.pt: data.pkl: refused: the pickle names posix.system") {
		t.Fatalf("malicious: %v", err)
	}
	if _, err := os.Stat("/tmp/intdim-pt-pwned"); err == nil {
		t.Fatal("the malicious pickle ran")
	}
	_, err = Open(ptFile("expanded.pt"))
	if err == nil || !strings.Contains(err.Error(), "more elements than its storage") {
		t.Fatalf("expanded: %v", err)
	}
}

func TestPTStackAndBareTensor(t *testing.T) {
	got, err := Open(ptFile("stack.pt"))
	if err != nil || len(got) != 1 || got[0].Name != "stack" || !slices.Equal(got[0].Shape, []int{3, 12, 4, 5}) {
		t.Fatalf("stack.pt: %v %v", got, err)
	}
	hs, err := Open(ptFile("hidden.pt"))
	if err != nil || len(hs) != 3 {
		t.Fatalf("hidden.pt: %v", err)
	}
	for l, h := range hs {
		for i, v := range h.Data32 {
			if v != got[0].Data32[l*len(h.Data32)+i] {
				t.Fatalf("hidden_states.%d (a view at a storage offset) differs from the stack at %d", l, i)
			}
		}
	}
}
