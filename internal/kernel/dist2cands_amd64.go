//go:build amd64 && !purego

package kernel

// dist2CandsAVX512 implements dist2CandsGo (see the assembly for how).
//
//go:noescape
func dist2CandsAVX512(a *float64, d int, x *float64, ld int, c *Cand, n, rows int) (ok bool)
