package npy

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/intdim/intdim/tensorio/internal/dtype"
	tshape "github.com/intdim/intdim/tensorio/internal/shape"
)

// build returns a .npy file of the given version whose header is the dict
// text, padded as numpy pads it, followed by data.
func build(version int, dict string, data []byte) []byte {
	pre := 10
	if version > 1 {
		pre = 12
	}
	for (pre+len(dict)+1)%64 != 0 {
		dict += " "
	}
	dict += "\n"
	out := append([]byte(Magic), byte(version), 0)
	if version == 1 {
		out = binary.LittleEndian.AppendUint16(out, uint16(len(dict)))
	} else {
		out = binary.LittleEndian.AppendUint32(out, uint32(len(dict)))
	}
	return append(append(out, dict...), data...)
}

func dict(descr string, fortran bool, shape []int) string {
	h := header(descr, fortran, shape)
	return strings.TrimRight(string(h[10:]), " \n")
}

// encodeArray encodes vals (row-major) in type t and the given order.
func encodeArray(t dtype.Type, fortran bool, shape []int, vals []float64) []byte {
	if fortran {
		f := make([]float64, len(vals))
		for c, v := range vals {
			f[fortranIndex(c, shape)] = v
		}
		vals = f
	}
	b := make([]byte, len(vals)*t.Size)
	t.Encode(b, vals)
	return b
}

// testValues returns n values representable in t.
func testValues(t dtype.Type, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		switch t.Kind {
		case dtype.Bool:
			v[i] = float64(i % 2)
		case dtype.Uint:
			v[i] = float64((i * 7) % 101)
		default:
			v[i] = float64((i*7)%101) - 50
			if t.Kind == dtype.Float {
				v[i] /= 4
			}
		}
	}
	return v
}

var allTypes = func() []dtype.Type {
	var ts []dtype.Type
	for _, big := range []bool{false, true} {
		for _, k := range []dtype.Kind{dtype.Float, dtype.Int, dtype.Uint, dtype.Bool} {
			for _, s := range []int{1, 2, 4, 8} {
				if t := (dtype.Type{Kind: k, Size: s, BigEndian: big}); t.Valid() && !(big && s == 1) {
					ts = append(ts, t)
				}
			}
		}
	}
	return ts
}()

var shapes = [][]int{{4, 3}, {2, 3, 4}, {3, 1, 2, 2}, {5}, {}, {0, 3}, {3, 0}}

// TestRoundTrip reads every dtype, byte order, memory order and header
// version, whole (size known and unknown) and by column ranges.
func TestRoundTrip(t *testing.T) {
	for _, version := range []int{1, 2, 3} {
		for _, ty := range allTypes {
			for _, fortran := range []bool{false, true} {
				for _, shape := range shapes {
					name := fmt.Sprintf("v%d/%s/%v/F=%v", version, descr(ty), shape, fortran)
					n, _ := tshape.Count(shape)
					want := testValues(ty, n)
					file := build(version, dict(descr(ty), fortran, shape), encodeArray(ty, fortran, shape, want))
					h, got, err := Read(bytes.NewReader(file), int64(len(file)))
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if h.Version != version || h.DType != descr(ty) || h.Fortran != fortran || !slices.Equal(h.Shape, shape) || h.DataOffset%64 != 0 {
						t.Fatalf("%s: header %+v", name, h)
					}
					if !slices.Equal(got, want) {
						t.Fatalf("%s: got %v, want %v", name, got, want)
					}
					_, got2, err := Read(bytes.NewReader(file), -1)
					if err != nil || !slices.Equal(got2, want) {
						t.Fatalf("%s: unknown size: %v, %v", name, got2, err)
					}
					rows, cols := h.Rows(), h.Cols()
					for c0 := 0; c0 <= cols; c0++ {
						for c1 := c0; c1 <= cols; c1++ {
							dst := make([]float64, rows*(c1-c0))
							if err := ReadColumns(bytes.NewReader(file), h, c0, c1, dst); err != nil {
								t.Fatalf("%s: ReadColumns(%d, %d): %v", name, c0, c1, err)
							}
							for i := range rows {
								if !slices.Equal(dst[i*(c1-c0):(i+1)*(c1-c0)], want[i*cols+c0:i*cols+c1]) {
									t.Fatalf("%s: ReadColumns(%d, %d) row %d = %v", name, c0, c1, i, dst)
								}
							}
							// The odd rows, last first: a subset in any order.
							var sub []int
							for i := rows - 1; i >= 0; i-- {
								if i%2 == 1 {
									sub = append(sub, i)
								}
							}
							dst = make([]float64, len(sub)*(c1-c0))
							if err := ReadRowColumns(bytes.NewReader(file), h, sub, c0, c1, dst); err != nil {
								t.Fatalf("%s: ReadRowColumns(%v, %d, %d): %v", name, sub, c0, c1, err)
							}
							for k, i := range sub {
								if !slices.Equal(dst[k*(c1-c0):(k+1)*(c1-c0)], want[i*cols+c0:i*cols+c1]) {
									t.Fatalf("%s: ReadRowColumns(%v, %d, %d) row %d = %v", name, sub, c0, c1, i, dst)
								}
							}
						}
					}
				}
			}
		}
	}
}

