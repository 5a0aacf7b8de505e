//go:build amd64 && !purego

#include "textflag.h"

// Constants of math's exp_amd64.s (Shibata's method, sleef).
DATA mindconst<>+0(SB)/8, $1.4426950408889634073599246810018920   // LOG2E
DATA mindconst<>+8(SB)/8, $0.69314718055966295651160180568695068359375 // LN2U
DATA mindconst<>+16(SB)/8, $0.28235290563031577122588448175013436025525412068e-12 // LN2L
DATA mindconst<>+24(SB)/8, $0.0625
DATA mindconst<>+32(SB)/8, $2.4801587301587301587e-5
DATA mindconst<>+40(SB)/8, $1.9841269841269841270e-4
DATA mindconst<>+48(SB)/8, $1.3888888888888888889e-3
DATA mindconst<>+56(SB)/8, $8.3333333333333333333e-3
DATA mindconst<>+64(SB)/8, $4.1666666666666666667e-2
DATA mindconst<>+72(SB)/8, $1.6666666666666666667e-1
DATA mindconst<>+80(SB)/8, $0.5
DATA mindconst<>+88(SB)/8, $1.0
DATA mindconst<>+96(SB)/8, $2.0
DATA mindconst<>+104(SB)/8, $700.0
DATA mindconst<>+112(SB)/8, $-700.0
DATA mindconst<>+120(SB)/8, $0x3ff
GLOBL mindconst<>(SB), RODATA, $128

// func mindTermsAVX512(l *float64, n int, d, km1 float64, t1, t2 *float64) bool
//
// Eight lanes at a time, x = d·l, then math's archExp (its avxfma path),
// instruction for instruction: X1 = LOG2E·x; n = VCVTPD2DQ (round to
// nearest, as CVTSD2SL); X0 = x − n·LN2U − n·LN2L (VFNMADD231PD, fused as
// VFNMADD231SD); X0 ·= 1/16; the Taylor polynomial by VFMADD213PD from
// 2.48e-5 down to 1; X0 ·= X1; three times X0 ·= X0 + 2; X0 = X0·(X0 + 2)
// + 1 (fused); r = X0 · 2ⁿ (the exponent's bits, n + 1023 shifted by 52:
// the normal range, which |x| ≤ 700 ensures). Then the terms, each
// operation rounded: q = r / (1 − r), a = km1·q, t1 = l − a·l,
// t2 = a / (1 − r) · l · l. K4 gathers the lanes with x not in
// [−700, 700] (or NaN), whose terms the caller recomputes.
TEXT ·mindTermsAVX512(SB), NOSPLIT, $0-49
	MOVQ l+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSD d+16(FP), Z16
	VBROADCASTSD km1+24(FP), Z17
	MOVQ t1+32(FP), DI
	MOVQ t2+40(FP), R8
	VBROADCASTSD mindconst<>+0(SB), Z18
	VBROADCASTSD mindconst<>+8(SB), Z19
	VBROADCASTSD mindconst<>+16(SB), Z20
	VBROADCASTSD mindconst<>+24(SB), Z21
	VBROADCASTSD mindconst<>+32(SB), Z22
	VBROADCASTSD mindconst<>+40(SB), Z23
	VBROADCASTSD mindconst<>+48(SB), Z24
	VBROADCASTSD mindconst<>+56(SB), Z25
	VBROADCASTSD mindconst<>+64(SB), Z26
	VBROADCASTSD mindconst<>+72(SB), Z27
	VBROADCASTSD mindconst<>+80(SB), Z28
	VBROADCASTSD mindconst<>+88(SB), Z29
	VBROADCASTSD mindconst<>+96(SB), Z30
	VBROADCASTSD mindconst<>+104(SB), Z31
	VBROADCASTSD mindconst<>+112(SB), Z15
	VPBROADCASTQ mindconst<>+120(SB), Z14
	KXORW K4, K4, K4
	XORQ AX, AX
mindloop:
	CMPQ AX, CX
	JGE mindDone
	VMOVUPD (SI)(AX*8), Z2            // l
	VMULPD Z16, Z2, Z0                // x = d·l
	VCMPPD $0x12, Z31, Z0, K1         // x ≤ 700 (ordered)
	VCMPPD $0x1d, Z15, Z0, K2         // x ≥ −700 (ordered)
	KANDW K1, K2, K1
	KNOTW K1, K3
	KORW K3, K4, K4
	VMULPD Z0, Z18, Z1                // X1 = LOG2E·x
	VCVTPD2DQ Z1, Y3                  // n
	VCVTDQ2PD Y3, Z1                  // float64(n)
	VFNMADD231PD Z19, Z1, Z0          // X0 −= n·LN2U (fused)
	VFNMADD231PD Z20, Z1, Z0          // X0 −= n·LN2L (fused)
	VMULPD Z21, Z0, Z0                // X0 ·= 0.0625
	VMOVAPD Z22, Z1
	VFMADD213PD Z23, Z0, Z1
	VFMADD213PD Z24, Z0, Z1
	VFMADD213PD Z25, Z0, Z1
	VFMADD213PD Z26, Z0, Z1
	VFMADD213PD Z27, Z0, Z1
	VFMADD213PD Z28, Z0, Z1
	VFMADD213PD Z29, Z0, Z1
	VMULPD Z1, Z0, Z0
	VADDPD Z30, Z0, Z1
	VMULPD Z1, Z0, Z0
	VADDPD Z30, Z0, Z1
	VMULPD Z1, Z0, Z0
	VADDPD Z30, Z0, Z1
	VMULPD Z1, Z0, Z0
	VADDPD Z30, Z0, Z1
	VFMADD213PD Z29, Z1, Z0           // X0 = X0·X1 + 1 (fused)
	VPMOVSXDQ Y3, Z4                  // n as int64
	VPADDQ Z14, Z4, Z4                // n + 1023
	VPSLLQ $52, Z4, Z4                // 2ⁿ
	VMULPD Z4, Z0, Z0                 // r
	VSUBPD Z0, Z29, Z5                // 1 − r
	VDIVPD Z5, Z0, Z6                 // q = r / (1 − r)
	VMULPD Z6, Z17, Z6                // a = km1·q
	VMULPD Z2, Z6, Z7                 // a·l
	VSUBPD Z7, Z2, Z7                 // t1 = l − a·l
	VDIVPD Z5, Z6, Z8                 // a / (1 − r)
	VMULPD Z2, Z8, Z8
	VMULPD Z2, Z8, Z8                 // t2
	VMOVUPD Z7, (DI)(AX*8)
	VMOVUPD Z8, (R8)(AX*8)
	ADDQ $8, AX
	JMP mindloop
mindDone:
	KMOVW K4, AX
	TESTL $0xff, AX
	SETNE ret+48(FP)
	VZEROUPPER
	RET
