//go:build amd64 && !purego

#include "textflag.h"

// func partition3F32AVX512(v *float32, n int, p float32, lo, hi *float32) (nl, nh int)
//
// Sixteen values at a time: VCMPPS less-than and greater-than ordered
// quiet (false on NaN), each side's values packed in order by VCOMPRESSPS
// into a register and stored whole at lo[nl:nl+16] and hi[nh:nh+16]
// (nl, nh ≤ q, so within the q + 16 ≤ n values read), the counts advanced
// by POPCNT.
TEXT ·partition3F32AVX512(SB), NOSPLIT, $0-56
	MOVQ v+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS p+16(FP), Z0
	MOVQ lo+24(FP), R8
	MOVQ hi+32(FP), R9
	XORQ AX, AX
	XORQ DX, DX
	XORQ R10, R10
part3f32loop:
	CMPQ AX, CX
	JGE part3f32done
	VMOVUPS (SI)(AX*4), Z1
	VCMPPS $0x11, Z0, Z1, K1
	VCMPPS $0x1e, Z0, Z1, K2
	VCOMPRESSPS Z1, K1, Z2
	VCOMPRESSPS Z1, K2, Z3
	VMOVUPS Z2, (R8)(DX*4)
	VMOVUPS Z3, (R9)(R10*4)
	KMOVW K1, BX
	POPCNTL BX, BX
	ADDQ BX, DX
	KMOVW K2, BX
	POPCNTL BX, BX
	ADDQ BX, R10
	ADDQ $16, AX
	JMP part3f32loop
part3f32done:
	MOVQ DX, nl+40(FP)
	MOVQ R10, nh+48(FP)
	VZEROUPPER
	RET
