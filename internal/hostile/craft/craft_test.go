package craft

import (
	"bytes"
	"image/png"
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
