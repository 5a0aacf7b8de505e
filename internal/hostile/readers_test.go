//go:build unix

package hostile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/intdim/intdim/internal/hostile/craft"
	"github.com/intdim/intdim/tensorio/npy"
	"github.com/intdim/intdim/tensorio/npz"
)

// TestReaders: hostile tensor files and directories (issue 9: npz bombs,
// FIFOs and devices, dangling links and loops, truncated, padded and lying
// .npy files, safetensors with gaps and overlaps) are refused with the
// file named, quickly and in bounded memory.
func TestReaders(t *testing.T) {
	x := Points("x.npy", 50, 4)
	layers := Setups(Points("l1.npy", 50, 4), Points("l2.npy", 50, 5), Points("l3.npy", 50, 6))
	in := func(dir string, s func(*testing.T, string)) func(*testing.T, string) {
		return func(t *testing.T, root string) {
			p := filepath.Join(root, dir)
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			s(t, p)
		}
	}
	est := func(a ...string) []string { return append([]string{"estimate"}, a...) }
	prof := func(a ...string) []string { return append([]string{"profile", "--quiet"}, a...) }
	Run(t, []Case{
		// npz: deflated members that expand far beyond their file.
		{Name: "npz bomb over --mem", Args: est("--mem", "256M", "bomb.npz"), Setup: zerosNPZ("bomb.npz", 8192, 8192), Exit: 2,
			Stderr: `bomb.npz: member "x": 8192×8192 uint8 expands to 512 MiB in memory, more than the budget of 256 MiB`, MaxRSS: 200 << 20},
		{Name: "npz bomb profile over --mem", Args: prof("--mem", "256M", "bomb.npz"), Setup: zerosNPZ("bomb.npz", 8192, 8192), Exit: 2,
			Stderr: `more than the budget of 256 MiB`, MaxRSS: 200 << 20},
		{Name: "npz lying directory", Args: est("lie.npz"), Setup: lyingNPZ("lie.npz"), Exit: 2,
			Stderr: `lie.npz: member "x": truncated data: the zip entry declares 134217728 data bytes, its compressed stream ends before`, MaxRSS: 200 << 20},
		{Name: "npz lying npy header", Args: est("lie.npz"), Setup: rawNPZ("lie.npz", append(npyHeader("<f8", []int{1 << 20, 1 << 10}), make([]byte, 64)...), 0, 0), Exit: 2,
			Stderr: `lie.npz: member "x": truncated data: header says 1048576×1024 float64 (8589934592 bytes), file has 64`, MaxRSS: 200 << 20},
		{Name: "npz overlapping members", Args: est("dup.npz:b"), Setup: overlappingNPZ("dup.npz"), Exit: 2,
			Stderr: `dup.npz: member "b": its data overlap those of member "a"`},

		// Non-regular files: refused by name, never opened for reading.
		{Name: "fifo as input", Args: est("pipe.npy"), Setup: fifo("pipe.npy"), Exit: 2, Stderr: "pipe.npy: not a regular file (a named pipe (FIFO))"},
		{Name: "fifo as streamed input", Args: est("--mem", "1K", "pipe.npy"), Setup: fifo("pipe.npy"), Exit: 2, Stderr: "pipe.npy: not a regular file (a named pipe (FIFO))"},
		{Name: "fifo npz as input", Args: est("pipe.npz:x"), Setup: fifo("pipe.npz"), Exit: 2, Stderr: "pipe.npz: not a regular file (a named pipe (FIFO))"},
		{Name: "fifo safetensors in profile", Args: prof("x.npy", "pipe.safetensors"), Setup: Setups(x, fifo("pipe.safetensors")), Exit: 2, Stderr: "pipe.safetensors: not a regular file"},
		{Name: "fifo in profile dir", Args: prof("acts"), Setup: in("acts", Setups(layers, fifo("l4.npy"))), Exit: 2, Stderr: "l4.npy: not a regular file (a named pipe (FIFO))"},
		{Name: "device link as input", Args: est("zero.npy"), Setup: link("zero.npy", "/dev/zero"), Exit: 2, Stderr: "zero.npy: not a regular file (a character device)"},
		{Name: "device link in profile dir", Args: prof("acts"), Setup: in("acts", Setups(layers, link("l0.npz", "/dev/zero"))), Exit: 2, Stderr: "l0.npz: not a regular file (a character device)"},
		{Name: "device as input", Args: est("/dev/zero"), Exit: 2, Stderr: "/dev/zero: unsupported file type"},

		// Directory entries that cannot be read are errors, not gaps.
		{Name: "dangling link in profile dir", Args: prof("acts"), Setup: in("acts", Setups(layers, link("l4.npy", "gone.npy"))), Exit: 2, Stderr: "l4.npy: no such file or directory"},
		{Name: "link loop in profile dir", Args: prof("acts"), Setup: in("acts", Setups(layers, link("l4.npy", "l4.npy"))), Exit: 2, Stderr: "l4.npy: too many levels of symbolic links"},
		{Name: "dangling link as input", Args: est("gone.npy"), Setup: link("gone.npy", "nowhere.npy"), Exit: 2, Stderr: "gone.npy: no such file or directory"},
		{Name: "only unsupported files", Args: prof("acts"), Setup: in("acts", Setups(File("a.csv", []byte("1,2\n")), File("notes.txt", nil))), Exit: 2,
			Stderr: "acts: no .npy, .npz, .safetensors, .pt or .pth files in it, only 2 other entries: a.csv, notes.txt"},

		// .npy: one rule for the loaded and the streamed paths.
		{Name: "npy trailing bytes", Args: est("x.npy"), Setup: Setups(x, appendTo("x.npy", 8)), Exit: 2, Stderr: "x.npy: data length mismatch: header says 50×4 float64 (1600 bytes), file has 1608"},
		{Name: "npy trailing bytes streamed", Args: est("--mem", "1K", "x.npy"), Setup: Setups(x, appendTo("x.npy", 8)), Exit: 2, Stderr: "x.npy: data length mismatch: header says 50×4 float64 (1600 bytes), file has 1608"},
		{Name: "npy trailing bytes profile streamed", Args: prof("--mem", "1K", "x.npy"), Setup: Setups(x, appendTo("x.npy", 8)), Exit: 2, Stderr: "x.npy: data length mismatch"},
		{Name: "npy truncated", Args: est("x.npy"), Setup: Setups(x, appendTo("x.npy", -8)), Exit: 2, Stderr: "x.npy: truncated data: header says 50×4 float64 (1600 bytes), file has 1592"},
		{Name: "npy truncated streamed", Args: est("--mem", "1K", "x.npy"), Setup: Setups(x, appendTo("x.npy", -8)), Exit: 2, Stderr: "x.npy: truncated data: header says 50×4 float64 (1600 bytes), file has 1592"},
		{Name: "npy lying header", Args: est("x.npy"), Setup: File("x.npy", append(npyHeader("<f4", []int{1e12, 1000}), make([]byte, 100)...)), Exit: 2,
			Stderr: "x.npy: truncated data: header says 1000000000000×1000 float32 (4000000000000000 bytes), file has 100", MaxRSS: 200 << 20},
		{Name: "npy lying header streamed", Args: est("--mem", "1K", "x.npy"), Setup: File("x.npy", append(npyHeader("<f4", []int{1e12, 1000}), make([]byte, 100)...)), Exit: 2,
			Stderr: "x.npy: truncated data", MaxRSS: 200 << 20},

		// safetensors: tensors must tile the data.
		{Name: "safetensors gap", Args: est("g.safetensors:b"), Setup: File("g.safetensors", stFile(32, st("a", 0, 16), st("b", 24, 32))), Exit: 2,
			Stderr: `g.safetensors: bad header: tensor "b" starts at byte 24 of the data but tensor "a" ends at 16, a gap of 8 bytes`},
		{Name: "safetensors overlap", Args: est("o.safetensors:b"), Setup: File("o.safetensors", stFile(24, st("a", 0, 16), st("b", 8, 24))), Exit: 2,
			Stderr: `o.safetensors: bad header: tensor "b" at bytes [8, 24) of the data overlaps tensor "a" at [0, 16)`},
		{Name: "safetensors aliased many times", Args: prof("alias.safetensors"), Setup: File("alias.safetensors", aliased(1000)), Exit: 2,
			Stderr: `overlaps tensor`, MaxRSS: 200 << 20},
		{Name: "safetensors trailing data", Args: est("t.safetensors"), Setup: File("t.safetensors", stFile(40, st("a", 0, 32))), Exit: 2,
			Stderr: `t.safetensors: bad header: 8 bytes of data after the last tensor, "a"`},
	})
}

