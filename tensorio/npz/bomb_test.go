package npz

import (
	"bytes"
	"hash/crc32"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/intdim/intdim/internal/hostile/craft"
	"github.com/intdim/intdim/tensorio/npy"
)

// npyHeader returns numpy's .npy header for descr and shape (C order).
func npyHeader(descr string, shape []int) []byte { return npy.EncodeHeader(descr, false, shape) }

// rawMember returns an archive with one deflated member m.npy whose
// compressed bytes are the deflate stream of body, and whose directory
// declares size bytes (uncompressed) and the CRC crc: a liar when they
// are not body's.
func rawMember(t testing.TB, body []byte, size uint64, crc uint32) []byte {
	return craft.DeflatedZip(t, "m.npy", body, size, crc)
}

// honest returns an archive whose member m.npy holds body, truthfully.
func honest(t testing.TB, body []byte) []byte {
	return rawMember(t, body, uint64(len(body)), crc32.ChecksumIEEE(body))
}

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

func read(b []byte, maxBytes int64) (*npy.Header, []float64, error) {
	r, err := NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, nil, err
	}
	r.MaxBytes = maxBytes
	return r.Read("m")
}

// TestDeflateBomb checks that a deflated member of a few hundred KB that
// expands to 16 MiB of uint8 zeros (128 MiB as float64) is refused before
// anything is decompressed when it does not fit the budget, and is read
// right, with a first pass that keeps nothing, when it does.
func TestDeflateBomb(t *testing.T) {
	shape := []int{4096, 4096}
	body := append(npyHeader("|u1", shape), make([]byte, 4096*4096)...)
	b := honest(t, body)
	if len(b) > 1<<20 {
		t.Fatalf("bomb is %d bytes", len(b))
	}
	var err error
	if n := allocated(func() { _, _, err = read(b, 32<<20) }); n > 4<<20 {
		t.Errorf("allocated %d bytes before refusing", n)
	}
	want := `member "m": 4096×4096 uint8 expands to 128 MiB in memory, more than the budget of 32 MiB (from `
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("over budget: %v\n\twant %s…", err, want)
	}
	h, data, err := read(b, 1<<30)
	if err != nil || h.Len() != len(data) || len(data) != 4096*4096 {
		t.Fatalf("within budget: %v", err)
	}
	for _, v := range data {
		if v != 0 {
			t.Fatal("nonzero value")
		}
	}
}

// TestLyingSizes checks members whose zip directory or .npy header claim
// more than the compressed stream holds: refused, naming the member, with
// no allocation of the claimed size.
func TestLyingSizes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 200<<10) // incompressible
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	// The header and the directory agree on 128 MiB of uint8 (1 GiB as
	// float64) within deflate's 1032:1 bound, but the stream holds 200 KiB.
	shape := []int{1 << 17, 1024}
	hdr := npyHeader("|u1", shape)
	body := append(hdr, noise...)
	size := uint64(len(hdr)) + 1<<27
	lie := rawMember(t, body, size, crc32.ChecksumIEEE(body))
	var err error
	if n := allocated(func() { _, _, err = read(lie, 4<<30) }); n > 8<<20 {
		t.Errorf("allocated %d bytes for a 200 KiB stream", n)
	}
	want := `member "m": truncated data: the zip entry declares 134217728 data bytes, its compressed stream ends before`
	if err == nil || err.Error() != want {
		t.Errorf("lying directory: %v\n\twant %s", err, want)
	}
	// The same size, truthful, but with a wrong CRC: found by the first pass.
	full := append(hdr, make([]byte, 1<<27)...)
	if _, _, err := read(rawMember(t, full, uint64(len(full)), 12345), 4<<30); err == nil || err.Error() != `member "m": checksum mismatch: corrupt archive` {
		t.Errorf("bad CRC: %v", err)
	}
	// The .npy header claims more, or less, than the directory declares.
	small := append(npyHeader("<f8", []int{2, 2}), make([]byte, 32)...)
	big := append(npyHeader("<f8", []int{1 << 20, 1 << 10}), make([]byte, 32)...)
	if _, _, err := read(honest(t, big), 0); err == nil || err.Error() != `member "m": truncated data: header says 1048576×1024 float64 (8589934592 bytes), file has 32` {
		t.Errorf("header claims more: %v", err)
	}
	if _, _, err := read(honest(t, append(small, 0, 0, 0, 0, 0, 0, 0, 0)), 0); err == nil || err.Error() != `member "m": data length mismatch: header says 2×2 float64 (32 bytes), file has 40` {
		t.Errorf("header claims less: %v", err)
	}
	// The directory declares less than the stream holds: never read past it.
	if _, _, err := read(rawMember(t, append(small, make([]byte, 1<<20)...), uint64(len(small)), crc32.ChecksumIEEE(small)), 0); err == nil || !strings.HasPrefix(err.Error(), `member "m": `) {
		t.Errorf("stream longer than declared: %v", err)
	}
	if _, data, err := read(honest(t, small), 0); err != nil || len(data) != 4 {
		t.Errorf("truthful member: %v %v", data, err)
	}
}

// TestOverlappingMembers checks that an archive whose directory points two
// members at the same bytes (so that n entries would give n arrays from
// one member's data) is refused, naming the members.
func TestOverlappingMembers(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Add("a", []int{100, 10}, make([]float64, 1000))
	w.Add("b", []int{100, 10}, make([]float64, 1000))
	w.Close()
	b := buf.Bytes()
	if _, err := NewReader(bytes.NewReader(b), int64(len(b))); err != nil {
		t.Fatal(err)
	}
	// Point b's central directory entry at a's local header.
	cdA := bytes.Index(b, []byte("PK\x01\x02"))
	cdB := cdA + 4 + bytes.Index(b[cdA+4:], []byte("PK\x01\x02"))
	copy(b[cdB+42:cdB+46], b[cdA+42:cdA+46])
	_, err := NewReader(bytes.NewReader(b), int64(len(b)))
	if err == nil || !strings.HasPrefix(err.Error(), `member "b": its data overlap those of member "a"`) && !strings.HasPrefix(err.Error(), `member "a": its data overlap those of member "b"`) {
		t.Errorf("overlapping members: %v", err)
	}
}
