package safetensors

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// raw builds a safetensors file from a literal JSON header and data.
func raw(header string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(header)))
	b.WriteString(header)
	b.Write(data)
	return b.Bytes()
}

func TestRoundTrip(t *testing.T) {
	a := F32("layer.weight", []int{2, 3}, []float32{1, -2, 3.5, 0, float32(math.Inf(1)), 1e-40})
	b := F64("b", []int{3}, []float64{math.Pi, math.Copysign(0, -1), 1e300})
	c := Tensor{Name: "scalar", DType: "I16", Shape: []int{}, Data: []byte{0xfe, 0xff}}
	empty := F32("empty", []int{0, 4}, nil)
	md := map[string]string{"format": "pt", "note": "a \"quoted\"\nline"}
	var buf bytes.Buffer
	if err := Write(&buf, []Tensor{a, b, c, empty}, md); err != nil {
		t.Fatal(err)
	}
	hl := binary.LittleEndian.Uint64(buf.Bytes())
	if hl%8 != 0 {
		t.Errorf("header length %d is not a multiple of 8", hl)
	}
	f, err := Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Names(); !slices.Equal(got, []string{"layer.weight", "b", "scalar", "empty"}) {
		t.Errorf("names %v", got)
	}
	if f.Metadata["note"] != md["note"] || f.Metadata["format"] != "pt" || len(f.Metadata) != 2 {
		t.Errorf("metadata %v", f.Metadata)
	}
	got32, err := f.Tensor("layer.weight").Float32()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got32, []float32{1, -2, 3.5, 0, float32(math.Inf(1)), 1e-40}) {
		t.Errorf("F32 round trip %v", got32)
	}
	if s := f.Tensor("layer.weight").Shape; !slices.Equal(s, []int{2, 3}) {
		t.Errorf("shape %v", s)
	}
	got64, err := f.Tensor("b").Float64()
	if err != nil {
		t.Fatal(err)
	}
	if got64[0] != math.Pi || !math.Signbit(got64[1]) || got64[2] != 1e300 {
		t.Errorf("F64 round trip %v", got64)
	}
	sc, err := f.Tensor("scalar").Float64()
	if err != nil || len(sc) != 1 || sc[0] != -2 {
		t.Errorf("scalar I16 = %v, %v", sc, err)
	}
	if e := f.Tensor("empty"); e == nil || e.Len() != 0 || len(e.Data) != 0 {
		t.Errorf("empty tensor %+v", e)
	}
	if f.Tensor("missing") != nil {
		t.Error("Tensor(missing) != nil")
	}
}

func TestReadFileAndInfo(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.safetensors")
	var buf bytes.Buffer
	if err := Write(&buf, []Tensor{F32("x", []int{2, 2}, []float32{1, 2, 3, 4})}, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata != nil || len(f.Tensors) != 1 {
		t.Fatalf("got %+v", f)
	}
	h, err := ReadHeader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]float64, h.Tensors[0].Len())
	if err := h.Tensors[0].ReadFloat64(bytes.NewReader(buf.Bytes()), dst); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dst, []float64{1, 2, 3, 4}) {
		t.Errorf("ReadFloat64 = %v", dst)
	}
	_, err = ReadFile(filepath.Join(dir, "nope.safetensors"))
	if err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, "nope.safetensors")+": ") || strings.Contains(err.Error(), "open ") {
		t.Errorf("missing file error %v", err)
	}
	os.WriteFile(path, buf.Bytes()[:buf.Len()-3], 0o644)
	_, err = ReadFile(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+": truncated data") {
		t.Errorf("truncated file error %v", err)
	}
}

// TestHeaderOrder checks that tensors come in the order of the JSON text,
// not sorted, and that __metadata__ anywhere is skipped.
func TestHeaderOrder(t *testing.T) {
	hdr := `{"zeta":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"__metadata__":{"k":"v"},` +
		`"alpha":{"shape":[1],"data_offsets":[2,3],"dtype":"I8"},"mid":{"dtype":"BOOL","shape":[2],"data_offsets":[3,5]}}   `
	f, err := Read(bytes.NewReader(raw(hdr, []byte{7, 250, 0xff, 0, 3})), int64(8+len(hdr)+5))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Names(); !slices.Equal(got, []string{"zeta", "alpha", "mid"}) {
		t.Errorf("order %v", got)
	}
	want := map[string][]float64{"zeta": {7, 250}, "alpha": {-1}, "mid": {0, 1}}
	for name, w := range want {
		got, err := f.Tensor(name).Float64()
		if err != nil || !slices.Equal(got, w) {
			t.Errorf("%s = %v, %v; want %v", name, got, err, w)
		}
	}
	if f.Metadata["k"] != "v" {
		t.Errorf("metadata %v", f.Metadata)
	}
}

