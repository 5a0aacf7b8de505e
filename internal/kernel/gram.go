package kernel

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// BlockRows is the largest side of the blocks passed to the callbacks of
// SymGram and Gram; it is also the stride of their block buffers.
const BlockRows = 192

// kcBlock is the number of features per micro-kernel call: a 32×256 float32
// B panel (32 KiB) stays in L1 while the A panels stream from L2.
const kcBlock = 256

// worker holds one goroutine's block buffers.
type worker struct {
	c32 []float32
	g64 []float64
}

// workers recycles block buffers (442 KiB each) across calls: small
// products (nn, onnx) call Dots many times.
var workers = sync.Pool{New: func() any {
	return &worker{c32: make([]float32, BlockRows*BlockRows), g64: make([]float64, BlockRows*BlockRows)}
}}

// block computes g64[(i−i0)·BlockRows + (j−j0)] = Σₖ aᵢₖ·bⱼₖ for i in
// [i0, i1), j in [j0, j1) (panel-aligned, at most BlockRows apart),
// summing each kcBlock features in float32 by the micro-kernel and each
// FlushEvery features into float64.
func (w *worker) block(pa, pb *Packed, i0, i1, j0, j1 int) {
	w.blockTo(pa, pb, i0, i1, j0, j1, false)
}

// blockTo is block, or, when f32 is set, sets c32 (same layout) to float32
// of the entries block would compute; with at most FlushEvery features
// those are the float32 sums themselves (one flush, exact both ways), and
// g64 is left unset.
func (w *worker) blockTo(pa, pb *Packed, i0, i1, j0, j1 int, f32 bool) {
	w.blockTiles(pa, pb, i0, i1, j0, j1, f32, false)
}

// blockTiles is blockTo, skipping with upper the tiles wholly below the
// diagonal (rows ip … ip+mr−1 all past the columns jp … jp+nr−1: ip ≥
// jp + nr, in a diagonal block): their entries are then left unset, those on
// and above the diagonal are blockTo's, bit for bit (each entry is the same
// sequence of micro-kernel steps whichever tiles run).
func (w *worker) blockTiles(pa, pb *Packed, i0, i1, j0, j1 int, f32, upper bool) {
	im, d := pa.im, pa.D
	mr, nr := im.mr, im.nr
	const ld = BlockRows
	if d == 0 {
		for i := 0; i < i1-i0; i++ {
			clear(w.g64[i*ld : i*ld+j1-j0])
			clear(w.c32[i*ld : i*ld+j1-j0])
		}
		return
	}
	if f32 && d <= FlushEvery {
		for k0 := 0; k0 < d; k0 += kcBlock {
			kc := min(kcBlock, d-k0)
			acc := k0 != 0
			for jp := j0; jp < j1; jp += nr {
				bp := &pb.b[jp*d+k0*nr]
				for ip := i0; ip < rowEnd(i1, jp+nr, upper); ip += mr {
					im.tile(&pa.a[ip*d+k0*mr], bp, kc, &w.c32[(ip-i0)*ld+jp-j0], ld, acc)
				}
			}
		}
		return
	}
	first := true
	for k0 := 0; k0 < d; k0 += kcBlock {
		kc := min(kcBlock, d-k0)
		acc := k0%FlushEvery != 0
		for jp := j0; jp < j1; jp += nr {
			bp := &pb.b[jp*d+k0*nr]
			for ip := i0; ip < rowEnd(i1, jp+nr, upper); ip += mr {
				im.tile(&pa.a[ip*d+k0*mr], bp, kc, &w.c32[(ip-i0)*ld+jp-j0], ld, acc)
			}
		}
		if end := k0 + kc; end%FlushEvery == 0 || end == d {
			for i := 0; i < i1-i0; i++ {
				c := w.c32[i*ld : i*ld+j1-j0]
				g := w.g64[i*ld : i*ld+j1-j0]
				if first {
					for j, v := range c {
						g[j] = float64(v)
					}
				} else {
					for j, v := range c {
						g[j] += float64(v)
					}
				}
			}
			first = false
		}
	}
	if f32 {
		for i := 0; i < i1-i0; i++ {
			c := w.c32[i*ld : i*ld+j1-j0]
			for j, v := range w.g64[i*ld : i*ld+j1-j0] {
				c[j] = float32(v)
			}
		}
	}
}

