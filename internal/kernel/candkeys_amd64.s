//go:build amd64 && !purego

#include "textflag.h"

// The quadword indices of the eight S of two registers of candidates
// (16 bytes each: S, then J) for VPERMT2Q, the lanes' slots, and the
// constants of the key mapping.
DATA candKeysIdx<>+0(SB)/8, $0
DATA candKeysIdx<>+8(SB)/8, $2
DATA candKeysIdx<>+16(SB)/8, $4
DATA candKeysIdx<>+24(SB)/8, $6
DATA candKeysIdx<>+32(SB)/8, $8
DATA candKeysIdx<>+40(SB)/8, $10
DATA candKeysIdx<>+48(SB)/8, $12
DATA candKeysIdx<>+56(SB)/8, $14
GLOBL candKeysIdx<>(SB), RODATA|NOPTR, $64

DATA candKeysSlot<>+0(SB)/8, $0
DATA candKeysSlot<>+8(SB)/8, $1
DATA candKeysSlot<>+16(SB)/8, $2
DATA candKeysSlot<>+24(SB)/8, $3
DATA candKeysSlot<>+32(SB)/8, $4
DATA candKeysSlot<>+40(SB)/8, $5
DATA candKeysSlot<>+48(SB)/8, $6
DATA candKeysSlot<>+56(SB)/8, $7
GLOBL candKeysSlot<>(SB), RODATA|NOPTR, $64

DATA candKeysSign<>+0(SB)/8, $0x8000000000000000
GLOBL candKeysSign<>(SB), RODATA|NOPTR, $8

DATA candKeysLow<>+0(SB)/8, $0xffffffffffffff00
GLOBL candKeysLow<>(SB), RODATA|NOPTR, $8

DATA candKeysEight<>+0(SB)/8, $8
GLOBL candKeysEight<>(SB), RODATA|NOPTR, $8

// func candKeysAVX512(c *Cand, n int, buf *[SortNetMax]uint64)
//
// Eight candidates at a time: their 128 bytes loaded as two registers
// (under K1, K2 for the last r < 8: quadwords 0 … 2r − 1), the eight S
// picked by VPERMT2Q, −0 replaced by +0 (VCMPPD equal to zero, then a
// masked move of zero), u ^= (u >> 63 arithmetic) | 2⁶³, the low byte
// replaced by the slot (VPANDQ, VPORQ), stored to buf[t:t+8] (under K3 =
// 2ʳ − 1 for the last r).
TEXT ·candKeysAVX512(SB), NOSPLIT, $0-24
	MOVQ c+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ buf+16(FP), DI
	VMOVDQU64 candKeysIdx<>(SB), Z10
	VMOVDQU64 candKeysSlot<>(SB), Z11
	VPBROADCASTQ candKeysSign<>(SB), Z12
	VPBROADCASTQ candKeysLow<>(SB), Z13
	VPBROADCASTQ candKeysEight<>(SB), Z14
	VPXORQ Z15, Z15, Z15
	MOVQ $0xff, AX
	KMOVW AX, K1
	KMOVW AX, K2
	KMOVW AX, K3
ckloop:
	CMPQ CX, $0
	JLE ckdone
	CMPQ CX, $8
	JGE ckload
	// r = CX < 8 left: K1, K2 the quadwords 0 … 2r − 1 of the two
	// registers, K3 = 2ʳ − 1 the keys.
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K3
	MOVQ CX, DX
	SHLQ $1, DX
	MOVQ CX, R8
	MOVQ DX, CX
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	MOVQ R8, CX
	KMOVW AX, K1
	SHRQ $8, AX
	KMOVW AX, K2
ckload:
	VMOVDQU64.Z (SI), K1, Z0
	VMOVDQU64.Z 64(SI), K2, Z1
	VPERMT2Q Z1, Z10, Z0         // Z0 = the eight S
	VCMPPD $0x00, Z15, Z0, K4    // equal to zero (±0)
	VMOVDQA64 Z15, K4, Z0
	VPSRAQ $63, Z0, Z3
	VPORQ Z12, Z3, Z3
	VPXORQ Z3, Z0, Z0
	VPANDQ Z13, Z0, Z0
	VPORQ Z11, Z0, Z0
	VMOVDQU64 Z0, K3, (DI)
	VPADDQ Z14, Z11, Z11
	ADDQ $128, SI
	ADDQ $64, DI
	SUBQ $8, CX
	JMP ckloop
ckdone:
	VZEROUPPER
	RET

// func keysDistinctAVX512(buf *[SortNetMax]uint64, n int) bool
//
// For r = 1 … n − 1, eight at a time: buf[r] ^ buf[r−1] shifted right by
// 8, VPTESTNMQ setting a bit where it is zero (the two share their high
// 56 bits), under K1 = the lanes r < n; any bit set reports false.
TEXT ·keysDistinctAVX512(SB), NOSPLIT, $0-17
	MOVQ buf+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ $1, DX                  // r
	XORQ R9, R9                  // any pair found
kdloop:
	CMPQ DX, CX
	JGE kddone
	MOVQ CX, R8
	SUBQ DX, R8                  // left = n − r
	MOVQ $0xff, AX
	CMPQ R8, $8
	JGE kdfull
	MOVQ CX, R10
	MOVQ R8, CX
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	MOVQ R10, CX
kdfull:
	KMOVW AX, K1
	VMOVDQU64.Z (SI)(DX*8), K1, Z0
	VMOVDQU64.Z -8(SI)(DX*8), K1, Z1
	VPXORQ Z1, Z0, Z0
	VPSRLQ $8, Z0, Z0
	VPTESTNMQ Z0, Z0, K1, K2
	KMOVW K2, AX
	ORQ AX, R9
	ADDQ $8, DX
	JMP kdloop
kddone:
	TESTQ R9, R9
	SETEQ ret+16(FP)
	VZEROUPPER
	RET
