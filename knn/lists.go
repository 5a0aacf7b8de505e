package knn

import (
	"fmt"
	"math"
	"runtime"
	"slices"
)

// ListsOptions says how neighbour lists computed elsewhere are laid out.
type ListsOptions struct {
	// NoSelf is set for lists without the self column (as FAISS or a
	// search of k + 1 with column 0 dropped gives them); by default
	// column 0 is the point itself, as scikit-learn's kneighbors(X) returns
	// it.
	NoSelf bool
}

// FromLists builds the Graph of n points from neighbour lists computed
// elsewhere: index and dist are n×k, row-major, row i listing the
// neighbours of point i at ascending distances. It validates them
// (indices in [0, n), no point twice in a row, distances finite,
// non-negative and ascending, the self column as opt says) and returns a
// graph sorted as Search sorts it: ties broken by the smaller index, the
// point itself left out. With the self column the graph keeps k − 1
// neighbours: row i loses the entry of i itself or, when i is hidden among
// exact duplicates at distance 0 (a list may hold them in any order), its
// last entry. Errors say which row and column (counted from 0) is wrong.
func FromLists(index []int64, dist []float64, n, k int, opt *ListsOptions) (*Graph, error) {
	if len(index) != n*k || len(dist) != n*k {
		panic(fmt.Sprintf("knn: FromLists: %d indices and %d distances for %d×%d", len(index), len(dist), n, k))
	}
	self := opt == nil || !opt.NoSelf
	kk := k
	if self {
		kk = k - 1
	}
	if kk < 1 {
		return nil, fmt.Errorf("%d columns leave no neighbour besides the point itself", k)
	}
	if kk > n-1 {
		return nil, fmt.Errorf("%d neighbours per point, but only %d points", kk, n)
	}
	g := &Graph{N: n, K: kk, Index: make([]int32, n*kk), Dist: make([]float64, n*kk)}
	seen := make([]int32, n) // seen[j] == i+1: j already in row i
	type entry struct {
		d float64
		j int32
	}
	row := make([]entry, 0, k)
	for i := range n {
		row = row[:0]
		hasSelf := false
		for c := range k {
			j, d := index[i*k+c], dist[i*k+c]
			if j < 0 || j >= int64(n) {
				return nil, fmt.Errorf("row %d, column %d: index %d outside [0, %d)", i, c, j, n)
			}
			if math.IsNaN(d) || math.IsInf(d, 0) || d < 0 {
				return nil, fmt.Errorf("row %d, column %d: distance %v (want finite and non-negative)", i, c, d)
			}
			if c > 0 && d < dist[i*k+c-1] {
				return nil, fmt.Errorf("row %d, column %d: distance %v after %v: the distances are not ascending", i, c, d, dist[i*k+c-1])
			}
			if seen[j] == int32(i+1) {
				return nil, fmt.Errorf("row %d, column %d: index %d appears twice", i, c, j)
			}
			seen[j] = int32(i + 1)
			if j == int64(i) {
				if !self {
					return nil, fmt.Errorf("row %d, column %d: the point lists itself, but the lists were said to have no self column", i, c)
				}
				if d != 0 {
					return nil, fmt.Errorf("row %d, column %d: the point itself at distance %v, not 0", i, c, d)
				}
				hasSelf = true
				continue
			}
			row = append(row, entry{d, int32(j)})
		}
		if self && !hasSelf {
			if dist[i*k] != 0 {
				return nil, &SelfColumnError{Row: i, Index: index[i*k], Dist: dist[i*k]}
			}
			row = row[:kk] // i hides among its duplicates at distance 0
		}
		// Already ascending: only runs of equal distances need ordering.
		slices.SortStableFunc(row, func(a, b entry) int {
			if a.d != b.d {
				if a.d < b.d {
					return -1
				}
				return 1
			}
			return int(a.j) - int(b.j)
		})
		for c, e := range row {
			g.Index[i*kk+c], g.Dist[i*kk+c] = e.j, e.d
		}
	}
	return g, nil
}

// FromMatrix builds the k-neighbour Graph of the points keep (positions in
// the n×n distance matrix d, row-major) among themselves: row r of the
// graph is point keep[r], its neighbours are positions in keep, sorted by
// distance, ties broken by the smaller index, as Search does. keep nil
// means every point. The matrix must have been checked (CheckMatrix).
func FromMatrix(d []float64, n int, keep []int, k int) *Graph {
	if keep == nil {
		keep = make([]int, n)
		for i := range keep {
			keep[i] = i
		}
	}
	m := len(keep)
	if k < 1 || k > m-1 {
		panic(fmt.Sprintf("knn: FromMatrix: k = %d with %d points", k, m))
	}
	g := &Graph{N: m, K: k, Index: make([]int32, m*k), Dist: make([]float64, m*k)}
	parallelRows(m, runtime.GOMAXPROCS(0), func(r int, h *TopK) {
		h.Reset(k)
		row := d[keep[r]*n : (keep[r]+1)*n]
		for c, j := range keep {
			if c != r {
				h.Push(row[j], int32(c))
			}
		}
		h.Sorted(g.Index[r*k:(r+1)*k], g.Dist[r*k:(r+1)*k])
	})
	return g
}

