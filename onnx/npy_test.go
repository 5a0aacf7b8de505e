package onnx

import (
	"encoding/binary"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// readNpy reads a little-endian float32 or uint8 .npy file written by numpy
// (C order), for the reference values made by scripts/export_onnx.py.
func readNpy(t *testing.T, path string) (shape []int, data []float64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 10 || string(b[1:6]) != "NUMPY" {
		t.Fatalf("%s: not an npy file", path)
	}
	var hl, off int
	if b[6] == 1 {
		hl, off = int(binary.LittleEndian.Uint16(b[8:])), 10
	} else {
		hl, off = int(binary.LittleEndian.Uint32(b[8:])), 12
	}
	h := string(b[off : off+hl])
	body := b[off+hl:]
	descr := regexp.MustCompile(`'descr':\s*'([^']*)'`).FindStringSubmatch(h)[1]
	if strings.Contains(h, "'fortran_order': True") {
		t.Fatalf("%s: fortran order", path)
	}
	for _, s := range strings.Split(regexp.MustCompile(`'shape':\s*\(([^)]*)\)`).FindStringSubmatch(h)[1], ",") {
		if s = strings.TrimSpace(s); s != "" {
			v, _ := strconv.Atoi(s)
			shape = append(shape, v)
		}
	}
	switch descr {
	case "<f4":
		data = make([]float64, len(body)/4)
		for i := range data {
			data[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:])))
		}
	case "|u1":
		data = make([]float64, len(body))
		for i := range data {
			data[i] = float64(body[i])
		}
	default:
		t.Fatalf("%s: dtype %s", path, descr)
	}
	return shape, data
}
