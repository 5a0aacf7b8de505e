//go:build amd64 && !purego

#include "textflag.h"

// lanes8<> holds the int32 lane indices 0…7 (and 8…15, unused).
DATA lanes8<>+0(SB)/4, $0
DATA lanes8<>+4(SB)/4, $1
DATA lanes8<>+8(SB)/4, $2
DATA lanes8<>+12(SB)/4, $3
DATA lanes8<>+16(SB)/4, $4
DATA lanes8<>+20(SB)/4, $5
DATA lanes8<>+24(SB)/4, $6
DATA lanes8<>+28(SB)/4, $7
DATA lanes8<>+32(SB)/4, $8
DATA lanes8<>+36(SB)/4, $9
DATA lanes8<>+40(SB)/4, $10
DATA lanes8<>+44(SB)/4, $11
DATA lanes8<>+48(SB)/4, $12
DATA lanes8<>+52(SB)/4, $13
DATA lanes8<>+56(SB)/4, $14
DATA lanes8<>+60(SB)/4, $15
GLOBL lanes8<>(SB), RODATA|NOPTR, $64

// func dist2ColsAVX512(x *float64, ld, d int, q *float64, n int, u float64, s *float64, out *int32) int
//
// Eight rows a step: column 0's VSUBPD x − q and VMULPD start the sums,
// every further column's VSUBPD, VMULPD and VADDPD add to them in order
// (each rounded, as the scalar loop); the sums are stored to s, VCMPPD
// less-or-equal ordered quiet (false on NaN) against u gives the mask, the
// passing lanes' indices are compressed into a register and its eight low
// lanes stored at out[m:m+8] under the mask 0xff (m ≤ r, so within n), m
// advanced by their count.
TEXT ·dist2ColsAVX512(SB), NOSPLIT, $0-72
	MOVQ x+0(FP), SI
	MOVQ ld+8(FP), R9
	SHLQ $3, R9
	MOVQ d+16(FP), R10
	MOVQ q+24(FP), R11
	MOVQ n+32(FP), CX
	VBROADCASTSD u+40(FP), Z0
	MOVQ s+48(FP), DI
	MOVQ out+56(FP), R8
	VMOVDQU32 lanes8<>(SB), Z3
	MOVL $8, BX
	VPBROADCASTD BX, Z4
	MOVL $0xff, BX
	KMOVW BX, K2
	XORQ AX, AX
	XORQ DX, DX
loop:
	CMPQ AX, CX
	JGE done
	LEAQ (SI)(AX*8), R12
	VMOVUPD (R12), Z1
	VBROADCASTSD (R11), Z2
	VSUBPD Z2, Z1, Z1
	VMULPD Z1, Z1, Z1
	MOVQ $1, R13
	MOVQ R11, R14
cols:
	CMPQ R13, R10
	JGE colsDone
	ADDQ R9, R12
	ADDQ $8, R14
	VMOVUPD (R12), Z5
	VBROADCASTSD (R14), Z2
	VSUBPD Z2, Z5, Z5
	VMULPD Z5, Z5, Z5
	VADDPD Z5, Z1, Z1
	INCQ R13
	JMP cols
colsDone:
	VMOVUPD Z1, (DI)(AX*8)
	VCMPPD $0x12, Z0, Z1, K1
	VPCOMPRESSD Z3, K1, Z6
	VMOVDQU32 Z6, K2, (R8)(DX*4)
	KMOVW K1, BX
	POPCNTL BX, BX
	ADDQ BX, DX
	VPADDD Z4, Z3, Z3
	ADDQ $8, AX
	JMP loop
done:
	MOVQ DX, ret+64(FP)
	VZEROUPPER
	RET
