//go:build amd64 && !purego

package kernel

import "golang.org/x/sys/cpu"

// transpose8AVX implements transpose8Go by 8×8 blocks in ymm registers
// (unpack, shuffle, 128-bit permute): eight loads and eight stores of
// eight values each per block.
//
//go:noescape
func transpose8AVX(dst *float32, w int, src *float32, kc, h8, k8 int)

func init() {
	if cpu.X86.HasAVX {
		transpose8Best = transpose8AVX
	}
}
