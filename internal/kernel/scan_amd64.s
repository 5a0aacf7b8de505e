//go:build amd64 && !purego

#include "textflag.h"

// func scanRowAVX512(gp, h *float64, n int, t float64) int
TEXT ·scanRowAVX512(SB), NOSPLIT, $0-40
	MOVQ gp+0(FP), SI
	MOVQ h+8(FP), DI
	MOVQ n+16(FP), CX
	VBROADCASTSD t+24(FP), Z0
	XORQ AX, AX
rowloop:
	CMPQ AX, CX
	JGE rowdone
	VMOVUPD (SI)(AX*8), Z1
	VADDPD Z1, Z1, Z1
	VMOVUPD (DI)(AX*8), Z2
	VSUBPD Z1, Z2, Z2
	VCMPPD $0x12, Z0, Z2, K1
	KORTESTW K1, K1
	JNZ rowfound
	ADDQ $8, AX
	JMP rowloop
rowfound:
	KMOVW K1, BX
	BSFL BX, BX
	ADDQ BX, AX
rowdone:
	MOVQ AX, ret+32(FP)
	VZEROUPPER
	RET

// func scanColAVX512(gp *float64, hv float64, t *float64, n int) int
TEXT ·scanColAVX512(SB), NOSPLIT, $0-40
	MOVQ gp+0(FP), SI
	VBROADCASTSD hv+8(FP), Z0
	MOVQ t+16(FP), DI
	MOVQ n+24(FP), CX
	XORQ AX, AX
colloop:
	CMPQ AX, CX
	JGE coldone
	VMOVUPD (SI)(AX*8), Z1
	VADDPD Z1, Z1, Z1
	VSUBPD Z1, Z0, Z2
	VMOVUPD (DI)(AX*8), Z3
	VCMPPD $0x12, Z3, Z2, K1
	KORTESTW K1, K1
	JNZ colfound
	ADDQ $8, AX
	JMP colloop
colfound:
	KMOVW K1, BX
	BSFL BX, BX
	ADDQ BX, AX
coldone:
	MOVQ AX, ret+32(FP)
	VZEROUPPER
	RET
