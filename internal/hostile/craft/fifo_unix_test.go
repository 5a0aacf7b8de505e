//go:build unix

package craft

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMkfifo(t *testing.T) {
	p := Mkfifo(t, filepath.Join(t.TempDir(), "p"))
	st, err := os.Stat(p)
	if p == "" || err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("%q: %v, %v", p, st, err)
	}
}
