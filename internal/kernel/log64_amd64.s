//go:build amd64 && !purego

#include "textflag.h"

// The constants of math's log_amd64.s.
DATA logc<>+0(SB)/8, $0x3fe6a09e667f3bcd   // HSqrt2, √2/2
DATA logc<>+8(SB)/8, $0x3fe62e42fee00000   // Ln2Hi
DATA logc<>+16(SB)/8, $0x3dea39ef35793c76  // Ln2Lo
DATA logc<>+24(SB)/8, $0x3FE5555555555593  // L1
DATA logc<>+32(SB)/8, $0x3FD999999997FA04  // L2
DATA logc<>+40(SB)/8, $0x3FD2492494229359  // L3
DATA logc<>+48(SB)/8, $0x3FCC71C51D8E78AF  // L4
DATA logc<>+56(SB)/8, $0x3FC7466496CB03DE  // L5
DATA logc<>+64(SB)/8, $0x3FC39A09D078C69F  // L6
DATA logc<>+72(SB)/8, $0x3FC2F112DF3E5244  // L7
DATA logc<>+80(SB)/8, $0x7FF8000000000001  // NaN
DATA logc<>+88(SB)/8, $0xFFF0000000000000  // −Inf
DATA logc<>+96(SB)/8, $0x7FF0000000000000  // +Inf
DATA logc<>+104(SB)/8, $0x7FFFFFFFFFFFFFFF // all but the sign
DATA logc<>+112(SB)/8, $0x000FFFFFFFFFFFFF // the fraction
DATA logc<>+120(SB)/8, $0x3FE0000000000000 // 0.5
DATA logc<>+128(SB)/8, $0x3FF0000000000000 // 1
DATA logc<>+136(SB)/8, $0x4000000000000000 // 2
DATA logc<>+144(SB)/8, $0x4338000000000000 // 1.5·2⁵², for the integer to float64
DATA logc<>+152(SB)/8, $0x00000000000007FF // the exponent's mask
DATA logc<>+160(SB)/8, $0x00000000000003FE // its bias less one
GLOBL logc<>(SB), RODATA|NOPTR, $168