// TestDTypes decodes one known value list in every dtype.
func TestDTypes(t *testing.T) {
	le := binary.LittleEndian
	cases := []struct {
		dtype string
		data  []byte
		want  []float64
	}{
		{"F64", le.AppendUint64(le.AppendUint64(nil, math.Float64bits(-1.5)), math.Float64bits(1e-310)), []float64{-1.5, 1e-310}},
		{"F32", le.AppendUint32(le.AppendUint32(nil, math.Float32bits(0.1)), 0x00000001), []float64{float64(float32(0.1)), float64(math.Float32frombits(1))}},
		{"F16", le.AppendUint16(le.AppendUint16(le.AppendUint16(nil, 0x3c00), 0x0001), 0xfc00), []float64{1, math.Ldexp(1, -24), math.Inf(-1)}},
		{"BF16", le.AppendUint16(le.AppendUint16(nil, 0x3f80), 0xc049), []float64{1, -3.140625}},
		{"I8", []byte{0x80, 0x7f}, []float64{-128, 127}},
		{"I16", le.AppendUint16(nil, 0x8000), []float64{-32768}},
		{"I32", le.AppendUint32(nil, 0xffffffff), []float64{-1}},
		{"I64", le.AppendUint64(nil, 1<<62), []float64{1 << 62}},
		{"U8", []byte{255}, []float64{255}},
		{"U16", le.AppendUint16(nil, 0xffff), []float64{65535}},
		{"U32", le.AppendUint32(nil, 0xffffffff), []float64{4294967295}},
		{"U64", le.AppendUint64(nil, 1<<63), []float64{1 << 63}},
		{"BOOL", []byte{0, 1, 2}, []float64{0, 1, 1}},
	}
	for _, c := range cases {
		tn := Tensor{Name: "t", DType: c.dtype, Shape: []int{len(c.want)}, Data: c.data}
		var buf bytes.Buffer
		if err := Write(&buf, []Tensor{tn}, nil); err != nil {
			t.Fatalf("%s: %v", c.dtype, err)
		}
		f, err := Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatalf("%s: %v", c.dtype, err)
		}
		got, err := f.Tensors[0].Float64()
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s: Float64 = %v, %v; want %v", c.dtype, got, err, c.want)
		}
		got32, err := f.Tensors[0].Float32()
		for i := range c.want {
			if err != nil || got32[i] != float32(c.want[i]) {
				t.Errorf("%s: Float32 = %v, %v; want %v", c.dtype, got32, err, c.want)
				break
			}
		}
		h, _ := ReadHeader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		dst := make([]float64, len(c.want))
		if err := h.Tensors[0].ReadFloat64(bytes.NewReader(buf.Bytes()), dst); err != nil || !slices.Equal(dst, c.want) {
			t.Errorf("%s: ReadFloat64 = %v, %v", c.dtype, dst, err)
		}
	}
}

