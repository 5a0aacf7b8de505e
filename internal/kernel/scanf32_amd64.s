//go:build amd64 && !purego

#include "textflag.h"

// lanes16<> holds the int32 lane indices 0…15.
DATA lanes16<>+0(SB)/4, $0
DATA lanes16<>+4(SB)/4, $1
DATA lanes16<>+8(SB)/4, $2
DATA lanes16<>+12(SB)/4, $3
DATA lanes16<>+16(SB)/4, $4
DATA lanes16<>+20(SB)/4, $5
DATA lanes16<>+24(SB)/4, $6
DATA lanes16<>+28(SB)/4, $7
DATA lanes16<>+32(SB)/4, $8
DATA lanes16<>+36(SB)/4, $9
DATA lanes16<>+40(SB)/4, $10
DATA lanes16<>+44(SB)/4, $11
DATA lanes16<>+48(SB)/4, $12
DATA lanes16<>+52(SB)/4, $13
DATA lanes16<>+56(SB)/4, $14
DATA lanes16<>+60(SB)/4, $15
GLOBL lanes16<>(SB), RODATA|NOPTR, $64

// func scanRowAllF32AVX512(gp, h *float32, n int, t float32, out *int32) int
//
// Sixteen columns a step: VADDPS g + g (2·g, rounded as float32(2*g)),
// VSUBPS from h, VCMPPS less-or-equal ordered quiet (false on NaN); no
// branch on the mask: the passing lanes' indices are compressed into a
// register and all sixteen lanes stored at out[m:m+16] (m ≤ q, so within
// the q + 16 ≤ n values of out), m advanced by their count.
TEXT ·scanRowAllF32AVX512(SB), NOSPLIT, $0-48
	MOVQ gp+0(FP), SI
	MOVQ h+8(FP), DI
	MOVQ n+16(FP), CX
	VBROADCASTSS t+24(FP), Z0
	MOVQ out+32(FP), R8
	VMOVDQU32 lanes16<>(SB), Z3
	MOVL $16, BX
	VPBROADCASTD BX, Z4
	XORQ AX, AX
	XORQ DX, DX
loop:
	CMPQ AX, CX
	JGE done
	VMOVUPS (SI)(AX*4), Z1
	VADDPS Z1, Z1, Z1
	VMOVUPS (DI)(AX*4), Z2
	VSUBPS Z1, Z2, Z2
	VCMPPS $0x12, Z0, Z2, K1
	VPCOMPRESSD Z3, K1, Z5
	VMOVDQU32 Z5, (R8)(DX*4)
	KMOVW K1, BX
	POPCNTL BX, BX
	ADDQ BX, DX
	VPADDD Z4, Z3, Z3
	ADDQ $16, AX
	JMP loop
done:
	MOVQ DX, ret+40(FP)
	VZEROUPPER
	RET
