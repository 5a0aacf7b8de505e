package cli

import (
	"os"
	"runtime/debug"
	"sync"
)

// taskGOGC is the garbage collector's GOGC in a run-task process: the heap
// may grow to 5 times what the last collection left live before the next
// one, instead of twice (GOGC=100). A task is a short process whose heap
// grows from nothing to its candidate arenas and row state (tens of MB at
// 16,000–32,000 rows): at GOGC=100 it is collected at 4, 8, 16, 32 MB …,
// each time marking what it has so far, a cost the one search of
// `intdim profile` pays once and the tasks of a plan once each. The 8
// tasks of 4 × 16,000 × 512 layers: 1.03–1.18 → 0.98–1.11 CPU s (≈ −5 %),
// peak RSS 88–93 → 94 MB; of 2 × 32,000 × 512: −8 % (BENCHMARKS.md, issue
// 15).
const taskGOGC = 400

// gcState counts the run-task calls in progress in this process (tests
// run several at once) so that the settings found before the first are
// restored after the last.
var gcState struct {
	sync.Mutex
	users   int
	percent int   // GOGC before the first
	limit   int64 // the memory limit before the first
}

// taskGC sets the garbage collector for a task whose plan's memory budget
// is mem bytes (Plan.Mem, the budget the search is sized to): GOGC =
// taskGOGC, and the runtime's memory limit mem, so that the larger heap
// goal never takes the heap past the budget (the collector then runs as
// often as it must to stay under it). A GOGC or GOMEMLIMIT in the
// environment is the user's choice and kept. The returned function
// restores the previous settings (once every taskGC of the process has
// been restored; calls that overlap keep the first's settings).
func taskGC(mem int64) (restore func()) {
	setPercent := os.Getenv("GOGC") == ""
	setLimit := os.Getenv("GOMEMLIMIT") == "" && mem > 0
	if !setPercent && !setLimit {
		return func() {}
	}
	gcState.Lock()
	defer gcState.Unlock()
	if gcState.users == 0 {
		gcState.percent, gcState.limit = -2, -1
		if setPercent {
			gcState.percent = debug.SetGCPercent(taskGOGC)
		}
		if setLimit {
			gcState.limit = debug.SetMemoryLimit(mem)
		}
	}
	gcState.users++
	return func() {
		gcState.Lock()
		defer gcState.Unlock()
		gcState.users--
		if gcState.users > 0 {
			return
		}
		if gcState.percent != -2 {
			debug.SetGCPercent(gcState.percent)
		}
		if gcState.limit >= 0 {
			debug.SetMemoryLimit(gcState.limit)
		}
	}
}