// CheckMatrix validates an n×n distance matrix: every value finite and
// non-negative, the diagonal zero, and d[i][j] = d[j][i] within a relative
// 1e-12 (a matrix computed through ‖x‖² + ‖y‖² − 2x·y may differ in the
// last bits). Errors name the first bad entry (row, column from 0).
func CheckMatrix(d []float64, n int) error {
	if len(d) != n*n {
		panic(fmt.Sprintf("knn: CheckMatrix: %d values for %d×%d", len(d), n, n))
	}
	for i := range n {
		for j := range n {
			v := d[i*n+j]
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return fmt.Errorf("row %d, column %d: distance %v (want finite and non-negative)", i, j, v)
			}
			if i == j && v != 0 {
				return fmt.Errorf("row %d, column %d: diagonal entry %v, not 0", i, j, v)
			}
			if j < i {
				if w := d[j*n+i]; math.Abs(v-w) > 1e-12*max(v, w) {
					return fmt.Errorf("row %d, column %d: %v, but %v at row %d, column %d: the matrix is not symmetric", i, j, v, w, j, i)
				}
			}
		}
	}
	return nil
}

// MatrixDuplicates returns, ascending, the first point of every group of
// points at distance 0 from one another in the n×n distance matrix d
// (the rows FindDuplicates keeps), and the number of points removed.
func MatrixDuplicates(d []float64, n int) (keep []int, removed int) {
	dup := make([]bool, n)
	for i := range n {
		if dup[i] {
			continue
		}
		keep = append(keep, i)
		for j := i + 1; j < n; j++ {
			if d[i*n+j] == 0 && !dup[j] {
				dup[j] = true
				removed++
			}
		}
	}
	return keep, removed
}

// CollapseZeros collapses the groups of points joined by neighbour entries
// at distance 0 (exact duplicates) to their first point, as FindDuplicates
// and Search on the kept rows would: the result's row r is point keep[r],
// entries of removed points are left out and indices renumbered (which
// keeps their order). Every row keeps as many neighbours as the shortest
// list has left. removed is the number of points left out; when it is 0
// the result is g itself.
func CollapseZeros(g *Graph) (out *Graph, keep []int, removed int) {
	parent := make([]int32, g.N)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(i int32) int32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i := range g.N {
		for c := range g.K {
			if g.Dist[i*g.K+c] != 0 {
				break
			}
			a, b := find(int32(i)), find(g.Index[i*g.K+c])
			if a != b { // the root is the smaller index
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	pos := make([]int32, g.N)
	for i := range g.N {
		if find(int32(i)) == int32(i) {
			pos[i] = int32(len(keep))
			keep = append(keep, i)
		} else {
			pos[i] = -1
		}
	}
	removed = g.N - len(keep)
	if removed == 0 {
		return g, keep, 0
	}
	k := g.K
	for _, i := range keep {
		left := 0
		for _, j := range g.Index[i*g.K : (i+1)*g.K] {
			if pos[j] >= 0 {
				left++
			}
		}
		k = min(k, left)
	}
	out = &Graph{N: len(keep), K: k, Index: make([]int32, len(keep)*k), Dist: make([]float64, len(keep)*k)}
	for r, i := range keep {
		c := 0
		for t, j := range g.Index[i*g.K : (i+1)*g.K] {
			if pos[j] < 0 {
				continue
			}
			if c == k {
				break
			}
			out.Index[r*k+c], out.Dist[r*k+c] = pos[j], g.Dist[i*g.K+t]
			c++
		}
	}
	return out, keep, removed
}

// SelfColumnError reports lists said to have a self column (column 0 the
// point itself, as scikit-learn's kneighbors(X) returns them) whose row
// Row starts with another point at a positive distance: lists without the
// self column (FAISS-style) need ListsOptions.NoSelf.
type SelfColumnError struct {
	Row   int
	Index int64   // the point in column 0
	Dist  float64 // its distance
}

func (e *SelfColumnError) Error() string {
	return fmt.Sprintf("row %d: column 0 is index %d at distance %v, not the point itself (the lists have no self column)", e.Row, e.Index, e.Dist)
}
