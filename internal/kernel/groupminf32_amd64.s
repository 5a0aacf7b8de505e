//go:build amd64 && !purego

#include "textflag.h"

// func groupMinF32AVX512(gp, h *float32, n, gs int, out *float32)
//
// A chunk of 16·gs columns: gs vector steps of sixteen lanes, each
// VADDPS g + g (float32(2·g)), VSUBPS from h and VMINPS into the chunk's
// minima (VMINPS returns its second source unless the first is smaller,
// so a NaN never replaces), stored as sixteen float32.
TEXT ·groupMinF32AVX512(SB), NOSPLIT, $0-40
	MOVQ gp+0(FP), SI
	MOVQ h+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ gs+24(FP), R8
	MOVQ out+32(FP), R9
	MOVL $0x7f800000, AX
	VPBROADCASTD AX, Z7 // +Inf
	XORQ AX, AX // column
chunk:
	CMPQ AX, CX
	JGE done
	VMOVAPS Z7, Z0
	MOVQ R8, DX // steps left in the chunk
lane:
	VMOVUPS (SI)(AX*4), Z1
	VADDPS Z1, Z1, Z1
	VMOVUPS (DI)(AX*4), Z2
	VSUBPS Z1, Z2, Z2
	// Z0 = Z2 < Z0 ? Z2 : Z0
	VMINPS Z0, Z2, Z0
	ADDQ $16, AX
	DECQ DX
	JNZ lane
	VMOVUPS Z0, (R9)
	ADDQ $64, R9
	JMP chunk
done:
	VZEROUPPER
	RET
