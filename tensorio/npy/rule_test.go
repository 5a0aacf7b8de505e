package npy

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestOneRuleForBothPaths checks that Open (the streamed path: header,
// then columns on demand) accepts exactly the files that ReadFile (the
// loading path) accepts, with the same message: trailing bytes after the
// data are refused by both, as are truncated data and headers whose size
// overflows.
func TestOneRuleForBothPaths(t *testing.T) {
	dir := t.TempDir()
	okDict := dict("<f4", false, []int{3, 2})
	data := make([]byte, 24)
	cases := map[string][]byte{
		"ok":         build(1, okDict, data),
		"trailing1":  build(1, okDict, append(bytes.Clone(data), 0)),
		"trailingKB": build(1, okDict, append(bytes.Clone(data), make([]byte, 1024)...)),
		"truncated":  build(1, okDict, data[:23]),
		"no data":    build(1, okDict, nil),
		"huge":       build(1, dict("<f8", false, []int{1e18, 1e3}), data),
		"fortran":    build(2, dict("<f4", true, []int{3, 2}), append(bytes.Clone(data), 1, 2, 3, 4)),
	}
	for name, file := range cases {
		p := filepath.Join(dir, name+".npy")
		if err := os.WriteFile(p, file, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, errLoad := ReadFile(p)
		f, errStream := Open(p)
		if errStream == nil {
			f.Close()
		}
		if (errLoad == nil) != (name == "ok") {
			t.Errorf("%s: ReadFile: %v", name, errLoad)
		}
		if (errLoad == nil) != (errStream == nil) || errLoad != nil && errLoad.Error() != errStream.Error() {
			t.Errorf("%s: the paths disagree:\n\tloaded:   %v\n\tstreamed: %v", name, errLoad, errStream)
		}
	}
}

// TestCheckDataLen checks the rule itself against known sizes.
func TestCheckDataLen(t *testing.T) {
	h := &Header{DType: "<f4", Shape: []int{3, 2}}
	for dataLen, want := range map[int64]string{
		24: "",
		-1: "",
		23: "truncated data: header says 3×2 float32 (24 bytes), file has 23",
		25: "data length mismatch: header says 3×2 float32 (24 bytes), file has 25",
	} {
		err := h.CheckDataLen(dataLen)
		if got := ""; err != nil {
			got = err.Error()
			if got != want {
				t.Errorf("CheckDataLen(%d) = %q, want %q", dataLen, got, want)
			}
		} else if want != "" {
			t.Errorf("CheckDataLen(%d) = nil, want %q", dataLen, want)
		}
	}
	huge := &Header{DType: "<f8", Shape: []int{1 << 40, 1 << 21}}
	if err := huge.CheckDataLen(-1); err == nil {
		t.Error("CheckDataLen(-1) of a 2⁶¹-element float64 array succeeded")
	}
}

// TestHeaderLengthClaim checks that a header length claimed by a short
// file costs what the file holds, not the claim.
func TestHeaderLengthClaim(t *testing.T) {
	file := binary.LittleEndian.AppendUint32([]byte(Magic+"\x02\x00"), MaxHeaderSize)
	file = append(file, "{'descr'"...)
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	_, _, err := Read(bytes.NewReader(file), int64(len(file)))
	runtime.ReadMemStats(&b)
	if err == nil || err.Error() != "truncated header: header length 1048576 but only 8 bytes follow" {
		t.Errorf("error %v", err)
	}
	if n := b.TotalAlloc - a.TotalAlloc; n > 64<<10 {
		t.Errorf("allocated %d bytes for a %d-byte file", n, len(file))
	}
}
