package pt

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// pk builds pickles by hand, opcode by opcode.
type pk struct{ bytes.Buffer }

func (p *pk) op(s string) *pk { p.WriteString(s); return p }
func (p *pk) str(s string) *pk {
	p.WriteByte('X')
	binary.Write(&p.Buffer, binary.LittleEndian, uint32(len(s)))
	p.WriteString(s)
	return p
}
func (p *pk) int(v int) *pk {
	p.WriteByte('J')
	binary.Write(&p.Buffer, binary.LittleEndian, int32(v))
	return p
}
func (p *pk) tuple(vs ...int) *pk {
	p.op("(")
	for _, v := range vs {
		p.int(v)
	}
	return p.op("t")
}

// tensor pushes _rebuild_tensor_v2 of storage key (numel elements of
// typ) with the given layout.
func (p *pk) tensor(typ, key string, numel, off int, size, stride []int) *pk {
	p.op("ctorch._utils\n_rebuild_tensor_v2\n(")
	p.op("(").str("storage").op("ctorch\n" + typ + "\n").str(key).str("cpu").int(numel).op("tQ")
	p.int(off).tuple(size...).tuple(stride...).op("\x89ccollections\nOrderedDict\n)R")
	return p.op("tR")
}

// archive zips a pickle and storages the way torch.save does (stored).
func archive(t *testing.T, pkl []byte, storages map[string][]byte) []byte {
	return archiveOrder(t, pkl, storages, "little")
}

func archiveOrder(t *testing.T, pkl []byte, storages map[string][]byte, order string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	put := func(name string, data []byte) {
		f, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		f.Write(data)
	}
	put("archive/data.pkl", pkl)
	put("archive/byteorder", []byte(order))
	for k, v := range storages {
		put("archive/data/"+k, v)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func f32s(vs ...float32) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, vs)
	return b.Bytes()
}

func read(data []byte) (*File, error) { return Read(bytes.NewReader(data), int64(len(data))) }

// A strided view of a storage 0, 1, …, 11: shape (3, 2), stride (1, 3),
// offset 1 is the transpose of rows [1 2 3] and [4 5 6], read as torch
// indexes it: element (i, j) = storage[1 + i + 3j].
func TestStridedHandmade(t *testing.T) {
	var p pk
	p.op("\x80\x02}(").str("v").tensor("FloatStorage", "0", 12, 1, []int{3, 2}, []int{1, 3}).op("u.")
	st := make([]float32, 12)
	for i := range st {
		st[i] = float32(i)
	}
	data := archive(t, p.Bytes(), map[string][]byte{"0": f32s(st...)})
	f, err := read(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tensors) != 1 || f.Tensors[0].Name != "v" || f.Tensors[0].DType != "float32" {
		t.Fatalf("tensors %+v", f.Tensors)
	}
	got := make([]float32, 6)
	if err := f.Tensors[0].ReadFloat32(bytes.NewReader(data), got); err != nil {
		t.Fatal(err)
	}
	want := []float32{1, 4, 2, 5, 3, 6}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	g64 := make([]float64, 6)
	if err := f.Tensors[0].ReadFloat64(bytes.NewReader(data), g64); err != nil || g64[3] != 5 {
		t.Fatalf("float64: %v %v", g64, err)
	}
}

// A parameter with Python state (torch ≥ 2.0 pickles it with
// _rebuild_parameter_with_state) is its tensor.
func TestParameterWithState(t *testing.T) {
	var p pk
	p.op("\x80\x02ctorch._utils\n_rebuild_parameter_with_state\n(")
	p.tensor("FloatStorage", "0", 2, 0, []int{1, 2}, []int{2, 1}).op("\x88ccollections\nOrderedDict\n)R}tR.")
	data := archive(t, p.Bytes(), map[string][]byte{"0": f32s(3, 4)})
	f, err := read(data)
	if err != nil || len(f.Tensors) != 1 {
		t.Fatalf("%v %v", f, err)
	}
	got := make([]float32, 2)
	if err := f.Tensors[0].ReadFloat32(bytes.NewReader(data), got); err != nil || got[1] != 4 {
		t.Fatalf("%v %v", got, err)
	}
}

