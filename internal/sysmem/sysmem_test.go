package sysmem

import (
	"runtime"
	"testing"
)

// TestPhysical: on Linux the physical memory is known and at least what
// this process already uses.
func TestPhysical(t *testing.T) {
	m := Physical()
	if runtime.GOOS != "linux" {
		if m != 0 {
			t.Fatalf("Physical() = %d off Linux, want 0", m)
		}
		return
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if m < int64(ms.Sys) {
		t.Fatalf("Physical() = %d, below this process's %d bytes", m, ms.Sys)
	}
}

func TestBudget(t *testing.T) {
	p := Physical()
	if b := Budget(); p > 0 && b != p/2 || p <= 0 && b != 4<<30 {
		t.Errorf("Budget() = %d with Physical() = %d", b, p)
	}
}
