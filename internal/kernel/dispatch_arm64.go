//go:build arm64 && !purego

package kernel

// archVariants lists the arm64 assembly (see dispatch.go). ASIMD is part of
// the arm64 baseline, so the float32 micro-kernel is always listed; Gram64,
// Dist2 and PeakFlops use their pure-Go twins.
func archVariants() variants {
	return variants{tile: []impl{{name: "neon", mr: 6, nr: 16, tile: tile6x16NEON}}}
}
