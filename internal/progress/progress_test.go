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

// Few steps: every one is printed, whatever the time between them; an
// unknown total is not printed as "/0".
func TestPlainLinesEveryStep(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, 0, "layers", false)
	b.Describe("conv1")
	b.Add(1)
	b.Describe("conv2")
	b.Add(1)
	if got := buf.String(); got != "conv1: 1 done\nconv2: 2 done\n" {
		t.Errorf("unknown total: %q", got)
	}
	buf.Reset()
	b = New(&buf, 0, "demo", false)
	for i := 1; i <= 3; i++ {
		b.Step(i, 3, "step")
	}
	if got := buf.String(); got != "step: 1/3\nstep: 2/3\nstep: 3/3\n" {
		t.Errorf("steps: %q", got)
	}
	// Many steps: at most one line per period.
	buf.Reset()
	b = New(&buf, 1000, "batches", false)
	for range 1000 {
		b.Add(1)
	}
	if n := strings.Count(buf.String(), "\n"); n > 1 {
		t.Errorf("%d lines for 1000 fast steps", n)
	}
}
