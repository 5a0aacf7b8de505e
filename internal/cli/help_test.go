package cli

import (
	"io"
	"strings"
	"testing"
)

// TestHelpCommand: 'intdim help estimate' prints estimate's own help, and
// --mem names its default once.
func TestHelpCommand(t *testing.T) {
	code, out, errOut := run("help", "estimate")
	if code != 0 || out != "" || !strings.HasPrefix(errOut, "Usage: intdim estimate") || !strings.Contains(errOut, "-fraction") {
		t.Fatalf("help estimate: code %d, stdout %q, stderr %.200q", code, out, errOut)
	}
	i := strings.Index(errOut, "  -mem")
	if i < 0 {
		t.Fatalf("no -mem in %s", errOut)
	}
	mem, _, _ := strings.Cut(errOut[i+6:], "  -")
	if n := strings.Count(mem, "default"); n != 1 {
		t.Errorf("--mem help names its default %d times: %q", n, mem)
	}
	code, _, top := run("help")
	if code != 0 || !strings.Contains(top, "Commands:") {
		t.Errorf("help: code %d, %.100q", code, top)
	}
}

// TestBadFlagOneLine: a bad flag value is one line on stderr, not the
// usage.
func TestBadFlagOneLine(t *testing.T) {
	code, out, errOut := run("estimate", "--seed", "-1", "x.npy")
	if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "-seed") {
		t.Errorf("code %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestMainRecovers: a panic in a command is one line and status 1.
func TestMainRecovers(t *testing.T) {
	Register(&Command{Name: "test-panic", Run: func([]string, io.Writer, io.Writer) error { panic("boom\nline two") }})
	defer delete(commands, "test-panic")
	code, _, errOut := run("test-panic")
	if code != 1 || errOut != "intdim: internal error: boom line two (please report it)\n" {
		t.Errorf("code %d, stderr %q", code, errOut)
	}
}
