package pt

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead: any bytes are read or refused with an error, never a panic,
// and a tensor Read accepts is read within its storage.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "pt", "*.pt"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Read(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for _, tn := range file.Tensors {
			if tn.Len() > len(data) {
				t.Fatalf("tensor %q of %d elements from %d bytes", tn.Name, tn.Len(), len(data))
			}
			if tn.Narrow() {
				tn.ReadFloat32(bytes.NewReader(data), make([]float32, tn.Len()))
			} else {
				tn.ReadFloat64(bytes.NewReader(data), make([]float64, tn.Len()))
			}
		}
	})
}
