//go:build amd64 && !purego

#include "textflag.h"

// func transpose8AVX(dst *float32, w int, src *float32, kc, h8, k8 int)
// For r0 = 0, 8, … < h8 and k0 = 0, 8, … < k8: the 8×8 block of src at
// rows r0…, features k0… (row stride kc) goes to dst at features k0…,
// rows r0… (feature stride w).
TEXT ·transpose8AVX(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ w+8(FP), R8
	SHLQ $2, R8            // w in bytes
	MOVQ src+16(FP), SI
	MOVQ kc+24(FP), R9
	SHLQ $2, R9            // kc in bytes
	MOVQ h8+32(FP), R10
	MOVQ k8+40(FP), R11
	XORQ R12, R12          // r0
rows:
	CMPQ R12, R10
	JGE done
	// src row r0 at SI + r0·kc·4; dst column r0 at DI + r0·4
	MOVQ R12, AX
	IMULQ R9, AX
	LEAQ (SI)(AX*1), BX    // src block row pointer
	LEAQ (DI)(R12*4), DX   // dst block column pointer
	XORQ R13, R13          // k0
cols:
	CMPQ R13, R11
	JGE nextrow
	LEAQ (BX)(R13*4), AX   // &src[r0·kc + k0]
	VMOVUPS (AX), Y0
	ADDQ R9, AX
	VMOVUPS (AX), Y1
	ADDQ R9, AX
	VMOVUPS (AX), Y2
	ADDQ R9, AX
	VMOVUPS (AX), Y3
	ADDQ R9, AX
	VMOVUPS (AX), Y4
	ADDQ R9, AX
	VMOVUPS (AX), Y5
	ADDQ R9, AX
	VMOVUPS (AX), Y6
	ADDQ R9, AX
	VMOVUPS (AX), Y7
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	// feature k0+j goes to DX + (k0+j)·w·4
	MOVQ R13, AX
	IMULQ R8, AX
	ADDQ DX, AX
	VMOVUPS Y8, (AX)
	ADDQ R8, AX
	VMOVUPS Y9, (AX)
	ADDQ R8, AX
	VMOVUPS Y10, (AX)
	ADDQ R8, AX
	VMOVUPS Y11, (AX)
	ADDQ R8, AX
	VMOVUPS Y12, (AX)
	ADDQ R8, AX
	VMOVUPS Y13, (AX)
	ADDQ R8, AX
	VMOVUPS Y14, (AX)
	ADDQ R8, AX
	VMOVUPS Y15, (AX)
	ADDQ $8, R13
	JMP cols
nextrow:
	ADDQ $8, R12
	JMP rows
done:
	VZEROUPPER
	RET
