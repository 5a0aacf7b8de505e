package pipeline

import (
	"os"
	"testing"
)

// TestSearchFileTrailingBytes checks that the streamed path refuses a .npy
// file with bytes after its data, with the same message as the loading
// path (one rule, npy.Header.CheckDataLen), where it used to read the
// header only and ignore them.
func TestSearchFileTrailingBytes(t *testing.T) {
	path := writeNpy(t, []int{40, 100}, randMatrix(40, 100, 3))
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(make([]byte, 8))
	f.Close()
	want := path + ": data length mismatch: header says 40×100 float64 (32000 bytes), file has 32008"
	for _, budget := range []int64{1024, 1 << 30} { // streamed, loaded
		_, err := SearchFile(path, 2, nil, budget, false)
		if err == nil || err.Error() != want {
			t.Errorf("budget %d: %v\n\twant %s", budget, err, want)
		}
	}
}
