package plan

// crcCombine returns the CRC-32 of the bytes A followed by B, given crcA,
// the CRC-32 of A, crcB, the CRC-32 of B, and nB = len(B), for the
// reflected polynomial poly (crc32.Castagnoli for CRC-32C), in hash/crc32's
// convention (register preset to all ones, result inverted).
//
// The CRC register is linear over GF(2): appending nB bytes to A maps
// crcA's register through the 32 × 32 matrix Mⁿ, where M appends one zero
// bit, so crc(A‖B) = M^(8·nB)·crcA ⊕ crcB; the presets and inversions cancel
// (zlib's crc32_combine, M. Adler; the matrix squared once per bit of nB).
func crcCombine(poly, crcA, crcB uint32, nB int64) uint32 {
	if nB <= 0 {
		return crcA
	}
	var even, odd [32]uint32
	odd[0] = poly // one zero bit
	row := uint32(1)
	for n := 1; n < 32; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four zero bits
	for {
		gf2Square(&even, &odd) // first pass: one zero byte
		if nB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		nB >>= 1
		if nB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if nB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		nB >>= 1
		if nB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

// gf2Times returns mat·vec over GF(2) (column i of mat is mat[i]).
func gf2Times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

// gf2Square sets sq to mat·mat over GF(2).
func gf2Square(sq, mat *[32]uint32) {
	for n := range mat {
		sq[n] = gf2Times(mat, mat[n])
	}
}