// rowEnd is the end of the tile rows blockTiles runs against the tile
// columns ending at jEnd: i1, or with upper at most jEnd (the tiles from
// there on lie below the diagonal).
func rowEnd(i1, jEnd int, upper bool) int {
	if upper {
		return min(i1, jEnd)
	}
	return i1
}

func threadCount(threads int) int {
	if threads <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return threads
}

// BlockFunc receives one block of a Gram matrix: g[(i−i0)·ldg + (j−j0)] is
// the dot product of rows i and j, for i in [i0, i1) and j in [j0, j1)
// (clipped to the real rows). worker identifies the calling goroutine, in
// [0, threads). g is reused after the call returns.
type BlockFunc func(worker, i0, i1, j0, j1 int, g []float64, ldg int)

// symTask is one block of a symmetric Gram matrix: block row bi, block
// column bj ≥ bi.
type symTask struct{ bi, bj int }

// symTasks lists the blocks on or above the diagonal of the symmetric
// Gram matrix of rows rows, in BlockRows squares, block row by block row
// from the longest.
func symTasks(rows int) []symTask { return symTasksNear(rows, 0) }

// symTasksNear is symTasks with the blocks of the near diagonals first
// (block columns bi ≤ bj < bi + near), block row by block row, then the
// others block row by block row as in symTasks. The same blocks, each
// once.
func symTasksNear(rows, near int) []symTask {
	nb := (rows + BlockRows - 1) / BlockRows
	near = max(0, min(near, nb))
	tasks := make([]symTask, 0, nb*(nb+1)/2)
	for bi := 0; bi < nb; bi++ {
		for bj := bi; bj < min(bi+near, nb); bj++ {
			tasks = append(tasks, symTask{bi, bj})
		}
	}
	for bi := 0; bi < nb; bi++ {
		for bj := bi + near; bj < nb; bj++ {
			tasks = append(tasks, symTask{bi, bj})
		}
	}
	return tasks
}

// SymGram calls fn for every block of the symmetric Gram matrix X·Xᵀ of the
// packed matrix p on or above the diagonal (j0 ≥ i0), each computed once,
// from threads goroutines (0 means GOMAXPROCS). Blocks are BlockRows square
// except at the end; diagonal blocks are complete (both triangles). Calls
// for different blocks run concurrently; two concurrent calls share
// neither block row nor block column where the order allows it
// (symSched).
func SymGram(p *Packed, threads int, fn BlockFunc) {
	if p.a == nil || p.b == nil {
		panic("kernel: SymGram needs both layouts")
	}
	tasks := symTasks(p.Rows)
	runSym(tasks, threadCount(threads), func(w *worker, id, t int) {
		i0, j0 := tasks[t].bi*BlockRows, tasks[t].bj*BlockRows
		i1, j1 := min(i0+BlockRows, p.Rows), min(j0+BlockRows, p.Rows)
		w.block(p, p, i0, i1, j0, j1)
		if i0 < p.N && j0 < p.N {
			fn(id, i0, min(i1, p.N), j0, min(j1, p.N), w.g64, BlockRows)
		}
	})
}

// SymGram32 is SymGram handing fn float32(g) for every entry g that
// SymGram would hand it, skipping the float64 accumulators when p has at
// most FlushEvery features (then the entries are the float32 sums of the
// micro-kernel, and the rounding to float32 is exact).
func SymGram32(p *Packed, threads int, fn BlockFunc32) {
	SymGram32Near(p, threads, 0, fn)
}

// SymGram32Near is SymGram32 handing out the blocks of the near block
// diagonals first (the diagonal and the next near − 1), block row by block
// row, then the rest block row by block row: the same blocks and values in
// another order, for a search that learns most from the pairs of rows near
// each other (the pruned search, rows in a tree's order). Like SymGram's,
// its workers keep off each other's block rows and columns where they can
// (symSched).
func SymGram32Near(p *Packed, threads, near int, fn BlockFunc32) {
	if p.a == nil || p.b == nil {
		panic("kernel: SymGram32 needs both layouts")
	}
	tasks := symTasksNear(p.Rows, near)
	runSym(tasks, threadCount(threads), func(w *worker, id, t int) {
		i0, j0 := tasks[t].bi*BlockRows, tasks[t].bj*BlockRows
		i1, j1 := min(i0+BlockRows, p.Rows), min(j0+BlockRows, p.Rows)
		w.blockTo(p, p, i0, i1, j0, j1, true)
		if i0 < p.N && j0 < p.N {
			fn(id, i0, min(i1, p.N), j0, min(j1, p.N), w.c32, BlockRows)
		}
	})
}

