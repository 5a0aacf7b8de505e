//go:build amd64 && !purego

#include "textflag.h"

// LOADROW(off, z): z = lane l's row (l = off/8, off the byte offset of
// rows[l]) at columns cb … cb+7, loaded under K1, zero beyond it.
#define LOADROW(off, z) \
	MOVQ off(R8), R9 \
	ADDQ BX, R9 \
	VMOVUPD.Z (DI)(R9*8), K1, z

// COLUMN(off, z): s += u·u with u = a[cb + c] − z (c = off/8, column c
// of every row in z), lane by lane.
#define COLUMN(off, z) \
	VBROADCASTSD off(R11), Z25 \
	VSUBPD z, Z25, Z25 \
	VMULPD Z25, Z25, Z25 \
	VADDPD Z25, Z24, Z24

// func dist2T8AVX512(a *float64, d int, x *float64, rows *[8]int, out *[8]float64)
//
// Lane l holds row l (element offset rows[l] in x). Columns in blocks of
// eight: the eight rows' block loaded under a mask of the block's columns
// (no read past a row's d values), transposed (VUNPCKLPD/VUNPCKHPD, then
// two rounds of VSHUFF64X2) so that register c holds column c of every
// row, then for each column in order u = a[c] − x (VSUBPD), s += u·u
// (VMULPD then VADDPD): the scalar loop's sums, lane by lane.
TEXT ·dist2T8AVX512(SB), NOSPLIT, $0-40
	MOVQ a+0(FP), SI
	MOVQ d+8(FP), R12
	MOVQ x+16(FP), DI
	MOVQ rows+24(FP), R8
	MOVQ out+32(FP), R10
	VPXORQ Z24, Z24, Z24
	XORQ BX, BX                  // cb: the block's first column
tblock:
	CMPQ BX, R12
	JGE tdone
	MOVQ R12, DX
	SUBQ BX, DX                  // w = d − cb
	CMPQ DX, $8
	JLE tmask
	MOVQ $8, DX
tmask:
	MOVQ DX, CX
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K1
	LOADROW(0, Z0)
	LOADROW(8, Z1)
	LOADROW(16, Z2)
	LOADROW(24, Z3)
	LOADROW(32, Z4)
	LOADROW(40, Z5)
	LOADROW(48, Z6)
	LOADROW(56, Z7)
	VUNPCKLPD Z1, Z0, Z8
	VUNPCKHPD Z1, Z0, Z9
	VUNPCKLPD Z3, Z2, Z10
	VUNPCKHPD Z3, Z2, Z11
	VUNPCKLPD Z5, Z4, Z12
	VUNPCKHPD Z5, Z4, Z13
	VUNPCKLPD Z7, Z6, Z14
	VUNPCKHPD Z7, Z6, Z15
	VSHUFF64X2 $0x88, Z10, Z8, Z16
	VSHUFF64X2 $0xdd, Z10, Z8, Z17
	VSHUFF64X2 $0x88, Z11, Z9, Z18
	VSHUFF64X2 $0xdd, Z11, Z9, Z19
	VSHUFF64X2 $0x88, Z14, Z12, Z20
	VSHUFF64X2 $0xdd, Z14, Z12, Z21
	VSHUFF64X2 $0x88, Z15, Z13, Z22
	VSHUFF64X2 $0xdd, Z15, Z13, Z23
	VSHUFF64X2 $0x88, Z20, Z16, Z0
	VSHUFF64X2 $0xdd, Z20, Z16, Z4
	VSHUFF64X2 $0x88, Z21, Z17, Z2
	VSHUFF64X2 $0xdd, Z21, Z17, Z6
	VSHUFF64X2 $0x88, Z22, Z18, Z1
	VSHUFF64X2 $0xdd, Z22, Z18, Z5
	VSHUFF64X2 $0x88, Z23, Z19, Z3
	VSHUFF64X2 $0xdd, Z23, Z19, Z7
	LEAQ (SI)(BX*8), R11
	COLUMN(0, Z0)
	CMPQ DX, $1
	JLE tnext
	COLUMN(8, Z1)
	CMPQ DX, $2
	JLE tnext
	COLUMN(16, Z2)
	CMPQ DX, $3
	JLE tnext
	COLUMN(24, Z3)
	CMPQ DX, $4
	JLE tnext
	COLUMN(32, Z4)
	CMPQ DX, $5
	JLE tnext
	COLUMN(40, Z5)
	CMPQ DX, $6
	JLE tnext
	COLUMN(48, Z6)
	CMPQ DX, $7
	JLE tnext
	COLUMN(56, Z7)
tnext:
	ADDQ $8, BX
	JMP tblock
tdone:
	VMOVUPD Z24, (R10)
	VZEROUPPER
	RET
