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
	sortNet     []sortNetImpl                                                                        // SortKeysIn
	mind        []mindImpl                                                                           // MiNDTerms64
	sqrt        []sqrtImpl                                                                           // Sqrt64
	dist2Cands  []dist2CandsImpl                                                                     // Dist2Cands
	candKeys    []candKeysImpl                                                                       // CandKeys
	kthF32      []kthF32Impl                                                                         // KthF32
	scanF32     []scanF32Impl                                                                        // ScanRowAllF32
	groupMinF32 []groupMinF32Impl                                                                    // GroupMinF32
	dist2Cols   []dist2ColsImpl                                                                      // Dist2Cols
	hashLanes   []hashLanesImpl                                                                      // HashLanes32
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
	available       []impl
	available64     []impl64
	dist2Impls      []dist2Impl
	sqDiffs         []sqDiffImpl
	dist2F32s       []dist2F32Impl
	sqDiffF32s      []sqDiffF32Impl
	peakImpls       []peakImpl
	scanImpls       []scanImpl
	covImpls        []covImpl
	groupMins       []groupMinImpl
	partImpls       []partImpl
	logImpls        []logImpl
	rankImpls       []rankImpl
	sortNets        []sortNetImpl
	mindImpls       []mindImpl
	sqrtImpls       []sqrtImpl
	dist2CandsImpls []dist2CandsImpl
	candKeysImpls   []candKeysImpl
	kthF32Impls     []kthF32Impl
	scanF32s        []scanF32Impl
	groupMinF32s    []groupMinF32Impl
	dist2ColsAll    []dist2ColsImpl
	hashLanesImpls  []hashLanesImpl
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
	dist2CandsBest  dist2CandsImpl
	candKeysBest    candKeysImpl
	kthF32Best      kthF32Impl
	scanF32Best     scanF32Impl
	groupMinF32Best groupMinF32Impl
	dist2ColsBest   dist2ColsImpl
	hashLanesBest   hashLanesImpl
)

func init() {
	v := archVariants()
	available, best = withTwin(v.tile, goImpl(4, 8))
	available64, best64 = withTwin(v.tile64, goImpl64(4, 8))
	dist2Impls, dist2Best = withTwin(v.dist2, dist2Impl{"purego", dist2AccPtr})
	dist2F32s, dist2F32 = withTwin(v.dist2f32, dist2F32Impl{"purego", dist2AccF32Ptr})
	sqDiffF32s, sqDiffF32Best = withTwin(v.sqDiffF32, sqDiffF32Impl{"purego", sqDiffF32Ptr, sqDiffChunksF32Go})
	sqDiffs, sqDiffBest = withTwin(v.sqDiff, sqDiffImpl{"purego", sqDiffPtr})
	peakImpls, peakBest = withTwin(v.peak, peakImpl{"purego", func(iters int) { peakSink = peakLoopGo(iters) }, 8 * 2})
	scanImpls, scanBest = withTwin(v.scan, scanImpl{"purego", scanRow32Go, scanCol32Go, scanRowAll32Go})
	covImpls, covBest = withTwin(v.cov, covGoImpl)
	groupMins, groupMinBest = withTwin(v.groupMin, groupMinImpl{"purego", groupMin32Go})
	partImpls, partBest = withTwin(v.part, partImpl{"purego", partition3Go})
	logImpls, logBest = withTwin(v.log, logImpl{"purego", log64Go})
	rankImpls, rankBest = withTwin(v.rank, rankImpl{"purego", rankLessGo})
	sortNets, sortNetBest = withTwin(v.sortNet, sortNetImpl{"purego", sortKeysGo})
	mindImpls, mindBest = withTwin(v.mind, mindImpl{"purego", mindTermsGo})
	sqrtImpls, sqrtBest = withTwin(v.sqrt, sqrtImpl{"purego", sqrt64Go})
	dist2CandsImpls, dist2CandsBest = withTwin(v.dist2Cands, dist2CandsImpl{"purego", dist2CandsGo})
	candKeysImpls, candKeysBest = withTwin(v.candKeys, candKeysImpl{"purego", candKeysGo, keysDistinctGo})
	kthF32Impls, kthF32Best = withTwin(v.kthF32, kthF32Impl{"purego", kthF32Go})
	scanF32s, scanF32Best = withTwin(v.scanF32, scanF32Impl{"purego", scanRowAllF32Go})
	groupMinF32s, groupMinF32Best = withTwin(v.groupMinF32, groupMinF32Impl{"purego", groupMinF32Go})
	dist2ColsAll, dist2ColsBest = withTwin(v.dist2Cols, dist2ColsImpl{"purego", dist2ColsGo})
	hashLanesImpls, hashLanesBest = withTwin(v.hashLanes, hashLanesImpl{"purego", hashLanesGo})
	maxAbsBest = v.maxAbs
	hashRowsBest = v.hashRows
}

// withTwin returns a kernel's variants, its assembly (fastest first) then
// its pure-Go twin, and the first of them, the one selected.
func withTwin[T any](asm []T, twin T) (all []T, first T) {
	all = append(asm, twin)
	return all, all[0]
}
