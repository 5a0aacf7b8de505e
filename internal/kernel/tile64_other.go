//go:build !amd64 || purego

package kernel

func asmImpls64() []impl64 { return nil }
