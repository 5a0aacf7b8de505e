package knn

import (
	"math"
	"sync"

	"github.com/intdim/intdim/internal/kernel"
)

// Seeding the candidate bounds of kernelSearch (small matrices).
//
// collect offers a row its columns block after block with a bound that
// starts at +Inf and is brought up to date only when the list is pruned:
// on n = 2,000 rows about 10k candidates per row are offered (and pruned)
// where k would do. A first pass over the kernel's Gram entries gives every
// row a bound before collect starts. Split the other rows into disjoint
// groups of at most gs and let mᵢ(G) = min over j in G of
// vᵢⱼ = hⱼ − 2ĝᵢⱼ (collector's h = (1 − τ)·n). The k smallest group minima
// belong to k distinct rows j ≠ i, each with
//
//	aᵢⱼ + eᵢⱼ = vᵢⱼ + 2τ·nⱼ + (1 + τ)·nᵢ + ε ≤ m + 2τ·max n + (1 + τ)·nᵢ + ε,
//
// m the k-th smallest group minimum: k rows lie within that upper bound, so
// it bounds Uᵢ (rowCands) and is a valid starting bound, to within the
// float64 roundings of the sum, covered by a relative 2⁻⁴⁰. With groups of
// gs rows about k + k·gs·k/n rows pass it (the chance that a group holds
// two of the smallest), against k·(1 + ln(n/k)) for a bound that tracked
// the k-th exactly. The pass costs the Gram once more (each block of the
// full product, not half of it), gs·n²/8 vector steps and a selection of
// n/gs values per row.

// gramSeedMaxBytes bounds n rows' group minima taken all at once, as the
// seeding first held them: it keeps seeding to the sizes it was measured
// on. gramSeeds itself now holds only a few row blocks' minima at a time.
const gramSeedMaxBytes = 16 << 20

// gramSeedWidth returns the rows per group of gramSeeds for n rows and k
// neighbours: a divisor of kernel.BlockRows/8 (so that a block's columns
// fall in whole groups of 8·gs), the largest that leaves at least 4k
// groups, up to 24; 0 when seeding does not pay (fewer than two rows a
// group) or the minima would exceed gramSeedMaxBytes.
func gramSeedWidth(n, k int) int {
	gs := 0
	for _, w := range []int{24, 12, 8, 6, 4, 3, 2} {
		if n/w >= 4*k {
			gs = w
			break
		}
	}
	if gs == 0 || int64(n)*int64(n/gs+kernel.BlockRows)*8 > gramSeedMaxBytes {
		return 0
	}
	return gs
}

// seedGroups returns the number of groups over cols columns of a kernel
// with lanes lanes (kernel.GroupMin32: 8, gramSeeds' groups of a block and
// rowGroupMins'; kernel.GroupMinF32: 16, rowSeedKth's groupMins): lanes per
// chunk of lanes·gs columns, lanes more over the largest multiple of lanes
// left (groups of fewer than gs), and the last few columns in groups of gs.
func seedGroups(cols, gs, lanes int) int {
	w := lanes * gs
	m, rem := cols/w*lanes, cols%w
	if rem >= lanes {
		m, rem = m+lanes, rem%lanes
	}
	return m + (rem+gs-1)/gs
}

// gramSeeds sets the bound of every row of c to the seeding bound above,
// computed from the full Gram product of the prepared rows (kernel.Cross32:
// at most kernel.FlushEvery features, so its entries are exact float32
// sums). Rows keep +Inf when fewer than k groups are finite.
//
// The minima of a block of kernel.BlockRows rows go to a buffer of that
// block (seedBufs: reused, not cleared, every entry is written) and its
// rows' bounds are selected as soon as its last column block is in, so
// that a few blocks' minima are held at a time, not all n rows' (8 MB at
// n = 2,000, k = 100), and read while still in cache.
func gramSeeds(pr *prepared, c *collector, n, k, gs, threads int) {
	nb := (n + kernel.BlockRows - 1) / kernel.BlockRows
	off := make([]int, nb+1) // a row's minima of column block J start at off[J]
	for J := range nb {
		cols := min(kernel.BlockRows, n-J*kernel.BlockRows)
		off[J+1] = off[J] + seedGroups(cols, gs, 8)
	}
	m := off[nb]
	h := c.h
	var top float64 // max nⱼ
	for _, v := range pr.norm {
		top = max(top, v)
	}
	slack := 2*pr.tau*top + pr.eabs
	var mu sync.Mutex
	bufs := make([]*[]float64, nb) // row block I's minima, while in use
	left := make([]int, nb)        // column blocks row block I still waits for
	for I := range left {
		left[I] = nb
	}
	kernel.Cross32(pr.p, pr.p, threads, func(_, i0, i1, j0, j1 int, g []float32, ld int) {
		I, J := i0/kernel.BlockRows, j0/kernel.BlockRows
		mu.Lock()
		bp := bufs[I]
		if bp == nil {
			bp = seedBufs.Get().(*[]float64)
			if cap(*bp) < kernel.BlockRows*m {
				*bp = make([]float64, kernel.BlockRows*m)
			}
			bufs[I] = bp
		}
		mu.Unlock()
		mins := (*bp)[:kernel.BlockRows*m]
		hj := h[j0:j1]
		for i := i0; i < i1; i++ {
			gi := g[(i-i0)*ld : (i-i0)*ld+j1-j0]
			if j0 <= i && i < j1 {
				gi[i-j0] = float32(math.Inf(-1)) // vᵢᵢ = +Inf: i is not its own neighbour
			}
			rowGroupMins(gi, hj, gs, mins[(i-i0)*m+off[J]:(i-i0)*m+off[J+1]])
		}
		mu.Lock()
		left[I]--
		last := left[I] == 0
		if last {
			bufs[I] = nil
		}
		mu.Unlock()
		if !last {
			return
		}
		for i := i0; i < i1; i++ {
			kth := kthSmallest(mins[(i-i0)*m:(i-i0+1)*m], k)
			if math.IsInf(kth, 1) || math.IsNaN(kth) {
				continue
			}
			ni := (1 + pr.tau) * pr.norm[i]
			s := kth + slack + ni
			c.rows[i].u = s + (math.Abs(kth)+slack+ni)*0x1p-40
		}
		seedBufs.Put(bp)
	})
}

// seedBufs recycles gramSeeds' buffers of a row block's minima.
var seedBufs = sync.Pool{New: func() any { return new([]float64) }}
