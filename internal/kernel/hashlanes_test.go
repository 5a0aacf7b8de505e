package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestHashLanes32: every variant's lanes equal the twin's for widths
// around the step (64 values) and row counts 1 to 9, on rows that start
// only 4-byte aligned (odd d); the lanes of equal rows, −0 for +0 in
// places, are equal, and a changed value changes them.
func TestHashLanes32(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, d := range []int{0, 1, 63, 64, 65, 127, 128, 129, 5408} {
		for _, n := range []int{1, 2, 9} {
			x := make([]float32, n*d+1)[1:] // offset by one value
			for i := range x {
				x[i] = float32(r.NormFloat64())
				if r.IntN(5) == 0 {
					x[i] = 0
				}
			}
			checkHashLanes(t, x, n, d)
			if n < 2 || d < 64 {
				continue
			}
			copy(x[d:2*d], x[:d])
			for j := 0; j < d; j += 7 {
				if x[j] == 0 {
					x[d+j] = float32(math.Copysign(0, -1))
				}
			}
			lanes := make([]uint64, HashLaneCount*n)
			HashLanes32(x, n, d, lanes)
			for l := range HashLaneCount {
				if lanes[l] != lanes[HashLaneCount+l] {
					t.Fatalf("d=%d: equal rows (−0 for 0) differ in lane %d", d, l)
				}
			}
			x[d+3] += 1
			HashLanes32(x, n, d, lanes)
			same := true
			for l := range HashLaneCount {
				same = same && lanes[l] == lanes[HashLaneCount+l]
			}
			if same {
				t.Fatalf("d=%d: a changed value left the lanes equal", d)
			}
		}
	}
}

func checkHashLanes(t *testing.T, x []float32, n, d int) {
	t.Helper()
	want := make([]uint64, HashLaneCount*n)
	var p *float32
	if len(x) > 0 {
		p = &x[0]
	}
	hashLanesGo(p, n, d, &want[0])
	for _, im := range hashLanesImpls {
		got := make([]uint64, HashLaneCount*n)
		im.f(p, n, d, &got[0])
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s n=%d d=%d: lane %d = %#x, twin %#x", im.name, n, d, i, got[i], want[i])
			}
		}
	}
}

// FuzzHashLanes32: every variant's lanes equal the twin's on arbitrary
// bits (NaN and infinities included) and shapes.
func FuzzHashLanes32(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(3), uint16(130))
	f.Add([]byte{0, 0, 0, 0x80, 0xff, 0xff, 0x7f, 0x7f}, uint8(1), uint16(64))
	f.Fuzz(func(t *testing.T, data []byte, n8 uint8, d16 uint16) {
		n, d := int(n8%8)+1, int(d16%700)
		x := fuzzFloats32(data, n*d, 0, true)
		checkHashLanes(t, x, n, d)
	})
}