func TestErrors(t *testing.T) {
	ok := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	huge := make([]byte, 8)
	binary.LittleEndian.PutUint64(huge, 1<<40)
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"short", []byte{1, 2, 3}, "truncated: 3 bytes, too short"},
		{"header too large", append(huge, "{}"...), "header too large: 1099511627776 bytes"},
		{"header past end", raw(ok, nil)[:20], "truncated header: header length 54 but only 12 bytes follow"},
		{"not json object", raw(`[1,2]   `, nil), "bad header: not a JSON object"},
		{"syntax", raw(`{,}`, nil), "bad header JSON at byte"},
		{"entry syntax", raw(`{"a":{"dtype":"F32",,}}`, nil), `bad header: tensor "a": invalid character ','`},
		{"not closed", raw(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`, make([]byte, 4)), "bad header JSON: not closed"},
		{"trailing", raw(`{} {}`, nil), "data after the closing brace"},
		{"unknown dtype", raw(`{"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}`, make([]byte, 8)), `tensor "a": unsupported dtype "C64"`},
		{"size mismatch", raw(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, make([]byte, 8)), `tensor "a": shape 3 × F32 needs 12 bytes, data_offsets give 8`},
		{"overflow", raw(`{"a":{"dtype":"F32","shape":[1000000000,1000000000,1000000000],"data_offsets":[0,8]}}`, make([]byte, 8)), `needs too many bytes`},
		{"huge shape", raw(`{"a":{"dtype":"F64","shape":[1000000000000000000],"data_offsets":[0,8]}}`, make([]byte, 8)), `shape 1000000000000000000 × F64 needs 8000000000000000000 bytes`},
		{"truncated data", raw(ok, make([]byte, 5)), `truncated data: tensor "a" lies at bytes [0, 8) of the data but the file holds 5`},
		{"bad offsets", raw(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}`, make([]byte, 8)), "invalid data_offsets [8, 0]"},
		{"one offset", raw(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[8]}}`, make([]byte, 8)), "data_offsets must be [begin, end]"},
		{"negative dim", raw(`{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}`, make([]byte, 8)), "invalid dimension -2"},
		{"float dim", raw(`{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}`, make([]byte, 8)), `bad header: tensor "a": json: cannot unmarshal`},
		{"duplicate", raw(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, make([]byte, 1)), `duplicate key "a"`},
		{"metadata type", raw(`{"__metadata__":{"k":1}}`, nil), `__metadata__ value of "k" is not a string`},
		{"entry type", raw(`{"a":[1]}`, nil), `bad header: tensor "a"`},
	}
	for _, c := range cases {
		_, err := Read(bytes.NewReader(c.file), int64(len(c.file)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: multi-line error %q", c.name, err)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	bad := [][]Tensor{
		{{Name: "", DType: "F32"}},
		{{Name: "__metadata__", DType: "F32", Shape: []int{}, Data: make([]byte, 4)}},
		{F32("a", []int{1}, []float32{1}), F32("a", []int{1}, []float32{1})},
		{{Name: "a", DType: "Q8", Shape: []int{1}, Data: make([]byte, 1)}},
		{{Name: "a", DType: "F32", Shape: []int{2}, Data: make([]byte, 4)}},
	}
	for i, ts := range bad {
		if err := Write(&bytes.Buffer{}, ts, nil); err == nil {
			t.Errorf("case %d: Write succeeded", i)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("F32 with wrong length did not panic")
		}
	}()
	F32("a", []int{2, 2}, []float32{1})
}

func FuzzSafetensors(f *testing.F) {
	var buf bytes.Buffer
	Write(&buf, []Tensor{F32("a", []int{2, 2}, []float32{1, 2, 3, 4}), {Name: "b", DType: "BF16", Shape: []int{1}, Data: []byte{0x80, 0x3f}}}, map[string]string{"k": "v"})
	f.Add(buf.Bytes())
	f.Add(raw(`{"a":{"dtype":"F16","shape":[3],"data_offsets":[0,6]}}`, []byte{0, 0x3c, 1, 0, 0, 0x7c}))
	f.Add(raw(`{"a":{"dtype":"U64","shape":[1,1],"data_offsets":[0,8]},"__metadata__":{}}`, make([]byte, 8)))
	f.Add(raw(`{"a":{"dtype":"F64","shape":[1000000000000000000],"data_offsets":[0,8]}}`, make([]byte, 8)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Read(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error %q", err)
			}
			return
		}
		// The tensors tile the data exactly: their sizes add up to it, so
		// memory follows the file whatever the header says.
		h, _ := ReadHeader(bytes.NewReader(data), int64(len(data)))
		var sum int64
		for _, ti := range h.Tensors {
			sum += ti.Size
		}
		if sum != int64(len(data))-h.DataOffset {
			t.Fatalf("tensors hold %d bytes of %d", sum, int64(len(data))-h.DataOffset)
		}
		for i := range file.Tensors {
			v, err := file.Tensors[i].Float64()
			if err != nil || len(v) != file.Tensors[i].Len() {
				t.Fatalf("tensor %q read but does not convert: %v", file.Tensors[i].Name, err)
			}
		}
		// What was read writes back and reads again the same.
		var out bytes.Buffer
		if err := Write(&out, file.Tensors, file.Metadata); err != nil {
			return // e.g. an empty tensor name, which the reader accepts
		}
		again, err := Read(bytes.NewReader(out.Bytes()), int64(out.Len()))
		if err != nil {
			t.Fatalf("re-read: %v", err)
		}
		if !slices.Equal(again.Names(), file.Names()) {
			t.Fatalf("names %v != %v", again.Names(), file.Names())
		}
		for i := range again.Tensors {
			if !bytes.Equal(again.Tensors[i].Data, file.Tensors[i].Data) {
				t.Fatalf("tensor %d data differs", i)
			}
		}
	})
}

// eofReaderAt returns io.EOF with a full read at the end of the input, as
// io.ReaderAt allows.
type eofReaderAt struct{ b []byte }

func (r eofReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(r.b)) {
		return 0, io.EOF
	}
	n := copy(p, r.b[off:])
	if off+int64(n) == int64(len(r.b)) {
		return n, io.EOF
	}
	return n, nil
}

func TestReaderAtEOF(t *testing.T) {
	var buf bytes.Buffer
	Write(&buf, []Tensor{F32("a", []int{2}, []float32{1, 2})}, nil)
	f, err := Read(eofReaderAt{buf.Bytes()}, int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Tensors[0].Float32(); !slices.Equal(v, []float32{1, 2}) {
		t.Errorf("got %v", v)
	}
	if _, err := Read(eofReaderAt{buf.Bytes()[:buf.Len()-1]}, int64(buf.Len())); err == nil || !strings.Contains(err.Error(), "truncated data") {
		t.Errorf("short reader: %v", err)
	}
}
