//go:build !(amd64 || arm64) || purego

package kernel

// archVariants lists no assembly: only the pure-Go twins run (see dispatch.go).
func archVariants() variants { return variants{} }
