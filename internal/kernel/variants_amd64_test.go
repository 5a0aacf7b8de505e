//go:build amd64 && !purego

package kernel

import (
	"testing"

	"golang.org/x/sys/cpu"
)

// TestDispatchAVX512: on a CPU with AVX-512F (and POPCNT, which
// dispatch_amd64.go also requires) every kernel with an AVX-512 variant
// selects it; MiNDTerms64's also needs FMA and AVX. Without POPCNT none is
// selected. Skipped only where the CPU lacks AVX-512F.
func TestDispatchAVX512(t *testing.T) {
	if !cpu.X86.HasAVX512F {
		t.Skip("CPU lacks AVX-512F")
	}
	avx512 := cpu.X86.HasPOPCNT
	check := func(kernel, got string, want bool) {
		t.Helper()
		if (got == "avx512") != want {
			t.Errorf("%s selects %q; AVX-512 variant expected: %v", kernel, got, want)
		}
	}
	check("tile", best.name, avx512)
	check("tile64", best64.name, avx512)
	check("Dist2", dist2Best.name, avx512)
	check("SqDiff", sqDiffBest.name, avx512)
	check("Dist2F32", dist2F32.name, avx512)
	check("Dist2LowerF32", sqDiffF32Best.name, avx512)
	check("PeakFlops", peakBest.name, avx512)
	check("ScanRow32", scanBest.name, avx512)
	check("GramCols64", covBest.name, avx512)
	check("GroupMin32", groupMinBest.name, avx512)
	check("Partition3", partBest.name, avx512)
	check("Log64", logBest.name, avx512)
	check("RankLess", rankBest.name, avx512)
	check("SortKeysIn", sortNetBest.name, avx512)
	check("MiNDTerms64", mindBest.name, avx512 && cpu.X86.HasFMA && cpu.X86.HasAVX)
	check("Sqrt64", sqrtBest.name, avx512)
	check("Dist2Cands", dist2CandsBest.name, avx512)
	check("CandKeys", candKeysBest.name, avx512)
	check("KthF32", kthF32Best.name, avx512)
	check("ScanRowAllF32", scanF32Best.name, avx512)
	check("GroupMinF32", groupMinF32Best.name, avx512)
	check("Dist2Cols", dist2ColsBest.name, avx512)
	check("HashLanes32", hashLanesBest.name, avx512 && cpu.X86.HasAVX512DQ)
	if (maxAbsBest != nil) != avx512 || (hashRowsBest != nil) != avx512 {
		t.Errorf("MaxAbsBits64, HashRows64 assembly set: %v, %v; expected: %v",
			maxAbsBest != nil, hashRowsBest != nil, avx512)
	}
}
