package mnist

import (
	"bytes"
	"testing"
)

// FuzzReadIDX feeds arbitrary image and label files to ReadIDX: it must
// return a set consistent with its header or an error, never panic.
func FuzzReadIDX(f *testing.F) {
	f.Add(idx(0x803, []uint32{1, 28, 28}, make([]byte, Size), false), idx(0x801, []uint32{1}, []byte{4}, false))
	f.Add(idx(0x803, []uint32{1, 28, 28}, make([]byte, Size), true), idx(0x801, []uint32{1}, []byte{4}, true))
	f.Add([]byte{0x1f, 0x8b, 0, 0}, []byte{0, 0, 8, 1, 0, 0, 0, 0})
	f.Add(idx(0x803, []uint32{0xffffffff, 28, 28}, nil, false), idx(0x801, []uint32{0xffffffff}, nil, false))
	f.Fuzz(func(t *testing.T, img, lab []byte) {
		s, err := ReadIDX(bytes.NewReader(img), bytes.NewReader(lab))
		if err != nil {
			return
		}
		if len(s.Pixels) != s.N*Size || len(s.Labels) != s.N {
			t.Fatalf("set of %d images with %d pixels and %d labels", s.N, len(s.Pixels), len(s.Labels))
		}
	})
}
