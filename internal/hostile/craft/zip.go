package craft

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"testing"
)

// DeflatedZip returns a zip archive (an .npz) with one member, name, whose
// compressed bytes are the deflate stream of body and whose directory
// entry declares size bytes uncompressed and the CRC crc: a liar when
// they are not body's.
func DeflatedZip(t testing.TB, name string, body []byte, size uint64, crc uint32) []byte {
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(body)
	fw.Close()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, err := z.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate,
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: size, CRC32: crc})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
