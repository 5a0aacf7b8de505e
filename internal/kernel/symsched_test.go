package kernel

import (
	"sync"
	"testing"
)

// Two workers simulated in turn: every task handed out once, and the second
// worker never given a block the first holds while a task sharing none is
// left in the window.
func TestSymSchedKeepsBlocksApart(t *testing.T) {
	for _, near := range []int{0, 3} {
		tasks := symTasksNear(12*BlockRows, near)
		s := newSymSched(tasks)
		seen := make([]int, len(tasks))
		run := [2]int{s.next(-1), s.next(-1)}
		shares := func(a, b symTask) bool {
			return a.bi == b.bi || a.bi == b.bj || a.bj == b.bi || a.bj == b.bj
		}
		clashes := 0
		for turn := 0; run[0] >= 0 || run[1] >= 0; turn++ {
			w := turn % 2
			if run[w] < 0 {
				continue
			}
			seen[run[w]]++
			run[w] = s.next(run[w])
			if run[w] >= 0 && run[1-w] >= 0 && shares(tasks[run[w]], tasks[run[1-w]]) {
				// Allowed only when no untaken task is free of the other's blocks.
				for u := range tasks {
					if !s.taken[u] && !shares(tasks[u], tasks[run[1-w]]) {
						t.Fatalf("near %d: task %v given beside %v while %v was free", near, tasks[run[w]], tasks[run[1-w]], tasks[u])
					}
				}
				clashes++
			}
		}
		for u, c := range seen {
			if c != 1 {
				t.Fatalf("near %d: task %v handed out %d times", near, tasks[u], c)
			}
		}
		if clashes > 2 {
			t.Errorf("near %d: %d clashes", near, clashes)
		}
	}
}

// One worker: symTasks' order exactly. Several: every task once.
func TestRunSymEveryTaskOnce(t *testing.T) {
	tasks := symTasksNear(17*BlockRows+5, 2)
	var order []int
	runSym(tasks, 1, func(_ *worker, _, u int) { order = append(order, u) })
	for i, u := range order {
		if u != i {
			t.Fatalf("one worker: task %d ran at %d", u, i)
		}
	}
	if len(order) != len(tasks) {
		t.Fatalf("one worker ran %d of %d tasks", len(order), len(tasks))
	}
	for _, threads := range []int{2, 3, 8} {
		var mu sync.Mutex
		count := make([]int, len(tasks))
		runSym(tasks, threads, func(_ *worker, _, u int) {
			mu.Lock()
			count[u]++
			mu.Unlock()
		})
		for u, c := range count {
			if c != 1 {
				t.Fatalf("%d workers: task %v ran %d times", threads, tasks[u], c)
			}
		}
	}
}
