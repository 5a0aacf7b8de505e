//go:build amd64 && !purego

package kernel

// candKeysAVX512 implements candKeysGo (see the assembly for how).
//
//go:noescape
func candKeysAVX512(c *Cand, n int, buf *[SortNetMax]uint64)

// keysDistinctAVX512 implements keysDistinctGo (see the assembly for how).
//
//go:noescape
func keysDistinctAVX512(buf *[SortNetMax]uint64, n int) bool
