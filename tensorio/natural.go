package tensorio

import "strings"

// NaturalLess reports whether a sorts before b in natural order: runs of
// digits compare by their numeric value ("layer2" < "layer10"), everything
// else byte by byte. Equal values with different zero padding ("01" and
// "1") order the shorter first; the order is total.
func NaturalLess(a, b string) bool {
	if c := naturalCompare(a, b); c != 0 {
		return c < 0
	}
	return a < b
}

func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		switch {
		case da && db:
			na, ra := digitRun(a)
			nb, rb := digitRun(b)
			ta, tb := strings.TrimLeft(na, "0"), strings.TrimLeft(nb, "0")
			if len(ta) != len(tb) {
				return cmp(len(ta), len(tb))
			}
			if ta != tb {
				return strings.Compare(ta, tb)
			}
			if len(na) != len(nb) {
				return cmp(len(na), len(nb))
			}
			a, b = ra, rb
		case da != db || a[0] != b[0]:
			return cmp(int(a[0]), int(b[0]))
		default:
			a, b = a[1:], b[1:]
		}
	}
	return cmp(len(a), len(b))
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func digitRun(s string) (run, rest string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

func cmp(x, y int) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