func fifo(name string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func link(name, target string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}

// appendTo adds k zero bytes to dir/name, or cuts −k bytes off its end.
func appendTo(name string, k int) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if k >= 0 {
			b = append(b, make([]byte, k)...)
		} else {
			b = b[:len(b)+k]
		}
		File(name, b)(t, dir)
	}
}

// npyHeader returns numpy's .npy header for descr and shape (C order).
func npyHeader(descr string, shape []int) []byte { return npy.EncodeHeader(descr, false, shape) }

// rawNPZ returns a Setup writing an archive whose one deflated member x.npy
// holds body, with the directory declaring size and crc (body's own when
// size is 0).
func rawNPZ(name string, body []byte, size uint64, crc uint32) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		if size == 0 {
			size, crc = uint64(len(body)), crc32.ChecksumIEEE(body)
		}
		File(name, craft.DeflatedZip(t, "x.npy", body, size, crc))(t, dir)
	}
}

// zerosNPZ writes an honest deflated n×d uint8 member of zeros: a few
// hundred KB that expand to n·d bytes, 8·n·d as float64.
func zerosNPZ(name string, n, d int) func(*testing.T, string) {
	return rawNPZ(name, append(npyHeader("|u1", []int{n, d}), make([]byte, n*d)...), 0, 0)
}

