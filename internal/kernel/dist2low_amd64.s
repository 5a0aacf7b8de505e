//go:build amd64 && !purego

#include "textflag.h"

// SQDIFF64 adds the squared differences of the 64 float32 values at A
// and B into the lanes Z0–Z3 (values 0–15, 16–31, 32–47, 48–63):
// subtract, multiply, add, no fusion; Z4–Z7 are clobbered.
#define SQDIFF64(A, B) \
	VMOVUPS 0(A), Z4 \
	VMOVUPS 64(A), Z5 \
	VMOVUPS 128(A), Z6 \
	VMOVUPS 192(A), Z7 \
	VSUBPS 0(B), Z4, Z4 \
	VSUBPS 64(B), Z5, Z5 \
	VSUBPS 128(B), Z6, Z6 \
	VSUBPS 192(B), Z7, Z7 \
	VMULPS Z4, Z4, Z4 \
	VMULPS Z5, Z5, Z5 \
	VMULPS Z6, Z6, Z6 \
	VMULPS Z7, Z7, Z7 \
	VADDPS Z4, Z0, Z0 \
	VADDPS Z5, Z1, Z1 \
	VADDPS Z6, Z2, Z2 \
	VADDPS Z7, Z3, Z3

// func sqDiffF32AVX512(a, b *float32, n int, s *[64]float32)
TEXT ·sqDiffF32AVX512(SB), NOSPLIT, $0-32
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ s+24(FP), DX
	VMOVUPS 0(DX), Z0
	VMOVUPS 64(DX), Z1
	VMOVUPS 128(DX), Z2
	VMOVUPS 192(DX), Z3
	SHRQ $6, CX
	JZ done
loop:
	SQDIFF64(SI, DI)
	ADDQ $256, SI
	ADDQ $256, DI
	DECQ CX
	JNZ loop
done:
	VMOVUPS Z0, 0(DX)
	VMOVUPS Z1, 64(DX)
	VMOVUPS Z2, 128(DX)
	VMOVUPS Z3, 192(DX)
	VZEROUPPER
	RET

// func sqDiffChunksF32AVX512(a, b *float32, chunks *int32, nc, m int, thr float32, s *[64]float32) int
//
// sqDiffF32AVX512's lanes over the chunks (256 values each, clipped to m)
// in the order of chunks; after each non-empty chunk but the last, the
// lanes' float32 sum (sqDiffChunksF32Go's order) against thr. (Prefetching
// the next chunk, or the one after, of both rows as a chunk begins changed
// nothing on pool1: 112.5 ms with either, 113.4 without, medians of 31
// interleaved runs.)
TEXT ·sqDiffChunksF32AVX512(SB), NOSPLIT, $0-64
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ chunks+16(FP), R8
	MOVQ nc+24(FP), R9
	MOVQ m+32(FP), R10
	VMOVSS thr+40(FP), X15
	MOVQ s+48(FP), DX
	VMOVUPS 0(DX), Z0
	VMOVUPS 64(DX), Z1
	VMOVUPS 128(DX), Z2
	VMOVUPS 192(DX), Z3
	XORQ R11, R11 // t
chunk:
	CMPQ R11, R9
	JGE all
	MOVLQSX (R8)(R11*4), AX
	SHLQ $8, AX // c0 = 256·c
	LEAQ 256(AX), BX
	CMPQ BX, R10
	CMOVQGT R10, BX // c1 = min(c0 + 256, m)
	INCQ R11
	SUBQ AX, BX // values in the chunk
	JLE chunk   // empty: no test
	SHRQ $6, BX
	LEAQ (SI)(AX*4), R12
	LEAQ (DI)(AX*4), R13
loop:
	SQDIFF64(R12, R13)
	ADDQ $256, R12
	ADDQ $256, R13
	DECQ BX
	JNZ loop
	CMPQ R11, R9
	JGE all // the last chunk: no test
	// h = (((u[j] + u[j+8]) + …) with u = (z0 + z1) + (z2 + z3)
	VADDPS Z1, Z0, Z8
	VADDPS Z3, Z2, Z9
	VADDPS Z9, Z8, Z8
	VEXTRACTF32X8 $1, Z8, Y9
	VADDPS Y9, Y8, Y8
	VEXTRACTF128 $1, Y8, X9
	VADDPS X9, X8, X8
	VMOVHLPS X8, X8, X9
	VADDPS X9, X8, X8
	VMOVSHDUP X8, X9
	VADDSS X9, X8, X8
	VUCOMISS X15, X8
	JA stop
	JMP chunk
stop:
	MOVQ R11, ret+56(FP)
	JMP store
all:
	MOVQ R9, ret+56(FP)
store:
	VMOVUPS Z0, 0(DX)
	VMOVUPS Z1, 64(DX)
	VMOVUPS Z2, 128(DX)
	VMOVUPS Z3, 192(DX)
	VZEROUPPER
	RET
