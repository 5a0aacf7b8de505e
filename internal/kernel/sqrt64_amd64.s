//go:build amd64 && !purego

#include "textflag.h"

// func sqrt64AVX512(x *float64, n int)
//
// Eight values at a time (sixteen while at least sixteen are left),
// VSQRTPD under the default rounding (to nearest), as SQRTSD.
TEXT ·sqrt64AVX512(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	XORQ AX, AX
sqrt16:
	LEAQ 16(AX), DX
	CMPQ DX, CX
	JGT sqrt8
	VSQRTPD (SI)(AX*8), Z0
	VSQRTPD 64(SI)(AX*8), Z1
	VMOVUPD Z0, (SI)(AX*8)
	VMOVUPD Z1, 64(SI)(AX*8)
	MOVQ DX, AX
	JMP sqrt16
sqrt8:
	CMPQ AX, CX
	JGE sqrtDone
	VSQRTPD (SI)(AX*8), Z0
	VMOVUPD Z0, (SI)(AX*8)
	ADDQ $8, AX
	JMP sqrt8
sqrtDone:
	VZEROUPPER
	RET
