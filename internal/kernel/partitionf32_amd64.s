//go:build amd64 && !purego

#include "textflag.h"

// func partition3F32AVX512(v *float32, n int, p float32, lo, hi *float32) (nl, nh int)
//
// Sixteen values at a time: VCMPPS less-than and greater-than ordered
// quiet (false on NaN), each side's values packed in order by VCOMPRESSPS
// into a register and stored whole at lo[nl:nl+16] and hi[nh:nh+16]
// (nl, nh ≤ q, so within the q + 16 ≤ n values read), the counts advanced
// by POPCNT; the last n mod 16 values the same way under masks.
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
	MOVQ AX, R11
	ADDQ $16, R11
	CMPQ R11, CX
	JGT part3f32tail
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
part3f32tail:
	// r = n − q < 16 values left: loaded under K3 = 2ʳ − 1, compared
	// under it, and each side's packed values stored under a mask of
	// their count (nothing written past them).
	MOVQ CX, R11
	SUBQ AX, R11
	JLE part3f32done
	MOVQ CX, R12
	MOVQ R11, CX
	MOVQ $1, BX
	SHLQ CX, BX
	DECQ BX
	KMOVW BX, K3
	VMOVUPS.Z (SI)(AX*4), K3, Z1
	VCMPPS $0x11, Z0, Z1, K3, K1
	VCMPPS $0x1e, Z0, Z1, K3, K2
	VCOMPRESSPS Z1, K1, Z2
	VCOMPRESSPS Z1, K2, Z3
	KMOVW K1, BX
	POPCNTL BX, CX
	MOVQ $1, BX
	SHLQ CX, BX
	DECQ BX
	KMOVW BX, K4
	VMOVUPS Z2, K4, (R8)(DX*4)
	ADDQ CX, DX
	KMOVW K2, BX
	POPCNTL BX, CX
	MOVQ $1, BX
	SHLQ CX, BX
	DECQ BX
	KMOVW BX, K5
	VMOVUPS Z3, K5, (R9)(R10*4)
	ADDQ CX, R10
	MOVQ R12, CX
part3f32done:
	MOVQ DX, nl+40(FP)
	MOVQ R10, nh+48(FP)
	VZEROUPPER
	RET
