//go:build amd64 && !purego

package kernel

//go:generate go run gen_sortnet.go

// The bitonic networks of sortnet_amd64.s: sortNetPAVX512 sorts the P keys
// at v in place.
//
//go:noescape
func sortNet16AVX512(v *[16]uint64)

//go:noescape
func sortNet32AVX512(v *[32]uint64)

//go:noescape
func sortNet64AVX512(v *[64]uint64)

//go:noescape
func sortNet128AVX512(v *[128]uint64)

// sortKeysAVX512 implements sortKeysGo: buf[:n] padded with the largest
// key to the smallest network that holds it (8 keys or fewer by
// insertion).
func sortKeysAVX512(buf *[SortNetMax]uint64, n int) {
	if n <= 8 {
		for i := 1; i < n; i++ {
			x := buf[i]
			j := i
			for j > 0 && buf[j-1] > x {
				buf[j] = buf[j-1]
				j--
			}
			buf[j] = x
		}
		return
	}
	p := 16
	for p < n {
		p *= 2
	}
	for i := n; i < p; i++ {
		buf[i] = ^uint64(0)
	}
	switch p {
	case 16:
		sortNet16AVX512((*[16]uint64)(buf[:16]))
	case 32:
		sortNet32AVX512((*[32]uint64)(buf[:32]))
	case 64:
		sortNet64AVX512((*[64]uint64)(buf[:64]))
	default:
		sortNet128AVX512(buf)
	}
}
