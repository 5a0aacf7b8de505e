package kernel

// Dispatch: one pattern for every kernel of the package.
//
// Each kernel has a pure-Go twin, which is its specification, and may have
// assembly variants. Exactly one file per build defines archVariants:
// dispatch_amd64.go and dispatch_arm64.go (with !purego) list the assembly
// variants this CPU can run, fastest first, from the feature flags of
// golang.org/x/sys/cpu; dispatch_other.go (other architectures, or the
// purego build tag) lists none. The single init below appends the pure-Go
// twins and selects the first variant of each list; nothing else in the
// package chooses an implementation. Tests and fuzz targets run every listed
// variant against its twin. A new kernel adds a field to variants, its
// assembly to archVariants and its twin to init.
type variants struct {
	tile   []impl       // float32 micro-kernels: Dots, Cross, SymGram, Gram
	tile64 []impl64     // float64 micro-kernels: Gram64, AddGram64
	dist2  []dist2Impl  // Dist2Acc, Dist2
	sqDiff []sqDiffImpl // SqDiff
	// Dist2AccF32, Dist2F32
	dist2f32 []dist2F32Impl
	// Dist2LowerF32
	sqDiffF32   []sqDiffF32Impl
	peak        []peakImpl                                                                           // PeakFlops
	scan        []scanImpl                                                                           // ScanRow32, ScanCol32
	cov         []covImpl                                                                            // GramCols64 for d ≤ covMaxD
	groupMin    []groupMinImpl                                                                       // GroupMin32
	part        []partImpl                                                                           // Partition3
	log         []logImpl                                                                            // Log64
	rank        []rankImpl                                                                           // RankLess
	sortNet     []sortNetImpl                                                                        // SortKeys
	mind        []mindImpl                                                                           // MiNDTerms64
	sqrt        []sqrtImpl                                                                           // Sqrt64
	dist2T      []dist2TImpl                                                                         // Dist2T8
	scanF32     []scanF32Impl                                                                        // ScanRowAllF32
	groupMinF32 []groupMinF32Impl                                                                    // GroupMinF32
	maxAbs      func(p *float64, n int, out *[8]uint64)                                              // MaxAbsBits64
	hashRows    func(src *float64, d, rows int, keys *uint64, consts *[covMaxD]uint64, masks uint64) // HashRows64
}

// peakImpl is a register-only FMA loop: loop(iters) performs flops float32
// flops per iteration.
type peakImpl struct {
	name  string
	loop  func(iters int)
	flops float64
}

// Every variant this machine runs, per kernel, fastest first; the pure-Go
// twin is always last.
var (
	available    []impl
	available64  []impl64
	dist2Impls   []dist2Impl
	sqDiffs      []sqDiffImpl
	dist2F32s    []dist2F32Impl
	sqDiffF32s   []sqDiffF32Impl
	peakImpls    []peakImpl
	scanImpls    []scanImpl
	covImpls     []covImpl
	groupMins    []groupMinImpl
	partImpls    []partImpl
	logImpls     []logImpl
	rankImpls    []rankImpl
	sortNets     []sortNetImpl
	mindImpls    []mindImpl
	sqrtImpls    []sqrtImpl
	dist2Ts      []dist2TImpl
	scanF32s     []scanF32Impl
	groupMinF32s []groupMinF32Impl
)

// The variants the exported functions use (tests swap them).
var (
	best            impl
	best64          impl64
	dist2Best       dist2Impl
	sqDiffBest      sqDiffImpl
	dist2F32        dist2F32Impl
	sqDiffF32Best   sqDiffF32Impl
	peakBest        peakImpl
	scanBest        scanImpl
	covBest         covImpl
	groupMinBest    groupMinImpl
	partBest        partImpl
	logBest         logImpl
	rankBest        rankImpl
	sortNetBest     sortNetImpl
	mindBest        mindImpl
	sqrtBest        sqrtImpl
	dist2TBest      dist2TImpl
	scanF32Best     scanF32Impl
	groupMinF32Best groupMinF32Impl
)

func init() {
	v := archVariants()
	available = append(v.tile, goImpl(4, 8))
	available64 = append(v.tile64, goImpl64(4, 8))
	dist2Impls = append(v.dist2, dist2Impl{"purego", dist2AccPtr})
	dist2F32s = append(v.dist2f32, dist2F32Impl{"purego", dist2AccF32Ptr})
	dist2F32 = dist2F32s[0]
	sqDiffF32s = append(v.sqDiffF32, sqDiffF32Impl{"purego", sqDiffF32Ptr})
	sqDiffF32Best = sqDiffF32s[0]
	sqDiffs = append(v.sqDiff, sqDiffImpl{"purego", sqDiffPtr})
	sqDiffBest = sqDiffs[0]
	peakImpls = append(v.peak, peakImpl{"purego", func(iters int) { peakSink = peakLoopGo(iters) }, 8 * 2})
	scanImpls = append(v.scan, scanImpl{"purego", scanRow32Go, scanCol32Go, scanRowAll32Go})
	best, best64, dist2Best, peakBest = available[0], available64[0], dist2Impls[0], peakImpls[0]
	scanBest = scanImpls[0]
	covImpls = append(v.cov, covGoImpl)
	covBest = covImpls[0]
	groupMins = append(v.groupMin, groupMinImpl{"purego", groupMin32Go})
	groupMinBest = groupMins[0]
	partImpls = append(v.part, partImpl{"purego", partition3Go})
	partBest = partImpls[0]
	logImpls = append(v.log, logImpl{"purego", log64Go})
	logBest = logImpls[0]
	rankImpls = append(v.rank, rankImpl{"purego", rankLessGo})
	rankBest = rankImpls[0]
	sortNets = append(v.sortNet, sortNetImpl{"purego", sortKeysGo})
	sortNetBest = sortNets[0]
	mindImpls = append(v.mind, mindImpl{"purego", mindTermsGo})
	mindBest = mindImpls[0]
	sqrtImpls = append(v.sqrt, sqrtImpl{"purego", sqrt64Go})
	sqrtBest = sqrtImpls[0]
	dist2Ts = append(v.dist2T, dist2TImpl{"purego", dist2T8Go})
	dist2TBest = dist2Ts[0]
	scanF32s = append(v.scanF32, scanF32Impl{"purego", scanRowAllF32Go})
	scanF32Best = scanF32s[0]
	groupMinF32s = append(v.groupMinF32, groupMinF32Impl{"purego", groupMinF32Go})
	groupMinF32Best = groupMinF32s[0]
	maxAbsBest = v.maxAbs
	hashRowsBest = v.hashRows
}
