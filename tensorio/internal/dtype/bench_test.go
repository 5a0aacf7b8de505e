package dtype

import (
	"fmt"
	"testing"
)

func BenchmarkDecode(b *testing.B) {
	for _, t := range []Type{{Float, 4, false}, {Float, 8, true}, {Float, 2, false}, {Uint, 1, false}} {
		src := make([]byte, 1<<20*t.Size)
		dst := make([]float64, 1<<20)
		b.Run(fmt.Sprint(t), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				t.Decode(dst, src)
			}
		})
	}
}