func TestRefused(t *testing.T) {
	evil := new(pk).op("\x80\x02cposix\nsystem\n").str("touch /tmp/x").op("\x85R.").Bytes()
	huge := append(new(pk).op("\x80\x04\x8e").Bytes(), 0, 0, 0, 0, 0, 0, 0, 0x10) // BINBYTES8 of 2⁶⁰ bytes
	stack := new(pk).op("\x80\x04").str("builtins").str("eval").op("\x93").Bytes()
	var over pk // a storage that claims 100 floats in a 12-byte member
	over.op("\x80\x02").tensor("FloatStorage", "0", 100, 0, []int{10, 10}, []int{10, 1}).op(".")
	var outside pk // a layout that reaches past its storage
	outside.op("\x80\x02").tensor("FloatStorage", "0", 3, 1, []int{3}, []int{1}).op(".")
	var expand pk // stride 0: 1000 elements of a 3-element storage
	expand.op("\x80\x02").tensor("FloatStorage", "0", 3, 0, []int{1000, 3}, []int{0, 1}).op(".")
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"os.system", archive(t, evil, nil), "refused: the pickle names posix.system"},
		{"stack global", archive(t, stack, nil), "refused: the pickle names builtins.eval"},
		{"huge claim", archive(t, huge, nil), "truncated or corrupt"},
		{"storage over member", archive(t, over.Bytes(), map[string][]byte{"0": f32s(1, 2, 3)}), "needs more than the 12 bytes"},
		{"outside storage", archive(t, outside.Bytes(), map[string][]byte{"0": f32s(1, 2, 3)}), "reaches element 3 of 3"},
		{"expanded", archive(t, expand.Bytes(), map[string][]byte{"0": f32s(1, 2, 3)}), "more elements than its storage"},
		{"missing storage", archive(t, over.Bytes(), nil), "no member data/0"},
		{"not torch", []byte("hello world"), "not a torch.save file"},
		{"plain pickle", new(pk).op("\x80\x02K\x01.").Bytes(), "no torch magic number"},
		{"unknown opcode", archive(t, []byte("\x80\x02\x81."), nil), "NEWOBJ is not read"},
		{"truncated", archive(t, []byte("\x80\x02(X\x05\x00\x00\x00ab"), nil), "truncated"},
	}
	for _, c := range cases {
		_, err := read(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

// Every prefix of a valid file is refused with an error, never a panic.
func TestTruncatedPrefixes(t *testing.T) {
	var p pk
	p.op("\x80\x02}(").str("v").tensor("HalfStorage", "0", 4, 0, []int{2, 2}, []int{2, 1}).op("u.")
	data := archive(t, p.Bytes(), map[string][]byte{"0": make([]byte, 8)})
	for n := range len(data) - 1 {
		f, err := read(data[:n])
		if err == nil {
			g := make([]float32, 4)
			err = f.Tensors[0].ReadFloat32(bytes.NewReader(data[:n]), g)
		}
		if err == nil {
			t.Fatalf("prefix of %d bytes read without error", n)
		}
	}
	if _, err := read(data); err != nil {
		t.Fatal(err)
	}
}

func TestLong(t *testing.T) {
	for _, c := range []struct {
		b    []byte
		want int64
	}{{nil, 0}, {[]byte{0xff}, -1}, {[]byte{0x00, 0x80}, -32768}, {[]byte{0xe9, 0x03}, 1001}} {
		if got := long(c.b); got != c.want {
			t.Errorf("long(%x) = %v, want %d", c.b, got, c.want)
		}
	}
	if v, ok := long([]byte{0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19}).(interface{ String() string }); !ok || v.String() != legacyMagic.String() {
		t.Errorf("magic number decoded as %v", v)
	}
}

// A file written on a big-endian machine says so in archive/byteorder.
func TestBigEndian(t *testing.T) {
	var p pk
	p.op("\x80\x02").tensor("DoubleStorage", "0", 2, 0, []int{1, 2}, []int{2, 1}).op(".")
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, []float64{1.5, -2.25})
	data := archiveOrder(t, p.Bytes(), map[string][]byte{"0": b.Bytes()}, "big")
	f, err := read(data)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]float64, 2)
	if err := f.Tensors[0].ReadFloat64(bytes.NewReader(data), got); err != nil || got[0] != 1.5 || got[1] != -2.25 {
		t.Fatalf("got %v, %v", got, err)
	}
	if _, err := read(archiveOrder(t, p.Bytes(), map[string][]byte{"0": b.Bytes()}, "middle")); err == nil || !strings.Contains(err.Error(), `byteorder "middle"`) {
		t.Fatalf("bad byteorder: %v", err)
	}
}