// func log64AVX512(x *float64, n int, out *float64)
//
// Per lane as log_amd64.s: f1 = fraction of x with exponent 0x3FE,
// k = exponent − 0x3FE (as float64: 1.5·2⁵² + k read as a float64, minus
// 1.5·2⁵², exact for |k| < 2⁵¹); where !(√2/2 < f1) (CMPSD's
// not-less-than), k −= 1 and f1 *= 2; f = f1 − 1, s = f/(2 + f), the two polynomials, and
// k·Ln2Hi − ((hfsq − (s·(hfsq + R) + k·Ln2Lo)) − f), each operation rounded
// as there. Then x for +Inf and NaN, NaN for negative x, −Inf for ±0.
TEXT ·log64AVX512(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ out+16(FP), DI
	XORQ AX, AX
	VPXORQ Z31, Z31, Z31                // 0 (integer)
	// The constants, one per register (Z10 … Z30, in logc<>'s order).
	VPBROADCASTQ logc<>+0(SB), Z10
	VPBROADCASTQ logc<>+8(SB), Z11
	VPBROADCASTQ logc<>+16(SB), Z12
	VPBROADCASTQ logc<>+24(SB), Z13
	VPBROADCASTQ logc<>+32(SB), Z14
	VPBROADCASTQ logc<>+40(SB), Z15
	VPBROADCASTQ logc<>+48(SB), Z16
	VPBROADCASTQ logc<>+56(SB), Z17
	VPBROADCASTQ logc<>+64(SB), Z18
	VPBROADCASTQ logc<>+72(SB), Z19
	VPBROADCASTQ logc<>+80(SB), Z20
	VPBROADCASTQ logc<>+88(SB), Z21
	VPBROADCASTQ logc<>+96(SB), Z22
	VPBROADCASTQ logc<>+104(SB), Z23
	VPBROADCASTQ logc<>+112(SB), Z24
	VPBROADCASTQ logc<>+120(SB), Z25
	VPBROADCASTQ logc<>+128(SB), Z26
	VPBROADCASTQ logc<>+136(SB), Z27
	VPBROADCASTQ logc<>+144(SB), Z28
	VPBROADCASTQ logc<>+152(SB), Z29
	VPBROADCASTQ logc<>+160(SB), Z30
loop:
	CMPQ AX, CX
	JGE done
	VMOVDQU64 (SI)(AX*8), Z0            // x
	// Specials: zero (abs bits 0), negative (signed bits < 0), +Inf or NaN (bits ≥ +Inf).
	VPTESTMQ Z23, Z0, K1   // K1: abs bits ≠ 0
	VPCMPQ $1, Z31, Z0, K2              // K2: bits < 0
	VPCMPQ $5, Z22, Z0, K3  // K3: bits ≥ +Inf
	// f1 = (bits & fraction) | 0.5
	VPANDQ Z24, Z0, Z2
	VPORQ Z25, Z2, Z2
	// k = ((bits >> 52) & 0x7FF) − 0x3FE, as float64
	VPSRLQ $52, Z0, Z1
	VPANDQ Z29, Z1, Z1
	VPSUBQ Z30, Z1, Z1
	VPADDQ Z28, Z1, Z1
	VSUBPD Z28, Z1, Z1
	// where !(HSqrt2 < f1): k −= 1, f1 *= 2
	VCMPPD $5, Z2, Z10, K4
	VSUBPD Z26, Z1, K4, Z1
	VMULPD Z27, Z2, K4, Z2
	// f = f1 − 1
	VSUBPD Z26, Z2, Z2
	// s = f / (2 + f)
	VADDPD Z27, Z2, Z4
	VDIVPD Z4, Z2, Z3                   // Z3 = s
	VMULPD Z3, Z3, Z4                   // Z4 = s2
	VMULPD Z4, Z4, Z5                   // Z5 = s4
	// t1 = s2·(L1 + s4·(L3 + s4·(L5 + s4·L7)))
	VMULPD Z19, Z5, Z6
	VADDPD Z17, Z6, Z6
	VMULPD Z5, Z6, Z6
	VADDPD Z15, Z6, Z6
	VMULPD Z5, Z6, Z6
	VADDPD Z13, Z6, Z6
	VMULPD Z6, Z4, Z4                   // Z4 = t1
	// t2 = s4·(L2 + s4·(L4 + s4·L6))
	VMULPD Z18, Z5, Z6
	VADDPD Z16, Z6, Z6
	VMULPD Z5, Z6, Z6
	VADDPD Z14, Z6, Z6
	VMULPD Z6, Z5, Z5                   // Z5 = t2
	VADDPD Z5, Z4, Z4                   // Z4 = R = t1 + t2
	// hfsq = 0.5·f·f
	VMULPD Z25, Z2, Z7
	VMULPD Z2, Z7, Z7                   // Z7 = hfsq
	VADDPD Z7, Z4, Z4                   // hfsq + R
	VMULPD Z4, Z3, Z3                   // s·(hfsq + R)
	VMULPD Z12, Z1, Z4  // k·Ln2Lo
	VADDPD Z4, Z3, Z3                   // s·(hfsq + R) + k·Ln2Lo
	VSUBPD Z3, Z7, Z7                   // hfsq − (…)
	VSUBPD Z2, Z7, Z7                   // (…) − f
	VMULPD Z11, Z1, Z1   // k·Ln2Hi
	VSUBPD Z7, Z1, Z1                   // k·Ln2Hi − ((…) − f)
	// Specials, the one of log_amd64.s's first test last.
	VMOVDQA64 Z0, K3, Z1
	VMOVDQA64 Z20, K2, Z1
	KNOTW K1, K1
	VMOVDQA64 Z21, K1, Z1
	VMOVDQU64 Z1, (DI)(AX*8)
	ADDQ $8, AX
	JMP loop
done:
	VZEROUPPER
	RET
