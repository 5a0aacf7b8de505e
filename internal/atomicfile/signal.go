package atomicfile

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// Temporary files being written, removed if the program is interrupted
// (SIGINT, SIGTERM) before they are renamed into place: an interrupted
// 'intdim profile --save-activations' leaves nothing behind.
var (
	pendingMu sync.Mutex
	pending   = map[string]bool{}
	watchOnce sync.Once
)

// track records a temporary file; the first call starts watching for
// interrupts.
func track(name string) {
	watchOnce.Do(watchSignals)
	pendingMu.Lock()
	pending[name] = true
	pendingMu.Unlock()
}

// untrack forgets a temporary file that was renamed or removed.
func untrack(name string) {
	pendingMu.Lock()
	delete(pending, name)
	pendingMu.Unlock()
}

// removePending removes every temporary file being written. It holds the
// lock, so no file is renamed into place or started meanwhile.
func removePending() {
	pendingMu.Lock()
	for name := range pending {
		os.Remove(name)
		delete(pending, name)
	}
}

// watchSignals removes the pending temporary files on SIGINT or SIGTERM,
// then ends the program by the same signal (exit status 130 or 143 where a
// signal cannot be re-raised).
func watchSignals() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-c
		removePending()
		signal.Reset(s)
		if p, err := os.FindProcess(os.Getpid()); err == nil && p.Signal(s) == nil {
			time.Sleep(time.Second) // the re-raised signal ends the program
		}
		code := 130
		if s == syscall.SIGTERM {
			code = 143
		}
		os.Exit(code)
	}()
}
