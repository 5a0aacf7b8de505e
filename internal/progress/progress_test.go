package progress

import (
	"bytes"
	"strings"
	"testing"
)

func TestPlainLinesWhenNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, 3, "layers", false)
	b.every = 0 // every update prints
	b.Add(1)
	b.Describe("conv1")
	b.Add(2)
	b.Finish()
	got := buf.String()
	if got != "layers: 1/3\nconv1: 3/3\n" {
		t.Fatalf("output %q", got)
	}
	if strings.Contains(got, "\r") {
		t.Fatal("carriage return in non-terminal output")
	}
}

func TestQuietIsSilent(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, 3, "x", true)
	if b != nil {
		t.Fatal("quiet bar is not nil")
	}
	b.Add(1) // a nil bar is valid
	b.Describe("y")
	b.Finish()
	if buf.Len() != 0 {
		t.Fatalf("quiet wrote %q", buf.String())
	}
}