// Cross calls fn for every block of the product X·Yᵀ of the packed m×d
// matrix x and n×d matrix y (concurrently, from threads goroutines).
func Cross(x, y *Packed, threads int, fn BlockFunc) {
	if x.a == nil || y.b == nil {
		panic("kernel: Cross needs the left layout of x and the right layout of y")
	}
	if x.D != y.D || x.im.name != y.im.name {
		panic(fmt.Sprintf("kernel: Cross of %d and %d features", x.D, y.D))
	}
	nbi := (x.Rows + BlockRows - 1) / BlockRows
	nbj := (y.Rows + BlockRows - 1) / BlockRows
	run(nbi*nbj, threadCount(threads), func(w *worker, id, t int) {
		i0, j0 := t/nbj*BlockRows, t%nbj*BlockRows
		i1, j1 := min(i0+BlockRows, x.Rows), min(j0+BlockRows, y.Rows)
		w.block(x, y, i0, i1, j0, j1)
		if i0 < x.N && j0 < y.N {
			fn(id, i0, min(i1, x.N), j0, min(j1, y.N), w.g64, BlockRows)
		}
	})
}

// BlockFunc32 is BlockFunc for float32 entries.
type BlockFunc32 func(worker, i0, i1, j0, j1 int, g []float32, ldg int)

// Cross32 is Cross handing fn float32(g) for every entry g that Cross
// would hand it, skipping the float64 accumulators when x and y have at
// most FlushEvery features (then the entries are the float32 sums of the
// micro-kernel, and the rounding to float32 is exact).
func Cross32(x, y *Packed, threads int, fn BlockFunc32) {
	if x.a == nil || y.b == nil {
		panic("kernel: Cross32 needs the left layout of x and the right layout of y")
	}
	if x.D != y.D || x.im.name != y.im.name {
		panic(fmt.Sprintf("kernel: Cross32 of %d and %d features", x.D, y.D))
	}
	nbi := (x.Rows + BlockRows - 1) / BlockRows
	nbj := (y.Rows + BlockRows - 1) / BlockRows
	run(nbi*nbj, threadCount(threads), func(w *worker, id, t int) {
		i0, j0 := t/nbj*BlockRows, t%nbj*BlockRows
		i1, j1 := min(i0+BlockRows, x.Rows), min(j0+BlockRows, y.Rows)
		w.blockTo(x, y, i0, i1, j0, j1, true)
		if i0 < x.N && j0 < y.N {
			fn(id, i0, min(i1, x.N), j0, min(j1, y.N), w.c32, BlockRows)
		}
	})
}

// run calls f for tasks 0…n−1 from threads goroutines, each with its own
// worker buffers.
func run(n, threads int, f func(w *worker, id, t int)) {
	threads = max(1, min(threads, n))
	if threads == 1 {
		// One goroutine: run the tasks here, in the same order.
		w := workers.Get().(*worker)
		for t := 0; t < n; t++ {
			f(w, 0, t)
		}
		workers.Put(w)
		return
	}
	var next atomic.Int64
	spawn(threads, func(w *worker, id int) {
		for t := int(next.Add(1) - 1); t < n; t = int(next.Add(1) - 1) {
			f(w, id, t)
		}
	})
}

// spawn runs body(w, id) in threads goroutines, id in [0, threads), each
// with its own worker buffers, and waits for them (run and runSym hand
// out their tasks inside body).
func spawn(threads int, body func(w *worker, id int)) {
	var wg sync.WaitGroup
	for id := 0; id < threads; id++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := workers.Get().(*worker)
			defer workers.Put(w)
			body(w, id)
		}()
	}
	wg.Wait()
}
