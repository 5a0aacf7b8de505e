package cli

import (
	"runtime/debug"
	"testing"
)

// gcSettings reads GOGC and the memory limit without changing them.
func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

func TestTaskGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	p0, l0 := gcSettings()
	const mem = 3 << 30
	r1 := taskGC(mem)
	if p, l := gcSettings(); p != taskGOGC || l != mem {
		t.Fatalf("in a task: GOGC %d, limit %d; want %d, %d", p, l, taskGOGC, int64(mem))
	}
	r2 := taskGC(mem / 2) // overlapping: the first's settings stay
	if p, l := gcSettings(); p != taskGOGC || l != mem {
		t.Fatalf("two tasks: GOGC %d, limit %d; want %d, %d", p, l, taskGOGC, int64(mem))
	}
	r1()
	if p, l := gcSettings(); p != taskGOGC || l != mem {
		t.Fatalf("one task left: GOGC %d, limit %d; want %d, %d", p, l, taskGOGC, int64(mem))
	}
	r2()
	if p, l := gcSettings(); p != p0 || l != l0 {
		t.Fatalf("after the tasks: GOGC %d, limit %d; want %d, %d as before", p, l, p0, l0)
	}
}

func TestTaskGCKeepsTheEnvironment(t *testing.T) {
	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "1GiB")
	p0, l0 := gcSettings()
	restore := taskGC(3 << 30)
	if p, l := gcSettings(); p != p0 || l != l0 {
		t.Fatalf("GOGC and GOMEMLIMIT set: GOGC %d, limit %d; want %d, %d", p, l, p0, l0)
	}
	restore()
	t.Setenv("GOMEMLIMIT", "")
	restore = taskGC(0) // no budget: no limit
	if p, l := gcSettings(); p != p0 || l != l0 {
		t.Fatalf("GOGC set, no budget: GOGC %d, limit %d; want %d, %d", p, l, p0, l0)
	}
	restore()
}
