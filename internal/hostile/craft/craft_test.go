package craft

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"image/png"
	"io"
	"testing"
)

// The PNG's header says what it claims; its data do not decode.
func TestPNGClaiming(t *testing.T) {
	b := PNGClaiming(20, 16)
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width != 20 || cfg.Height != 16 {
		t.Fatalf("header: %+v, %v", cfg, err)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err == nil {
		t.Error("junk data decoded")
	}
}

// An honest DeflatedZip reads back; a lying one fails its checksum.
func TestDeflatedZip(t *testing.T) {
	body := []byte("hello, hello, hello")
	for _, c := range []struct {
		crc uint32
		ok  bool
	}{{crc32.ChecksumIEEE(body), true}, {1, false}} {
		b := DeflatedZip(t, "m.npy", body, uint64(len(body)), c.crc)
		z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil || len(z.File) != 1 || z.File[0].Name != "m.npy" {
			t.Fatalf("%v, %v", z, err)
		}
		r, err := z.File[0].Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if (err == nil) != c.ok || c.ok && !bytes.Equal(got, body) {
			t.Errorf("crc %x: %q, %v", c.crc, got, err)
		}
	}
}
