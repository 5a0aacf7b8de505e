//go:build amd64 && !purego

package kernel

import "golang.org/x/sys/cpu"

// archVariants lists the amd64 assembly this CPU can run, fastest first
// (see dispatch.go): AVX-512F, then AVX2 (with FMA for the multiply-add
// kernels; Dist2Acc does not fuse and needs AVX2 only). The AVX-512 scan
// and partition kernels count mask bits with POPCNT, a separate CPUID flag,
// so the AVX-512 list requires it too.
func archVariants() variants {
	var v variants
	if cpu.X86.HasAVX512F && cpu.X86.HasPOPCNT {
		v.tile = append(v.tile, impl{name: "avx512", mr: 12, nr: 32, tile: tile12x32AVX512})
		v.tile64 = append(v.tile64, impl64{name: "avx512", mr: 12, nr: 16, tile: tile12x16F64AVX512})
		v.dist2 = append(v.dist2, dist2Impl{"avx512", dist2AccAVX512})
		v.sqDiff = append(v.sqDiff, sqDiffImpl{"avx512", sqDiffAVX512})
		v.dist2f32 = append(v.dist2f32, dist2F32Impl{"avx512", dist2AccF32AVX512})
		v.sqDiffF32 = append(v.sqDiffF32, sqDiffF32Impl{"avx512", sqDiffF32AVX512, sqDiffChunksF32AVX512})
		v.peak = append(v.peak, peakImpl{"avx512", fmaLoopAVX512, 24 * 16 * 2})
		v.scan = append(v.scan, scanImpl{"avx512", scanRow32AVX512, scanCol32AVX512, scanRowAll32AVX512})
		v.cov = append(v.cov, covAVX512)
		v.maxAbs = maxAbsBitsAVX512
		v.hashRows = hashRowsAVX512
		v.groupMin = append(v.groupMin, groupMinImpl{"avx512", groupMin32AVX512})
		v.part = append(v.part, partImpl{"avx512", partition3AVX512})
		v.log = append(v.log, logImpl{"avx512", log64AVX512})
		v.rank = append(v.rank, rankImpl{"avx512", rankLessAVX512})
		v.sortNet = append(v.sortNet, sortNetImpl{"avx512", sortKeysAVX512})
		v.sqrt = append(v.sqrt, sqrtImpl{"avx512", sqrt64AVX512})
		v.dist2Cands = append(v.dist2Cands, dist2CandsImpl{"avx512", dist2CandsAVX512})
		v.candKeys = append(v.candKeys, candKeysImpl{"avx512", candKeysAVX512, keysDistinctAVX512})
		v.kthF32 = append(v.kthF32, kthF32Impl{"avx512", kthF32AVX512})
		if cpu.X86.HasFMA && cpu.X86.HasAVX { // math.Exp's FMA form (useFMA)
			v.mind = append(v.mind, mindImpl{"avx512", mindTermsAVX512})
		}
		v.scanF32 = append(v.scanF32, scanF32Impl{"avx512", scanRowAllF32AVX512})
		v.groupMinF32 = append(v.groupMinF32, groupMinF32Impl{"avx512", groupMinF32AVX512})
		v.dist2Cols = append(v.dist2Cols, dist2ColsImpl{"avx512", dist2ColsAVX512})
		if cpu.X86.HasAVX512DQ { // VPMULLQ
			v.hashLanes = append(v.hashLanes, hashLanesImpl{"avx512", hashLanesAVX512})
		}
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		v.tile = append(v.tile, impl{name: "avx2", mr: 6, nr: 16, tile: tile6x16AVX2})
		v.tile64 = append(v.tile64, impl64{name: "avx2", mr: 6, nr: 8, tile: tile6x8F64AVX2})
		v.peak = append(v.peak, peakImpl{"avx2", fmaLoopAVX2, 12 * 8 * 2})
	}
	if cpu.X86.HasAVX2 {
		v.dist2 = append(v.dist2, dist2Impl{"avx2", dist2AccAVX2})
	}
	return v
}
