//go:build amd64 && !purego

#include "textflag.h"

// func groupMin32AVX512(gp *float32, h *float64, n, gs int, out *float64)
TEXT ·groupMin32AVX512(SB), NOSPLIT, $0-40
	MOVQ gp+0(FP), SI
	MOVQ h+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ gs+24(FP), R8
	MOVQ out+32(FP), R9
	MOVQ $0x7ff0000000000000, AX
	VPBROADCASTQ AX, Z7 // +Inf
	XORQ AX, AX // column
chunk:
	CMPQ AX, CX
	JGE done
	VMOVAPD Z7, Z0
	MOVQ R8, DX // groups rows left
lane:
	VCVTPS2PD (SI)(AX*4), Z1
	VADDPD Z1, Z1, Z1
	VMOVUPD (DI)(AX*8), Z2
	VSUBPD Z1, Z2, Z2
	// Z0 = Z2 < Z0 ? Z2 : Z0 (VMINPD returns its second source unless
	// the first is smaller)
	VMINPD Z0, Z2, Z0
	ADDQ $8, AX
	DECQ DX
	JNZ lane
	VMOVUPD Z0, (R9)
	ADDQ $64, R9
	JMP chunk
done:
	VZEROUPPER
	RET
