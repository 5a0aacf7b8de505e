//go:build !(amd64 || arm64) || purego

package kernel

func asmImpls() []impl { return nil }

func peakFlops(iters int) float64 { return peakFlopsGo(iters) }
