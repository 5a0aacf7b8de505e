//go:build amd64 && !purego

#include "textflag.h"

// CROW(joff, soff): the element offset J·ld of the candidate whose J lies
// at joff(R14), kept at soff(SP); to cbad if J (unsigned) is not below
// rows.
#define CROW(joff, soff) \
	MOVLQZX joff(R14), AX \
	CMPQ AX, R10 \
	JAE cbad \
	IMULQ R13, AX \
	MOVQ AX, soff(SP)

// CLOAD(soff, z): z = the row at soff(SP), columns cb … cb+7, loaded
// under K1, zero beyond it.
#define CLOAD(soff, z) \
	MOVQ soff(SP), R9 \
	ADDQ BX, R9 \
	VMOVUPD.Z (DI)(R9*8), K1, z

// CCOL(off, z): s += u·u with u = a[cb + c] − z (c = off/8), lane by lane.
#define CCOL(off, z) \
	VBROADCASTSD off(R11), Z25 \
	VSUBPD z, Z25, Z25 \
	VMULPD Z25, Z25, Z25 \
	VADDPD Z25, Z24, Z24

// func dist2CandsAVX512(a *float64, d int, x *float64, ld int, c *Cand, n, rows int) (ok bool)
//
// Eight candidates at a time (16 bytes each: S, then J; the last r < 8
// as eight lanes whose lanes r … 7 repeat the first's row, their
// candidates neither read nor written): their rows' offsets J·ld to the
// stack, then the column loop (lane l holds candidate
// l; columns in blocks of eight loaded under a mask of the block's
// columns, transposed by VUNPCKLPD/VUNPCKHPD and two rounds of VSHUFF64X2,
// then per column in order u = a[c] − x, s += u·u), and the eight sums
// written over the candidates' S: the candidates' 128 bytes loaded, the
// sums spread to their even quadwords by VEXPANDPD under 0x55 (J and the
// padding kept), stored back, under K3 and K4 (all quadwords but in the
// last, short group). A J not below rows returns false at once.
TEXT ·dist2CandsAVX512(SB), NOSPLIT, $64-57
	MOVQ a+0(FP), SI
	MOVQ d+8(FP), R12
	MOVQ x+16(FP), DI
	MOVQ ld+24(FP), R13
	MOVQ c+32(FP), R14
	MOVQ n+40(FP), R8
	MOVQ rows+48(FP), R10
	MOVQ $0x55, AX
	KMOVW AX, K2
cgroup:
	CMPQ R8, $0
	JLE cdone
	CROW(8, 0)
	CMPQ R8, $8
	JLT ctail
	MOVQ $0xff, AX
	KMOVW AX, K3
	KMOVW AX, K4
	CROW(24, 8)
	CROW(40, 16)
	CROW(56, 24)
	CROW(72, 32)
	CROW(88, 40)
	CROW(104, 48)
	CROW(120, 56)
	JMP csums
ctail:
	// r = R8 < 8 candidates left: lanes r … 7 repeat lane 0's row, and
	// the candidates' quadwords 0 … 2r−1 are loaded and stored under
	// K3 (the first four candidates) and K4 (the next three).
	MOVQ R8, CX
	SHLQ $1, CX
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K3
	SHRQ $8, AX
	KMOVW AX, K4
	MOVQ 0(SP), AX
	MOVQ AX, 8(SP)
	MOVQ AX, 16(SP)
	MOVQ AX, 24(SP)
	MOVQ AX, 32(SP)
	MOVQ AX, 40(SP)
	MOVQ AX, 48(SP)
	MOVQ AX, 56(SP)
	CMPQ R8, $1
	JLE csums
	CROW(24, 8)
	CMPQ R8, $2
	JLE csums
	CROW(40, 16)
	CMPQ R8, $3
	JLE csums
	CROW(56, 24)
	CMPQ R8, $4
	JLE csums
	CROW(72, 32)
	CMPQ R8, $5
	JLE csums
	CROW(88, 40)
	CMPQ R8, $6
	JLE csums
	CROW(104, 48)
csums:
	VPXORQ Z24, Z24, Z24
	XORQ BX, BX                  // cb: the block's first column
cblock:
	CMPQ BX, R12
	JGE cstore
	MOVQ R12, DX
	SUBQ BX, DX                  // w = d − cb
	CMPQ DX, $8
	JLE cmask
	MOVQ $8, DX
cmask:
	MOVQ DX, CX
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K1
	CLOAD(0, Z0)
	CLOAD(8, Z1)
	CLOAD(16, Z2)
	CLOAD(24, Z3)
	CLOAD(32, Z4)
	CLOAD(40, Z5)
	CLOAD(48, Z6)
	CLOAD(56, Z7)
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
	CCOL(0, Z0)
	CMPQ DX, $1
	JLE cnext
	CCOL(8, Z1)
	CMPQ DX, $2
	JLE cnext
	CCOL(16, Z2)
	CMPQ DX, $3
	JLE cnext
	CCOL(24, Z3)
	CMPQ DX, $4
	JLE cnext
	CCOL(32, Z4)
	CMPQ DX, $5
	JLE cnext
	CCOL(40, Z5)
	CMPQ DX, $6
	JLE cnext
	CCOL(48, Z6)
	CMPQ DX, $7
	JLE cnext
	CCOL(56, Z7)
cnext:
	ADDQ $8, BX
	JMP cblock
cstore:
	VMOVUPD.Z (R14), K3, Z26
	VMOVUPD.Z 64(R14), K4, Z27
	VEXPANDPD Z24, K2, Z26
	VSHUFF64X2 $0xee, Z24, Z24, Z25
	VEXPANDPD Z25, K2, Z27
	VMOVUPD Z26, K3, (R14)
	VMOVUPD Z27, K4, 64(R14)
	ADDQ $128, R14
	SUBQ $8, R8
	JMP cgroup
cdone:
	MOVB $1, ok+56(FP)
	VZEROUPPER
	RET
cbad:
	MOVB $0, ok+56(FP)
	VZEROUPPER
	RET
