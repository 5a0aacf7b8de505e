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

// lanes32<> holds the int32 lane indices 0…7 (the rest of the vector unused).
DATA lanes32<>+0(SB)/4, $0
DATA lanes32<>+4(SB)/4, $1
DATA lanes32<>+8(SB)/4, $2
DATA lanes32<>+12(SB)/4, $3
DATA lanes32<>+16(SB)/4, $4
DATA lanes32<>+20(SB)/4, $5
DATA lanes32<>+24(SB)/4, $6
DATA lanes32<>+28(SB)/4, $7
GLOBL lanes32<>(SB), RODATA|NOPTR, $32

// func scanRowAll32AVX512(gp *float32, h *float64, n int, t float64, out *int32) int
//
// No branch on the mask: the passing lanes' indices are compressed into a
// register and all eight lanes stored at out[m:m+8] (m ≤ q, so within the
// q + 8 ≤ n values of out), m advanced by their count.
TEXT ·scanRowAll32AVX512(SB), NOSPLIT, $0-48
	MOVQ gp+0(FP), SI
	MOVQ h+8(FP), DI
	MOVQ n+16(FP), CX
	VBROADCASTSD t+24(FP), Z0
	MOVQ out+32(FP), R8
	VPXORD Z3, Z3, Z3
	VMOVDQU32 lanes32<>(SB), Y3 // the indices of the eight lanes
	MOVL $8, BX
	VPBROADCASTD BX, Z4
	XORQ AX, AX
	XORQ DX, DX
all32loop:
	CMPQ AX, CX
	JGE all32done
	VCVTPS2PD (SI)(AX*4), Z1
	VADDPD Z1, Z1, Z1
	VMOVUPD (DI)(AX*8), Z2
	VSUBPD Z1, Z2, Z2
	VCMPPD $0x12, Z0, Z2, K1
	VPCOMPRESSD Z3, K1, Z5
	VMOVDQU Y5, (R8)(DX*4)
	KMOVW K1, BX
	POPCNTL BX, BX
	ADDQ BX, DX
	VPADDD Z4, Z3, Z3
	ADDQ $8, AX
	JMP all32loop
all32done:
	MOVQ DX, ret+40(FP)
	VZEROUPPER
	RET
