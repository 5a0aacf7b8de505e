package safetensors

import (
	"bytes"
	"fmt"
	"testing"
)

// TestLayout checks the format's rule that the tensors tile the data
// buffer exactly, in offset order whatever the order of the header's keys:
// gaps, overlaps, a first tensor not at 0 and bytes after the last tensor
// are refused, naming the tensor.
func TestLayout(t *testing.T) {
	u8 := func(name string, b, e int) string {
		return fmt.Sprintf(`%q:{"dtype":"U8","shape":[%d],"data_offsets":[%d,%d]}`, name, e-b, b, e)
	}
	file := func(data int, entries ...string) []byte {
		h := "{"
		for i, e := range entries {
			if i > 0 {
				h += ","
			}
			h += e
		}
		return raw(h+"}", make([]byte, data))
	}
	ok := map[string][]byte{
		"in order":        file(12, u8("a", 0, 4), u8("b", 4, 12)),
		"keys reversed":   file(12, u8("b", 4, 12), u8("a", 0, 4)),
		"empty tensors":   file(4, u8("e", 0, 0), u8("a", 0, 4), u8("f", 4, 4), u8("g", 4, 4)),
		"nothing":         file(0),
		"only empty ones": file(0, u8("e", 0, 0)),
	}
	for name, f := range ok {
		if _, err := Read(bytes.NewReader(f), int64(len(f))); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	bad := []struct {
		name string
		file []byte
		want string
	}{
		{"gap", file(16, u8("a", 0, 4), u8("b", 8, 16)),
			`bad header: tensor "b" starts at byte 8 of the data but tensor "a" ends at 4, a gap of 4 bytes; tensors must be contiguous`},
		{"first not at 0", file(8, u8("a", 4, 8)),
			`bad header: tensor "a" starts at byte 4 of the data, leaving bytes [0, 4) unused; tensors must be contiguous`},
		{"overlap", file(12, u8("a", 0, 8), u8("b", 4, 12)),
			`bad header: tensor "b" at bytes [4, 12) of the data overlaps tensor "a" at [0, 8)`},
		{"same bytes", file(8, u8("b", 0, 8), u8("a", 0, 8)),
			`bad header: tensor "a" at bytes [0, 8) of the data overlaps tensor "b" at [0, 8)`},
		{"inside", file(8, u8("a", 0, 8), u8("b", 2, 4)),
			`bad header: tensor "b" at bytes [2, 4) of the data overlaps tensor "a" at [0, 8)`},
		{"trailing data", file(20, u8("a", 0, 4), u8("b", 4, 12)),
			`bad header: 8 bytes of data after the last tensor, "b", which ends at byte 12 of 20; tensors must cover the data exactly`},
		{"data but no tensors", file(3),
			`bad header: no tensors, but 3 bytes of data follow the header`},
	}
	for _, c := range bad {
		_, err := Read(bytes.NewReader(c.file), int64(len(c.file)))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: %v\n\twant %s", c.name, err, c.want)
		}
	}
}
