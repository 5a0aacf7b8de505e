//go:build amd64 && !purego

#include "textflag.h"

// func rankLessAVX512(s *float64, n int, rank *int32)
//
// The values s[i], 32 at a time (i0 … i0+31), sit in Z2–Z5 (loaded under
// the masks K4–K7 of the lanes below n: masked loads do not fault beyond
// them) with their counts in the low eight int32 lanes of Z10–Z13. For
// every t < n, s[t] is broadcast and VCMPPD less-than ordered quiet (false
// on NaN) gives the lanes with s[t] < s[i]; VPADDD adds 1 to those lanes'
// counts only (merge masking). The counts are stored under the same masks.
TEXT ·rankLessAVX512(SB), NOSPLIT, $0-24
	MOVQ s+0(FP), SI
	MOVQ n+8(FP), R9
	MOVQ rank+16(FP), R8
	MOVL $1, AX
	VPBROADCASTD AX, Z30 // int32 ones
	XORQ R10, R10 // i0
group:
	CMPQ R10, R9
	JGE done
	// K4–K7: lanes i0+8b+l < n, b = 0 … 3 (eight bits each).
	MOVQ R9, CX
	SUBQ R10, CX // values left, ≥ 1
	CMPQ CX, $32
	JLE masks
	MOVQ $32, CX
masks:
	MOVQ $1, DX
	SHLQ CX, DX
	DECQ DX // the low CX bits (CX ≤ 32)
	MOVQ DX, BX
	ANDL $0xff, BX
	KMOVW BX, K4
	SHRQ $8, DX
	MOVQ DX, BX
	ANDL $0xff, BX
	KMOVW BX, K5
	SHRQ $8, DX
	MOVQ DX, BX
	ANDL $0xff, BX
	KMOVW BX, K6
	SHRQ $8, DX
	KMOVW DX, K7
	LEAQ (SI)(R10*8), DI
	VMOVUPD.Z (DI), K4, Z2
	VMOVUPD.Z 64(DI), K5, Z3
	VMOVUPD.Z 128(DI), K6, Z4
	VMOVUPD.Z 192(DI), K7, Z5
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	XORQ R12, R12 // t
step:
	VBROADCASTSD (SI)(R12*8), Z0
	VCMPPD $0x11, Z2, Z0, K1
	VCMPPD $0x11, Z3, Z0, K2
	VPADDD Z30, Z10, K1, Z10
	VPADDD Z30, Z11, K2, Z11
	VCMPPD $0x11, Z4, Z0, K1
	VCMPPD $0x11, Z5, Z0, K2
	VPADDD Z30, Z12, K1, Z12
	VPADDD Z30, Z13, K2, Z13
	INCQ R12
	CMPQ R12, R9
	JLT step
	LEAQ (R8)(R10*4), DI
	VMOVDQU32 Z10, K4, (DI)
	VMOVDQU32 Z11, K5, 32(DI)
	VMOVDQU32 Z12, K6, 64(DI)
	VMOVDQU32 Z13, K7, 96(DI)
	ADDQ $32, R10
	JMP group
done:
	VZEROUPPER
	RET
