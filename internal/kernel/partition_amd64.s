//go:build amd64 && !purego

#include "textflag.h"

// func partition3AVX512(v *float64, n int, p float64, lo, hi *float64) (nl, nh int)
//
// Eight values at a time: VCMPPD less-than and greater-than ordered quiet
// (false on NaN), each side's values packed in order by VCOMPRESSPD into a
// register and stored whole at lo[nl:nl+8] and hi[nh:nh+8] (nl, nh ≤ q,
// so within the q + 8 ≤ n values read), the counts advanced by POPCNT.
TEXT ·partition3AVX512(SB), NOSPLIT, $0-56
	MOVQ v+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSD p+16(FP), Z0
	MOVQ lo+24(FP), R8
	MOVQ hi+32(FP), R9
	XORQ AX, AX
	XORQ DX, DX
	XORQ R10, R10
part3loop:
	CMPQ AX, CX
	JGE part3done
	VMOVUPD (SI)(AX*8), Z1
	VCMPPD $0x11, Z0, Z1, K1
	VCMPPD $0x1e, Z0, Z1, K2
	VCOMPRESSPD Z1, K1, Z2
	VCOMPRESSPD Z1, K2, Z3
	VMOVUPD Z2, (R8)(DX*8)
	VMOVUPD Z3, (R9)(R10*8)
	KMOVW K1, BX
	POPCNTL BX, BX
	ADDQ BX, DX
	KMOVW K2, BX
	POPCNTL BX, BX
	ADDQ BX, R10
	ADDQ $8, AX
	JMP part3loop
part3done:
	MOVQ DX, nl+40(FP)
	MOVQ R10, nh+48(FP)
	VZEROUPPER
	RET
