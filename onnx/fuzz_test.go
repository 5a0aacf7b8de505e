package onnx

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: Parse must return a model or an error naming the file, and
// never panic, whatever the bytes.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"vgg_tiny.onnx", "resnet_tiny.onnx"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:200])
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte{})
	f.Add([]byte("\x08\x07\x12\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("fuzz.onnx", data)
		if err == nil {
			if m.Input == "" || len(m.InputShape) != 4 {
				t.Fatalf("accepted a model without an image input: %+v", m)
			}
			m.Values()
			m.Auto()
		}
	})
}
