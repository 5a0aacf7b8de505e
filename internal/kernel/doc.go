// Package kernel computes blocks of dot products and squared Euclidean
// distances between float32 rows, the inner loop of every neighbour search
// and Gram matrix in intdim (docs/DESIGN.md §4).
//
// For rows xᵢ of X (m×d) and yⱼ of Y (n×d) the distance block is
//
//	Dᵢⱼ = ‖xᵢ‖² + ‖yⱼ‖² − 2·xᵢ·yⱼ,
//
// and the cost is the matrix product X·Yᵀ, 2·m·n·d flops. The product is
// cache-blocked after Goto & van de Geijn, "Anatomy of high-performance
// matrix multiplication" (ACM TOMS 2008): rows are packed into interleaved
// panels of MR (left) and NR (right) rows, and a register-tiled micro-kernel
// accumulates an MR×NR tile over KC features at a time. Sums are carried in
// float32 inside a micro-kernel call and in float64 across every FlushEvery
// features, so the rounding error of an entry is at most
//
//	|ĝᵢⱼ − xᵢ·yⱼ| ≤ Tau(d)·‖xᵢ‖·‖yⱼ‖ (Higham, Accuracy and Stability of
//	Numerical Algorithms, 2nd ed., §3.1, γₙ = n·u/(1 − n·u)),
//
// with the inputs already rounded to float32.
//
// The micro-kernels are Go assembly: on amd64 AVX-512F 12×32 and AVX2+FMA
// 6×16 tiles; on arm64 an ASIMD 6×16 tile. Gram64 (float64, for PC-ID) and
// Dist2 (exact squared distances) have AVX-512F and AVX2 variants on amd64.
// Every kernel is chosen the same way (dispatch.go): one init selects, once,
// the fastest variant the CPU supports (golang.org/x/sys/cpu) from the list
// of one file per architecture. Each kernel's pure-Go twin (tileGo,
// tileGo64, dist2AccGo) is always compiled, is the specification every
// assembly variant is tested against (odd sizes, guard bands, and the fuzz
// targets FuzzTile, FuzzGram64 and FuzzDist2), and is the only variant under
// the purego build tag or on other architectures. The Gram64 and Dist2
// variants agree with their twins bit for bit; the float32 tiles within the
// float32 error bound. The assembly is written out by hand (fully unrolled),
// except the sorting networks, which gen_sortnet.go writes.
//
// Later AVX-512 kernels, each with its pure-Go twin and fuzz target:
//
//   - CandKeys: a candidate list's sorting-network keys, sorted, and whether
//     their high 56 bits are distinct (FuzzCandKeys).
//   - Dist2Cands: a candidate list's exact Dist2 to its rows, eight
//     candidates at a time (FuzzDist2Cands).
//   - Dist2Cols: exact Dist2 of rows held by column, and the rows within a
//     bound (FuzzDist2Cols).
//   - Dist2LowerF32: a float32 lower bound on Dist2F32 (FuzzDist2LowerF32).
//   - GroupMinF32: GroupMin32's minima in float32 (FuzzGroupMinF32).
//   - KthF32: the k-th smallest of float32 values in one call (FuzzKthF32).
//   - MiNDTerms64: the MiND_ML log-likelihood's terms (FuzzMiNDTerms64).
//   - RankLess: ranks by comparison counting (FuzzRankLess).
//   - ScanRowAllF32: ScanRowAll32's test in float32 (FuzzScanRowAllF32).
//   - SortKeysIn: bitonic sorting networks of up to 128 keys (FuzzSortKeys).
//   - Sqrt64: square roots in place, eight a step (FuzzSqrt64).
//
// Many small products (nn's training shards) pack with Packed.PackLeft and
// PackRight, which reuse a Packed's buffers and read row-major or transposed
// storage, and take float32 blocks from Cross32, which skips the float64
// accumulators where they change nothing (at most FlushEvery features).
package kernel
