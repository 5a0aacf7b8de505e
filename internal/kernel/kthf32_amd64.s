//go:build amd64 && !purego

#include "textflag.h"

// func kthF32AVX512(v, tmp *float32, n, k int) float32
//
// SI = v, DI = tmp (swapped as the kept side moves), CX = n, DX = k.
// While n > 16: the pivot p = max(min(a, b), min(max(a, b), c)) of a =
// v[0], b = v[n/2], c = v[n−1]; the values below p compressed to v[0:nl]
// and those above to tmp[0:nh] (each in the order of v, sixteen at a
// time by VCOMPRESSPS, the last n mod 16 under masks); k ≤ nl keeps
// v[0:nl], k ≤ n − nh returns p, else k −= n − nh and tmp[0:nh] becomes
// v. Then the n ≤ 16 values in Z1 (lanes past n masked off by K3): for
// each value w = v[j], lanes i with w < v[i] add 1 to lt[i] and lanes
// with w ≤ v[i] to le[i]; the first lane with lt < k ≤ le holds the k-th
// (NaN returned if none: only a NaN input leaves none).
TEXT ·kthF32AVX512(SB), NOSPLIT, $0-36
	MOVQ v+0(FP), SI
	MOVQ tmp+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ k+24(FP), DX
kround:
	CMPQ CX, $16
	JLE kfinal
	VMOVSS (SI), X1
	MOVQ CX, AX
	SHRQ $1, AX
	VMOVSS (SI)(AX*4), X2
	VMOVSS -4(SI)(CX*4), X3
	VMINSS X2, X1, X4            // min(a, b)
	VMAXSS X2, X1, X1            // max(a, b)
	VMINSS X3, X1, X1            // min(max(a, b), c)
	VMAXSS X4, X1, X1            // the median
	VBROADCASTSS X1, Z0
	XORQ AX, AX                  // q
	XORQ R8, R8                  // nl
	XORQ R9, R9                  // nh
kloop:
	MOVQ AX, R11
	ADDQ $16, R11
	CMPQ R11, CX
	JGT ktail
	VMOVUPS (SI)(AX*4), Z1
	VCMPPS $0x11, Z0, Z1, K1
	VCMPPS $0x1e, Z0, Z1, K2
	VCOMPRESSPS Z1, K1, Z2
	VCOMPRESSPS Z1, K2, Z3
	VMOVUPS Z2, (SI)(R8*4)
	VMOVUPS Z3, (DI)(R9*4)
	KMOVW K1, BX
	POPCNTL BX, BX
	ADDQ BX, R8
	KMOVW K2, BX
	POPCNTL BX, BX
	ADDQ BX, R9
	ADDQ $16, AX
	JMP kloop
ktail:
	MOVQ CX, R11
	SUBQ AX, R11                 // r = n − q < 16
	JLE kside
	MOVQ CX, R12
	MOVQ R11, CX
	MOVQ $1, BX
	SHLQ CX, BX
	DECQ BX
	KMOVW BX, K3
	VMOVUPS.Z (SI)(AX*4), K3, Z1
	VCMPPS $0x11, Z0, Z1, K3, K1
	VCMPPS $0x1e, Z0, Z1, K3, K2
	VCOMPRESSPS Z1, K1, Z2
	VCOMPRESSPS Z1, K2, Z3
	KMOVW K1, BX
	POPCNTL BX, CX
	MOVQ $1, BX
	SHLQ CX, BX
	DECQ BX
	KMOVW BX, K4
	VMOVUPS Z2, K4, (SI)(R8*4)
	ADDQ CX, R8
	KMOVW K2, BX
	POPCNTL BX, CX
	MOVQ $1, BX
	SHLQ CX, BX
	DECQ BX
	KMOVW BX, K5
	VMOVUPS Z3, K5, (DI)(R9*4)
	ADDQ CX, R9
	MOVQ R12, CX
kside:
	CMPQ DX, R8
	JLE kkeeplo
	MOVQ CX, R11
	SUBQ R9, R11                 // n − nh
	CMPQ DX, R11
	JLE kpivot
	SUBQ R11, DX
	XCHGQ SI, DI
	MOVQ R9, CX
	JMP kround
kkeeplo:
	MOVQ R8, CX
	JMP kround
kpivot:
	VMOVSS X0, ret+32(FP)
	VZEROUPPER
	RET
kfinal:
	MOVQ $1, BX
	SHLQ CX, BX
	DECQ BX
	KMOVW BX, K3
	VMOVUPS.Z (SI), K3, Z1
	VPXORD Z4, Z4, Z4            // lt
	VPXORD Z5, Z5, Z5            // le
	MOVL $1, BX
	VPBROADCASTD BX, Z6
	XORQ AX, AX
kcount:
	VBROADCASTSS (SI)(AX*4), Z2
	VCMPPS $0x11, Z1, Z2, K1     // w < v[i]
	VCMPPS $0x12, Z1, Z2, K2     // w ≤ v[i]
	VPADDD Z6, Z4, K1, Z4
	VPADDD Z6, Z5, K2, Z5
	INCQ AX
	CMPQ AX, CX
	JLT kcount
	VPBROADCASTD DX, Z7
	VPCMPD $1, Z7, Z4, K3, K4    // lt < k
	VPCMPD $5, Z7, Z5, K4, K5    // and le ≥ k
	KMOVW K5, BX
	TESTL BX, BX
	JZ knan
	BSFL BX, BX
	VMOVSS (SI)(BX*4), X1
	VMOVSS X1, ret+32(FP)
	VZEROUPPER
	RET
knan:
	MOVL $0x7fc00000, BX
	MOVL BX, ret+32(FP)
	VZEROUPPER
	RET
