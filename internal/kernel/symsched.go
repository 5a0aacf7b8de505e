package kernel

import "sync"

// symWindow is how many untaken tasks symSched.next looks past the first
// for one that shares no block with a running task.
const symWindow = 1024

// symSched hands out the blocks of a symmetric Gram matrix (symTasks'
// order) to concurrent workers, keeping two running tasks off the same
// block row or column where it can. A caller of SymGram that guards each
// row block's state with a lock (the neighbour searches lock block row i0
// for a block's rows, then block row j0 for its columns) otherwise sees
// consecutive tasks of one block row, (bi, bj) and (bi, bj+1), wait on
// each other; the pruned search's callback does most of its work under
// that lock, and on 20,000 × 768 one of two workers stood idle a third of
// the time. next takes the first untaken task in order whose row and
// column blocks no running task holds, looking at most symWindow untaken
// tasks ahead, and the first untaken task when none qualifies: every task
// once, in the same order with one worker, nearly in order with more.
type symSched struct {
	mu    sync.Mutex
	tasks []symTask
	taken []bool
	busy  []int32 // running tasks holding each block (row or column)
	first int     // every task before first is taken
}

func newSymSched(tasks []symTask) *symSched {
	nb := 0
	for _, t := range tasks {
		nb = max(nb, t.bj+1, t.bi+1)
	}
	return &symSched{tasks: tasks, taken: make([]bool, len(tasks)), busy: make([]int32, nb)}
}

// next releases the blocks of task done (−1 for none) and returns the
// task to run next, its blocks marked busy, or −1 when none is left.
func (s *symSched) next(done int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if done >= 0 {
		s.hold(s.tasks[done], -1)
	}
	for s.first < len(s.tasks) && s.taken[s.first] {
		s.first++
	}
	if s.first == len(s.tasks) {
		return -1
	}
	pick := s.first
	for t, seen := s.first, 0; t < len(s.tasks) && seen < symWindow; t++ {
		if s.taken[t] {
			continue
		}
		seen++
		if s.busy[s.tasks[t].bi] == 0 && s.busy[s.tasks[t].bj] == 0 {
			pick = t
			break
		}
	}
	s.taken[pick] = true
	s.hold(s.tasks[pick], 1)
	return pick
}

func (s *symSched) hold(t symTask, d int32) {
	s.busy[t.bi] += d
	if t.bj != t.bi {
		s.busy[t.bj] += d
	}
}

// runSym calls f for every task of tasks (symTasks' blocks) from threads
// goroutines, handed out by a symSched; with one goroutine, in order.
func runSym(tasks []symTask, threads int, f func(w *worker, id, t int)) {
	threads = max(1, min(threads, len(tasks)))
	if threads == 1 {
		run(len(tasks), 1, f)
		return
	}
	s := newSymSched(tasks)
	spawn(threads, func(w *worker, id int) {
		for t := s.next(-1); t >= 0; t = s.next(t) {
			f(w, id, t)
		}
	})
}