// lyingNPZ writes a member whose directory and .npy header agree on 128 MiB
// of uint8 (within deflate's 1032:1 bound of its compressed size) while
// the stream holds 200 KiB.
func lyingNPZ(name string) func(*testing.T, string) {
	r := rand.New(rand.NewPCG(3, 4))
	noise := make([]byte, 200<<10)
	for i := range noise {
		noise[i] = byte(r.Uint32())
	}
	hdr := npyHeader("|u1", []int{1 << 17, 1024})
	return rawNPZ(name, append(hdr, noise...), uint64(len(hdr))+1<<27, 1)
}

// overlappingNPZ writes an archive whose directory points member b at
// member a's bytes.
func overlappingNPZ(name string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		var buf bytes.Buffer
		w := npz.NewWriter(&buf)
		w.Add("a", []int{100, 10}, make([]float64, 1000))
		w.Add("b", []int{100, 10}, make([]float64, 1000))
		w.Close()
		b := buf.Bytes()
		cdA := bytes.Index(b, []byte("PK\x01\x02"))
		cdB := cdA + 4 + bytes.Index(b[cdA+4:], []byte("PK\x01\x02"))
		copy(b[cdB+42:cdB+46], b[cdA+42:cdA+46])
		File(name, b)(t, dir)
	}
}

// st is a safetensors header entry: an 8-byte-wide F64 tensor of
// (end − begin)/8 rows at the given data offsets.
func st(name string, begin, end int) string {
	return fmt.Sprintf(`%q:{"dtype":"F64","shape":[%d,1],"data_offsets":[%d,%d]}`, name, (end-begin)/8, begin, end)
}

// stFile writes a safetensors file with the entries and n data bytes.
func stFile(n int, entries ...string) []byte {
	h := "{" + strings.Join(entries, ",") + "}"
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(h)))
	b.WriteString(h)
	b.Write(make([]byte, n))
	return b.Bytes()
}

// aliased writes k tensors of 1 MiB each, all at the same 1 MiB of data:
// read, they would take k MiB (8·k as float64 from U8) from a 1 MiB file.
func aliased(k int) []byte {
	entries := make([]string, k)
	for i := range entries {
		entries[i] = fmt.Sprintf(`"t%d":{"dtype":"U8","shape":[1024,1024],"data_offsets":[0,1048576]}`, i)
	}
	return stFile(1<<20, entries...)
}
