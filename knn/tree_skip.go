package knn

// stripLikely and countLikely: the tree skipped, before it is built, where
// the strip search (SearchAuto, up to 5 columns, k ≤ sortedMaxK) or
// countKernel will beat it.

// treeSkipScale is the share of the rows (one in treeSkipScale) that
// stripLikely's scaled tree holds.
const treeSkipScale = 4

// treeSkipQueries is the number of queries of stripLikely's scaled tree.
const treeSkipQueries = 32

// treeSkipShare is the share of the strip's predicted cost above which
// stripLikely skips the tree.
const treeSkipShare = 0.7

// stripLikely reports whether the rows of m, up to 5 columns at 8 ≤ k ≤
// sortedMaxK where the strip search takes the brute force, are predicted to
// search faster by the strip than by the tree by enough that neither the
// tree of all the rows nor treeWorth's sample of it need be made. It builds
// the tree of every treeSkipScale-th row with leaves of treeLeaf /
// treeSkipScale rows and queries treeSkipQueries of them for their k /
// treeSkipScale nearest: a scaled copy of the whole tree (the same share of
// the rows in a leaf and in a query's ball, k/n), whose distances per query
// times treeSkipScale estimate the whole tree's, E. With treeWorth's costs
// of the strip's row, P = n·(0.4 + 0.015·d) + 21·k ns, and of the tree's
// distance, e = 13 + d/3 ns, it returns true when E·e ≥ treeSkipShare·P.
//
// Measured on the d ≤ 5 reference arrays of BENCHMARKS.md (n = 2,000, k =
// 20; E against the whole tree's distances per query): the helix 50 (54),
// the three rolls 85–91 (105–119), the 5-column affine array 107 (148);
// P/e = 94 there, so the threshold 0.7·94 = 66 lies 1.3 times from the
// helix (tree, built and sampled as before) and from the rolls (strip, no
// tree built: 60 µs for the scaled tree and its queries against 280 for the
// whole tree and treeWorth's). treeWorth's constants favour the tree: the
// rolls, at 1.12 times its break-even, search 1.4 times slower by the tree.
func stripLikely(m matrix, k int) bool {
	n, d := m.n(), m.d
	if d > 5 || n < 1024 || n > rowStripMaxRows || k < 2*treeSkipScale || k > sortedMaxK || !rankUsable || gramSeedWidth(n, k) == 0 {
		return false
	}
	ns, ks := n/treeSkipScale, k/treeSkipScale
	t := scaledTree(m)
	if t == nil {
		return false
	}
	r := &treeQuery{k: ks}
	idx, dist := make([]int32, ks), make([]float64, ks)
	for s := range treeSkipQueries {
		t.query(s*ns/treeSkipQueries, nil, nil, r, idx, dist)
	}
	perEval := 13 + float64(d)/3
	perQuery := float64(n)*(0.4+0.015*float64(d)) + float64(k)*21
	return float64(r.evals*treeSkipScale)*perEval >= treeSkipShare*treeSkipQueries*perQuery
}

// treeCountSkip is the share of countKernel's predicted cost above which
// countLikely skips the tree.
const treeCountSkip = 1.4

// countLikely reports whether countKernel is predicted to count the pairs
// of the rows of m within the thresholds ts faster than the tree by enough
// that the tree of all the rows need not be built for countWorth (up to 5
// columns, at least 1,024 rows). As stripLikely it queries a scaled tree
// (every treeSkipScale-th row, leaves of treeLeaf / treeSkipScale rows;
// the same thresholds): its distances times treeSkipScale estimate the
// whole tree's, its boxes (as many leaves) the whole tree's, costed as
// countWorth costs them; true when they reach treeCountSkip times
// countWorth's budget for countKernel. Measured at CorrInt's radii on the
// d ≤ 5 reference arrays (32 queries, cost over the budget, the scaled
// tree's against the whole tree's): the rolls 1.63–1.76 (1.92–2.10), the
// 5-column affine array 2.67 (3.20), the helix 1.10 (1.09); countWorth
// refuses the tree on all five.
func countLikely(m matrix, ts []float64) bool {
	n, d := m.n(), m.d
	if d > 5 || n < 1024 {
		return false
	}
	ns := n / treeSkipScale
	t := scaledTree(m)
	if t == nil {
		return false
	}
	k := &treeCounter{t: t, ts: ts, c: make([]int64, len(ts))}
	fd := float64(d)
	budget := treeCountSkip * treeSkipQueries * float64(n) / 2 * (0.55 + fd/40)
	for s := range treeSkipQueries {
		k.query(s * ns / treeSkipQueries)
		if float64(k.evals*treeSkipScale)*(fd+4)+float64(k.nodes)*(3*fd+10) >= budget {
			return true
		}
	}
	return false
}

// scaledTree is the tree of every treeSkipScale-th row of m, with leaves
// of treeLeaf / treeSkipScale rows, that stripLikely and countLikely query
// (nil where newTreeLeaf builds none).
func scaledTree(m matrix) *kdTree {
	n := m.n()
	ns := n / treeSkipScale
	rows := make([]int, ns)
	for s := range rows {
		rows[s] = m.index(s * n / ns)
	}
	return newTreeLeaf(matrix{m: m.m, d: m.d, rows: rows}, treeLeaf/treeSkipScale)
}
