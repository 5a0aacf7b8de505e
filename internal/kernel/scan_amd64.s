//go:build amd64 && !purego

#include "textflag.h"

// func scanRow32AVX512(gp *float32, h *float64, n int, t float64) int
TEXT ·scanRow32AVX512(SB), NOSPLIT, $0-40
	MOVQ gp+0(FP), SI
	MOVQ h+8(FP), DI
	MOVQ n+16(FP), CX
	VBROADCASTSD t+24(FP), Z0
	XORQ AX, AX
row32loop:
	CMPQ AX, CX
	JGE row32done
	VCVTPS2PD (SI)(AX*4), Z1
	VADDPD Z1, Z1, Z1
	VMOVUPD (DI)(AX*8), Z2
	VSUBPD Z1, Z2, Z2
	VCMPPD $0x12, Z0, Z2, K1
	KORTESTW K1, K1
	JNZ row32found
	ADDQ $8, AX
	JMP row32loop
row32found:
	KMOVW K1, BX
	BSFL BX, BX
	ADDQ BX, AX
row32done:
	MOVQ AX, ret+32(FP)
	VZEROUPPER
	RET

// func scanCol32AVX512(gp *float32, hv float64, t *float64, n int) int
TEXT ·scanCol32AVX512(SB), NOSPLIT, $0-40
	MOVQ gp+0(FP), SI
	VBROADCASTSD hv+8(FP), Z0
	MOVQ t+16(FP), DI
	MOVQ n+24(FP), CX
	XORQ AX, AX
col32loop:
	CMPQ AX, CX
	JGE col32done
	VCVTPS2PD (SI)(AX*4), Z1
	VADDPD Z1, Z1, Z1
	VSUBPD Z1, Z0, Z2
	VMOVUPD (DI)(AX*8), Z3
	VCMPPD $0x12, Z3, Z2, K1
	KORTESTW K1, K1
	JNZ col32found
	ADDQ $8, AX
	JMP col32loop
col32found:
	KMOVW K1, BX
	BSFL BX, BX
	ADDQ BX, AX
col32done:
	MOVQ AX, ret+32(FP)
	VZEROUPPER
	RET