func TestWrite(t *testing.T) {
	var buf bytes.Buffer
	vals := []float32{1.5, -2, float32(math.Inf(1)), 3e-42, 0, 7}
	if err := Write(&buf, []int{2, 3}, vals); err != nil {
		t.Fatal(err)
	}
	want := "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
	if !strings.HasPrefix(buf.String(), want) || buf.Len() != 128+24 || buf.Bytes()[127] != '\n' {
		t.Errorf("Write output %q", buf.String())
	}
	h, got, err := Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || h.DType != "<f4" || !slices.Equal(h.Shape, []int{2, 3}) {
		t.Fatalf("%+v %v", h, err)
	}
	for i := range vals {
		if float32(got[i]) != vals[i] {
			t.Errorf("[%d] = %g, want %g", i, got[i], vals[i])
		}
	}
	// float64, rank 1, and a long enough run to cross the write buffer.
	big := make([]float64, 10000)
	for i := range big {
		big[i] = float64(i) / 3
	}
	buf.Reset()
	if err := Write(&buf, []int{10000}, big); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "'shape': (10000,)") {
		t.Error("rank-1 shape not written as a 1-tuple")
	}
	if _, got, err := Read(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil || !slices.Equal(got, big) {
		t.Errorf("float64 round trip: %v", err)
	}
	// A shape whose header does not fit version 1.
	long := slices.Repeat([]int{1}, 64)
	buf.Reset()
	hdr := header("<f8", false, long)
	if hdr[6] != 1 {
		t.Error("64 dims should fit a v1 header")
	}
	if err := Write(&buf, []int{2}, []int{1, 2}); err == nil {
		t.Error("Write([]int) succeeded")
	}
	if err := Write(&buf, []int{2, 2}, []float64{1}); err == nil {
		t.Error("Write with a wrong length succeeded")
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.npy")
	var buf bytes.Buffer
	Write(&buf, []int{3, 2}, []float64{1, 2, 3, 4, 5, 6})
	os.WriteFile(path, buf.Bytes(), 0o644)
	h, data, err := ReadFile(path)
	if err != nil || h.Rows() != 3 || h.Cols() != 2 || data[5] != 6 {
		t.Fatalf("%+v %v %v", h, data, err)
	}
	// The example of the design: a truncated float32 file.
	file := build(1, dict("<f4", false, []int{2000, 100}), make([]byte, 1234))
	os.WriteFile(path, file, 0o644)
	_, _, err = ReadFile(path)
	want := path + ": truncated data: header says 2000×100 float32 (800000 bytes), file has 1234"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	if _, _, err = ReadFile(filepath.Join(dir, "none.npy")); err == nil || err.Error() != filepath.Join(dir, "none.npy")+": no such file or directory" {
		t.Errorf("missing file: %v", err)
	}
	if _, _, err = ReadFile(dir); err == nil || err.Error() != dir+": is a directory" {
		t.Errorf("directory: %v", err)
	}
}

func TestDescr(t *testing.T) {
	ok := map[string]string{
		"<f8": "float64", "=f8": "float64", ">f4": "float32 big-endian", "<f2": "float16", "|i1": "int8", ">i1": "int8",
		"<i8": "int64", "|u1": "uint8", ">u2": "uint16 big-endian", "|b1": "bool", "?": "bool", "f4": "float32",
	}
	for d, want := range ok {
		h := &Header{DType: d}
		if got := h.TypeName(); got != want {
			t.Errorf("%q: %q, want %q", d, got, want)
		}
	}
	for _, d := range []string{"<c16", "<U5", "|O", "<M8[ns]", "<f16", "<f3", "<b2", "", "<", "|S10", "<V8"} {
		if _, err := parseDescr(d); err == nil || !strings.Contains(err.Error(), "unsupported dtype") {
			t.Errorf("%q: %v", d, err)
		}
	}
}

func TestHeaderVariants(t *testing.T) {
	cases := []struct {
		dict  string
		shape []int
	}{
		{`{"descr": "<f8", "fortran_order": False, "shape": (2, 1)}`, []int{2, 1}},
		{`{'shape': (2L, 1L), 'descr': '<f8', 'fortran_order': False,}`, []int{2, 1}},
		{"{ 'descr' : '<f8' ,\t'fortran_order' : False , 'shape' : ( 2 , 1 , ) , }", []int{2, 1}},
	}
	for _, c := range cases {
		file := build(1, c.dict, make([]byte, 16))
		h, _, err := Read(bytes.NewReader(file), int64(len(file)))
		if err != nil || !slices.Equal(h.Shape, c.shape) {
			t.Errorf("%s: %+v %v", c.dict, h, err)
		}
	}
}

func TestErrors(t *testing.T) {
	okDict := dict("<f8", false, []int{2, 2})
	v2len := func(n uint32) []byte {
		return binary.LittleEndian.AppendUint32([]byte(Magic+"\x02\x00"), n)
	}
	cases := []struct {
		name string
		file []byte
		size int64 // 0: len(file)
		want string
	}{
		{"wrong magic", []byte("PK\x03\x04 not an npy file at all"), 0, `not a .npy file: wrong magic "PK\x03\x04 n"`},
		{"short wrong magic", []byte("abc"), 0, `not a .npy file: wrong magic "abc"`},
		{"empty", nil, 0, "empty file"},
		{"short magic", []byte("\x93NUM"), 0, "truncated header: file has only 4 bytes"},
		{"version", []byte(Magic + "\x04\x00\x10\x00"), 0, "unsupported .npy format version 4.0"},
		{"no length", []byte(Magic + "\x01\x00\x10"), 0, "truncated header: file ends in the header length"},
		{"header too large", v2len(1 << 30), 0, "header too large: 1073741824 bytes (limit 1048576)"},
		{"header truncated", append(v2len(1000), "{'descr'"...), 0, "truncated header: header length 1000 but only 8 bytes follow"},
		{"not closed", build(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), ", nil), 0, "bad header: dict not closed"},
		{"tuple not closed", build(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2", nil), 0, "bad header: shape tuple not closed"},
		{"string not closed", build(1, "{'descr': '<f8", nil), 0, "bad header: string at byte 10 not closed"},
		{"not a dict", build(1, "['descr']", nil), 0, `bad header: not a dict literal: "['descr']`},
		{"syntax", build(1, "{'descr' '<f8'}", nil), 0, `bad header: expected ':' after "descr" at byte 9`},
		{"comma", build(1, "{'descr': '<f8' 'shape': ()}", nil), 0, "bad header: expected ',' or '}' at byte 16"},
		{"text after", build(1, okDict+" x", make([]byte, 32)), 0, "bad header: text after the dict"},
		{"unknown key", build(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", nil), 0, `bad header: unexpected key "x"`},
		{"duplicate key", build(1, "{'descr': '<f8', 'descr': '<f8'}", nil), 0, `bad header: duplicate key "descr"`},
		{"missing shape", build(1, "{'descr': '<f8', 'fortran_order': False}", nil), 0, `bad header: no "shape" key`},
		{"fortran value", build(1, "{'descr': '<f8', 'fortran_order': 0, 'shape': ()}", nil), 0, "fortran_order is not True or False"},
		{"unknown dtype", build(1, dict("<c16", false, []int{2, 2}), make([]byte, 64)), 0, `unsupported dtype "<c16"`},
		{"structured", build(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,)}", nil), 0, "unsupported dtype: structured array"},
		{"negative dim", build(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (-1, 3)}", nil), 0, "shape entry at byte 51 is not a non-negative integer"},
		{"float dim", build(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2.5,)}", nil), 0, "expected ',' or ')' in shape"},
		{"huge dim", build(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}", nil), 0, "shape entry 99999999999999999999 too large"},
		{"overflow", build(1, dict("<f8", false, []int{1e18, 1e18}), nil), 0, "bad header: shape 1000000000000000000×1000000000000000000 has too many elements"},
		{"1e18 elements", build(1, dict("<f8", false, []int{1e18}), make([]byte, 16)), 0, "truncated data: header says 1000000000000000000 float64 (8000000000000000000 bytes), file has 16"},
		{"1e18 int64 bytes", build(1, dict("<f8", false, []int{1e18, 2}), make([]byte, 16)), 0, "truncated data: header says 1000000000000000000×2 float64 (too many bytes), file has 16"},
		{"1e18 elements unknown size", build(1, dict("<f8", false, []int{1e18, 2}), make([]byte, 16)), -1, "bad header: 1000000000000000000×2 float64 (too many bytes) is too large"},
		{"truncated", build(1, okDict, make([]byte, 31)), 0, "truncated data: header says 2×2 float64 (32 bytes), file has 31"},
		{"extra data", build(1, okDict, make([]byte, 40)), 0, "data length mismatch: header says 2×2 float64 (32 bytes), file has 40"},
		{"stream ends", build(1, okDict, make([]byte, 31)), -1, "truncated data: header says 2×2 float64 (32 bytes), stream ended early"},
		{"v3 not utf-8", build(3, "{'descr': '<f8', 'fortran_order': False, 'shape': (), '\xff': 1}", nil), 0, "bad header: version 3 header is not valid UTF-8"},
	}
	for _, c := range cases {
		size := c.size
		if size == 0 {
			size = int64(len(c.file))
		}
		_, _, err := Read(bytes.NewReader(c.file), size)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v\n\twant it to contain %q", c.name, err, c.want)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: multi-line error %q", c.name, err)
		}
	}
}

func TestReadColumnsErrors(t *testing.T) {
	file := build(1, dict("<f4", false, []int{3, 4}), make([]byte, 40)) // 8 bytes short
	h, err := ReadHeader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if err := ReadColumns(bytes.NewReader(file), h, 2, 4, make([]float64, 6)); err == nil || !strings.Contains(err.Error(), "truncated data") {
		t.Errorf("short file: %v", err)
	}
	if err := ReadColumns(bytes.NewReader(file), h, 0, 4, make([]float64, 12)); err == nil {
		t.Error("short file read")
	}
	for _, r := range [][3]int{{-1, 2, 9}, {2, 1, 0}, {0, 5, 15}, {0, 2, 5}} {
		func() {
			defer func() {
				if p := recover(); p == nil || !strings.HasPrefix(fmt.Sprint(p), "npy: ReadColumns") {
					t.Errorf("ReadColumns%v: panic %v", r, p)
				}
			}()
			ReadColumns(bytes.NewReader(file), h, r[0], r[1], make([]float64, r[2]))
		}()
	}
	for _, rows := range [][]int{{3}, {-1}, {0, 1, 2, 7}} {
		func() {
			defer func() {
				if p := recover(); p == nil || !strings.HasPrefix(fmt.Sprint(p), "npy: ReadRowColumns") {
					t.Errorf("ReadRowColumns(%v): panic %v", rows, p)
				}
			}()
			ReadRowColumns(bytes.NewReader(file), h, rows, 0, 1, make([]float64, len(rows)))
		}()
	}
	if err := ReadRowColumns(bytes.NewReader(file), h, []int{0, 2}, 0, 4, make([]float64, 8)); err == nil || !strings.Contains(err.Error(), "truncated data") {
		t.Errorf("short file, rows 0 and 2: %v", err)
	}
}

func FuzzNPY(f *testing.F) {
	for _, ty := range allTypes[:6] {
		f.Add(build(1, dict(descr(ty), false, []int{3, 2}), encodeArray(ty, false, []int{3, 2}, testValues(ty, 6))))
	}
	f.Add(build(2, dict(">f4", true, []int{2, 3, 2}), encodeArray(dtype.Type{Kind: dtype.Float, Size: 4, BigEndian: true}, true, []int{2, 3, 2}, testValues(dtype.Type{Kind: dtype.Float, Size: 4}, 12))))
	f.Add(build(3, dict("|b1", false, []int{}), []byte{1}))
	f.Add(build(1, dict("<f8", false, []int{1e18}), make([]byte, 16)))
	f.Add(build(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,", nil))
	f.Add([]byte("\x93NUMPY\x02\x00"))
	f.Fuzz(func(t *testing.T, file []byte) {
		h, data, err := Read(bytes.NewReader(file), int64(len(file)))
		// The streamed path (Open: header, then CheckDataLen) accepts the
		// same files, with the same message.
		hs, errs := ReadHeader(bytes.NewReader(file))
		if errs == nil {
			errs = hs.CheckDataLen(int64(len(file)) - hs.DataOffset)
		}
		if (err == nil) != (errs == nil) || err != nil && errs != nil && err.Error() != errs.Error() {
			t.Fatalf("paths disagree: Read %v, streamed %v", err, errs)
		}
		// Memory follows the data present, whatever the header says.
		if _, d2, err2 := Read(bytes.NewReader(file), -1); err == nil && (err2 != nil || len(d2) != h.Len()) {
			t.Fatalf("unknown size: %d values, %v", len(d2), err2)
		}
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error %q", err)
			}
			return
		}
		if len(data) != h.Len() {
			t.Fatalf("%d values for shape %v", len(data), h.Shape)
		}
		// ReadValues (float32 kept as float32) reads the same values.
		if _, v, err := ReadValues(bytes.NewReader(file), int64(len(file))); err != nil || v.Len() != len(data) {
			t.Fatalf("ReadValues: %d values, %v", v.Len(), err)
		} else {
			for i, x := range v.Float64() {
				if math.Float64bits(x) != math.Float64bits(data[i]) && !(math.IsNaN(x) && math.IsNaN(data[i])) {
					t.Fatalf("ReadValues [%d] = %g, Read %g", i, x, data[i])
				}
			}
		}
		cols := h.Cols()
		dst := make([]float64, h.Rows()*cols)
		if err := ReadColumns(bytes.NewReader(file), h, 0, cols, dst); err != nil {
			t.Fatalf("ReadColumns after Read: %v", err)
		}
		for i := range dst {
			if math.Float64bits(dst[i]) != math.Float64bits(data[i]) && !(math.IsNaN(dst[i]) && math.IsNaN(data[i])) {
				t.Fatalf("ReadColumns [%d] = %g, Read %g", i, dst[i], data[i])
			}
		}
	})
}

func TestZeroRowsHugeColumns(t *testing.T) {
	file := build(1, dict("<f8", false, []int{0, 1 << 40, 1 << 40}), nil)
	if _, _, err := Read(bytes.NewReader(file), int64(len(file))); err == nil || !strings.Contains(err.Error(), "too many elements") {
		t.Errorf("0×2⁴⁰×2⁴⁰: %v", err)
	}
	file = build(1, dict("<f8", false, []int{0, 1 << 20, 1 << 20}), nil)
	h, data, err := Read(bytes.NewReader(file), int64(len(file)))
	if err != nil || len(data) != 0 || h.Cols() != 1<<40 {
		t.Errorf("0×2²⁰×2²⁰: %v %v", h, err)
	}
}

func TestFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.npy")
	vals := make([]float32, 7*5)
	for i := range vals {
		vals[i] = float32(i)
	}
	var buf bytes.Buffer
	Write(&buf, []int{7, 5}, vals)
	os.WriteFile(path, buf.Bytes(), 0o644)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]float64, 7*2)
	if err := f.ReadColumns(3, 5, dst); err != nil {
		t.Fatal(err)
	}
	for i := range 7 {
		if dst[2*i] != float64(5*i+3) || dst[2*i+1] != float64(5*i+4) {
			t.Fatalf("row %d: %v", i, dst[2*i:2*i+2])
		}
	}
	if f.Rows() != 7 || f.Cols() != 5 || f.Close() != nil {
		t.Error("header or Close")
	}
	os.WriteFile(path, buf.Bytes()[:buf.Len()-1], 0o644)
	if _, err := Open(path); err == nil || err.Error() != path+": truncated data: header says 7×5 float32 (140 bytes), file has 139" {
		t.Errorf("truncated: %v", err)
	}
	os.WriteFile(path, append(buf.Bytes(), 0), 0o644)
	if _, err := Open(path); err == nil || !strings.HasPrefix(err.Error(), path+": data length mismatch") {
		t.Errorf("long: %v", err)
	}
	os.WriteFile(path, []byte("junk"), 0o644)
	if _, err := Open(path); err == nil || !strings.HasPrefix(err.Error(), path+": not a .npy file") {
		t.Errorf("junk: %v", err)
	}
	if _, err := Open(dir); err == nil {
		t.Error("Open(dir) succeeded")
	}
}
