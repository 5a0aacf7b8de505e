package npz

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/intdim/intdim/tensorio/npy"
)

type member struct {
	name  string
	shape []int
	data  []float64
}

var members = []member{
	{"zeta", []int{2, 3}, []float64{1, 2, 3, 4, 5, 6}},
	{"alpha", []int{3}, []float64{-1, 0, 1}},
	{"mid", []int{2, 2, 2}, []float64{8, 7, 6, 5, 4, 3, 2, 1}},
}

func archive(t testing.TB, deflate bool) []byte {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Deflate = deflate
	for _, m := range members {
		if err := w.Add(m.name, m.shape, m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	for _, deflate := range []bool{false, true} {
		b := archive(t, deflate)
		r, err := NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Names(); !slices.Equal(got, []string{"zeta", "alpha", "mid"}) {
			t.Errorf("deflate=%v: names %v (want member order)", deflate, got)
		}
		for _, m := range members {
			h, data, err := r.Read(m.name)
			if err != nil || !slices.Equal(h.Shape, m.shape) || !slices.Equal(data, m.data) {
				t.Errorf("deflate=%v %s: %v %v %v", deflate, m.name, h, data, err)
			}
			h2, err := r.Header(m.name)
			if err != nil || h2.DType != "<f8" || !slices.Equal(h2.Shape, m.shape) {
				t.Errorf("Header(%s) = %+v, %v", m.name, h2, err)
			}
		}
		zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		want := zip.Store
		if deflate {
			want = zip.Deflate
		}
		if zr.File[0].Method != want {
			t.Errorf("method %d, want %d", zr.File[0].Method, want)
		}
	}
}

// TestForeignArchive reads a zip written member by member, as numpy does,
// with a float32 Fortran-order array and non-.npy members that are skipped.
func TestForeignArchive(t *testing.T) {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, _ := z.Create("notes.txt")
	w.Write([]byte("hello"))
	z.Create("dir/")
	w, _ = z.CreateHeader(&zip.FileHeader{Name: "arr_0.npy", Method: zip.Deflate})
	w.Write(npy.EncodeHeader("<f4", true, []int{2, 3}))
	for _, v := range []float32{1, 4, 2, 5, 3, 6} { // column-major
		binary.Write(w, binary.LittleEndian, v)
	}
	z.Close()
	r, err := NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Names(), []string{"arr_0"}) {
		t.Fatalf("names %v", r.Names())
	}
	_, data, err := r.Read("arr_0")
	if err != nil || !slices.Equal(data, []float64{1, 2, 3, 4, 5, 6}) {
		t.Errorf("%v %v", data, err)
	}
}

func TestErrors(t *testing.T) {
	stored := archive(t, false)
	check := func(name string, b []byte, member, want string) {
		t.Helper()
		r, err := NewReader(bytes.NewReader(b), int64(len(b)))
		if err == nil {
			_, _, err = r.Read(member)
		}
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want it to contain %q", name, err, want)
		}
	}
	check("not zip", []byte("\x93NUMPY not a zip"), "a", "not a .npz file: not a valid zip archive")
	check("empty", nil, "a", "not a .npz file")
	check("unknown", stored, "beta", `no array "beta"; the archive holds: zeta, alpha, mid`)

	// Flip a data byte of the first (stored) member: the CRC catches it.
	bad := slices.Clone(stored)
	i := bytes.Index(bad, []byte("\x00\x00\x00\x00\x00\x00\xf0\x3f")) // 1.0
	bad[i+6] ^= 1
	check("checksum", bad, "zeta", `member "zeta": checksum mismatch: corrupt archive`)

	// Claim a larger uncompressed size in the central directory.
	big := slices.Clone(stored)
	cd := bytes.Index(big, []byte("PK\x01\x02"))
	binary.LittleEndian.PutUint32(big[cd+24:], 1<<31)
	check("implausible size", big, "zeta", `member "zeta": implausible size 2147483648`)
	big = slices.Clone(stored)
	binary.LittleEndian.PutUint32(big[cd+20:], 1<<31) // compressed size
	binary.LittleEndian.PutUint32(big[cd+24:], 1<<31)
	check("compressed size beyond the archive", big, "zeta", `member "zeta": implausible size 2147483648 for 2147483648 compressed bytes`)

	// A member whose .npy header claims more data than it holds.
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, _ := z.Create("a.npy")
	hdr := "{'descr': '<f8', 'fortran_order': False, 'shape': (1000, 3), }"
	w.Write(append([]byte("\x93NUMPY\x01\x00"), byte(len(hdr)), 0))
	w.Write([]byte(hdr))
	w.Write(make([]byte, 80))
	z.Close()
	check("truncated member", buf.Bytes(), "a", `member "a": truncated data: header says 1000×3 float64 (24000 bytes), file has 80`)

	// An unsupported compression method.
	buf.Reset()
	z = zip.NewWriter(&buf)
	z.RegisterCompressor(99, func(w io.Writer) (io.WriteCloser, error) { return nopCloser{w}, nil })
	w, _ = z.CreateHeader(&zip.FileHeader{Name: "a.npy", Method: 99})
	w.Write([]byte("x"))
	z.Close()
	check("method", buf.Bytes(), "a", `member "a": unsupported compression method 99`)

	// Corrupt deflate data.
	def := archive(t, true)
	lh := bytes.Index(def, []byte("PK\x03\x04"))
	for k := lh + 30 + len("zeta.npy"); k < lh+60+len("zeta.npy"); k++ {
		def[k] = 0xff
	}
	check("corrupt deflate", def, "zeta", `member "zeta": `)

	// Truncated archive.
	check("truncated zip", stored[:len(stored)/2], "zeta", "not a .npz file")

	// Duplicate members.
	buf.Reset()
	z = zip.NewWriter(&buf)
	z.Create("a.npy")
	z.Create("a.npy")
	z.Close()
	check("duplicate", buf.Bytes(), "a", `duplicate member "a.npy"`)

	wr := NewWriter(io.Discard)
	if wr.Add("x", []int{1}, []float64{1}); wr.Add("x", []int{1}, []float64{1}) == nil {
		t.Error("duplicate Add succeeded")
	}
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// FuzzNPZ reads arbitrary bytes as an archive, and the same bytes as the
// member of a valid archive (stored and deflated), so that the fuzzer
// reaches the member streaming past the zip structure and its CRC; and as
// a deflated member whose directory declares the size and CRC given (a
// liar, mostly), read with and without the first verifying pass, so that
// it reaches the checks of declared sizes against the .npy header and the
// budget. Its inputs are large, so fuzz it with -fuzzminimizetime 1x: with
// the default the engine spends most of its time minimizing.
func FuzzNPZ(f *testing.F) {
	var npyFile bytes.Buffer
	npy.Write(&npyFile, []int{3, 2}, []float32{1, 2, 3, 4, 5, 6})
	b := npyFile.Bytes()
	crc := crc32.ChecksumIEEE(b)
	f.Add(archive(f, false), uint32(0), uint32(0))
	f.Add(archive(f, true), uint32(0), uint32(0))
	f.Add(b, uint32(len(b)), crc)
	f.Add(b, uint32(len(b)+1000), crc)
	f.Add(b[:70], uint32(len(b)), crc)
	f.Add(append(npyHeader("|u1", []int{1 << 12, 1 << 10}), make([]byte, 100)...), uint32(128+1<<22), uint32(0))
	f.Add([]byte("PK\x05\x06"+strings.Repeat("\x00", 18)), uint32(22), uint32(0))
	defer func(v int64) { verifyBytes = v }(verifyBytes)
	f.Fuzz(func(t *testing.T, b []byte, declared, crc uint32) {
		readAll(t, b)
		for _, method := range []uint16{zip.Store, zip.Deflate} {
			var buf bytes.Buffer
			z := zip.NewWriter(&buf)
			w, _ := z.CreateHeader(&zip.FileHeader{Name: "m.npy", Method: method})
			w.Write(b)
			z.Close()
			readAll(t, buf.Bytes())
		}
		lie := rawMember(t, b, uint64(declared), crc)
		for _, v := range []int64{0, 64 << 20} {
			verifyBytes = v
			readAll(t, lie)
		}
	})
}

func readAll(t *testing.T, b []byte) {
	r, err := NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("multi-line error %q", err)
		}
		return
	}
	const budget = 256 << 20
	r.MaxBytes = budget
	for _, name := range r.Names() {
		h, data, err := r.Read(name)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error %q", err)
			}
			continue
		}
		if len(data) != h.Len() {
			t.Fatalf("%s: %d values for shape %v", name, len(data), h.Shape)
		}
		if r.Used > budget || int64(len(data)) > max(int64(len(b)), r.Used/8) {
			t.Fatalf("%s: %d values from %d bytes, %d of the budget", name, len(data), len(b), r.Used)
		}
		// The typed reader (float32 kept) passes the same checks.
		r.Used = 0
		if _, v, err := r.ReadValues(name); err != nil || v.Len() != len(data) {
			t.Fatalf("%s: ReadValues: %d values, %v", name, v.Len(), err)
		}
	}
}
