package plan

import (
	"hash/crc32"
	"math/rand/v2"
	"testing"
)

// TestCRCCombine checks crcCombine against the CRC of the concatenation,
// for CRC-32C and IEEE, at split points from 0 to the whole.
func TestCRCCombine(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 5000)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	for _, poly := range []uint32{crc32.Castagnoli, crc32.IEEE} {
		tab := crc32.MakeTable(poly)
		for _, n := range []int{0, 1, 2, 3, 7, 64, 1000, 4096, 5000} {
			for _, cut := range []int{0, 1, n / 3, n / 2, n - 1, n} {
				if cut < 0 || cut > n {
					continue
				}
				a, b := data[:cut], data[cut:n]
				got := crcCombine(poly, crc32.Checksum(a, tab), crc32.Checksum(b, tab), int64(len(b)))
				if want := crc32.Checksum(data[:n], tab); got != want {
					t.Fatalf("poly %08x n %d cut %d: combined %08x, whole %08x", poly, n, cut, got, want)
				}
			}
		}
	}
}

// TestChunkSumsWhole checks chunkSums' whole CRC-32C and its pieces'
// against crc32.Checksum, for lengths around the piece size and writes of
// uneven sizes.
func TestChunkSumsWhole(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 3*64+5)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	const size = 64
	for _, n := range []int{0, 1, size - 1, size, size + 1, 2 * size, 3*size + 5} {
		c := &chunkSums{size: size}
		for off := 0; off < n; {
			w := min(n-off, 1+r.IntN(100))
			if m, err := c.Write(data[off : off+w]); m != w || err != nil {
				t.Fatalf("Write: %d, %v", m, err)
			}
			off += w
		}
		sums, whole := c.done()
		if want := crc32.Checksum(data[:n], castagnoli); whole != want {
			t.Fatalf("n %d: whole %08x, want %08x", n, whole, want)
		}
		if len(sums) != (n+size-1)/size {
			t.Fatalf("n %d: %d pieces", n, len(sums))
		}
		for i, s := range sums {
			want := crcHex(data[i*size : min((i+1)*size, n)])
			if s != want {
				t.Fatalf("n %d piece %d: %s, want %s", n, i, s, want)
			}
		}
	}
}
