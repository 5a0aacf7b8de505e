//go:build unix

package atomicfile

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestInterruptRemovesTemp: a program interrupted (SIGINT, SIGTERM) while
// WriteFile is writing leaves no temporary file and no destination, and
// ends by the signal. The program is this test binary re-executed.
func TestInterruptRemovesTemp(t *testing.T) {
	if dir := os.Getenv("ATOMICFILE_CHILD_DIR"); dir != "" {
		WriteFile(filepath.Join(dir, "acts.npy"), func(w io.Writer) error {
			w.Write([]byte("half of a file"))
			os.Stdout.WriteString("ready\n")
			select {} // interrupted here
		})
		return
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		dir := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^TestInterruptRemovesTemp$")
		cmd.Env = append(os.Environ(), "ATOMICFILE_CHILD_DIR="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, _ := bufio.NewReader(out).ReadString('\n')
		if line != "ready\n" {
			cmd.Process.Kill()
			t.Fatalf("child said %q", line)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Fatalf("while writing: %v, want one temporary file", ents)
		}
		cmd.Process.Signal(sig)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: the child did not end", sig)
		}
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if !ws.Signaled() || ws.Signal() != sig {
			t.Errorf("%v: child ended with %v, want the signal", sig, cmd.ProcessState)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("%v: left behind %v", sig, ents)
		}
	}
}
