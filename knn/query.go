package knn

import (
	"sync"

	"github.com/intdim/intdim/internal/kernel"
)

// searchQueries returns the k nearest other rows of each row listed in
// queries, among all rows of m, exactly as bruteForce on the gathered rows
// ranks them (indices are positions in m):
// row t of the result (Index[t·k:(t+1)·k], Dist likewise) belongs to
// queries[t]. It is kernelSearch restricted to some rows: the float32 kernel
// computes the queries × all block products (kernel.Cross), candidates are
// kept with the same error bound, and their distances recomputed with
// Dist2. Cost: one packing pass over m, plus 2·len(queries)·n·d kernel flops.
// directQueries is the number of queries up to which searchQueries scans
// every row exactly (q·n·d element operations) instead of packing m for
// the kernel (≈ 10 ns per element, random rows): the break-even is near 10.
const directQueries = 8

func searchQueries(m matrix, k int, queries []int, threads int) (idx []int32, dist []float64) {
	q, n, d := len(queries), m.n(), m.d
	idx, dist = make([]int32, q*k), make([]float64, q*k)
	// A few queries: scanning all rows exactly costs less than packing them.
	pr, ok := (*prepared)(nil), false
	if q > directQueries && d > 0 {
		pr, ok = prepareWith(m, packRight)
	}
	if !ok {
		parallelRows(q, threads, func(t int, h *TopK) {
			r := rowCands{overflow: true}
			refineRow(m, k, queries[t], &r, h, idx[t*k:(t+1)*k], dist[t*k:(t+1)*k])
		})
		return idx, dist
	}
	pq := kernel.PackFunc(q, d, func(t int, dst []float32) {
		m.centreTo(queries[t], pr.mean, pr.scale, dst)
	})
	rows := make([]rowCands, q)
	locks := make([]sync.Mutex, (q+kernel.BlockRows-1)/kernel.BlockRows)
	sc := make([][]float32, len(locks)) // a selection scratch per lock
	for t := range rows {
		rows[t].init(k, 4*k+64, nil)
	}
	norm, tau, eabs := pr.norm, pr.tau, pr.eabs
	h := make([]float64, n)
	for j, v := range norm {
		h[j] = (1 - tau) * v
	}
	kernel.Cross(pq, pr.p, threads, func(_, i0, i1, j0, j1 int, g []float64, ld int) {
		locks[i0/kernel.BlockRows].Lock()
		defer locks[i0/kernel.BlockRows].Unlock()
		for t := i0; t < i1; t++ {
			i := queries[t]
			r := &rows[t]
			if r.overflow {
				continue
			}
			gi := g[(t-i0)*ld : (t-i0)*ld+j1-j0]
			hj := h[j0:j1]
			lim := r.bound() - h[i] + eabs
			for jj, v := range gi {
				j := j0 + jj
				if hj[jj]-2*v > lim || j == i {
					continue
				}
				a := norm[i] + norm[j] - 2*v
				e := tau*(norm[i]+norm[j]) + eabs
				if a-e <= r.bound() {
					r.add(int32(j), a-e, a+e, k, &sc[i0/kernel.BlockRows])
					if r.overflow {
						break
					}
					lim = r.bound() - h[i] + eabs
				}
			}
		}
	})
	parallelRows(q, threads, func(t int, hp *TopK) {
		refineRow(m, k, queries[t], &rows[t], hp, idx[t*k:(t+1)*k], dist[t*k:(t+1)*k])
	})
	return idx, dist
}
