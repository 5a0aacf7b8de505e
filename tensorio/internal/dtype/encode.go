package dtype

import (
	"encoding/binary"
	"fmt"
	"math"
)

// ToFloat16 returns the IEEE 754 binary16 bits nearest to v (ties to even);
// values beyond the range become ±Inf, NaN stays NaN.
func ToFloat16(v float64) uint16 { return toMini(v, 10, 5) }

// ToBFloat16 returns the bfloat16 bits nearest to v (ties to even, rounded
// once from float64).
func ToBFloat16(v float64) uint16 { return toMini(v, 7, 8) }

// toMini rounds v to a 16-bit float with mant mantissa and exp exponent bits.
func toMini(v float64, mant, exp int) uint16 {
	var sign uint16
	if math.Signbit(v) {
		sign = 0x8000
	}
	bias := 1<<(exp-1) - 1
	infBits := uint16(1<<exp-1) << mant
	if math.IsNaN(v) {
		return sign | infBits | 1<<(mant-1)
	}
	a := math.Abs(v)
	if math.IsInf(a, 0) {
		return sign | infBits
	}
	if a < math.Ldexp(1, 1-bias) { // subnormal (or rounds up to the smallest normal)
		m := math.RoundToEven(math.Ldexp(a, bias-1+mant))
		return sign | uint16(m)
	}
	frac, e := math.Frexp(a) // a = frac·2^e, frac in [0.5, 1)
	m := math.RoundToEven(math.Ldexp(frac, mant+1))
	if m == math.Ldexp(1, mant+1) {
		m /= 2
		e++
	}
	be := e - 1 + bias
	if be >= 1<<exp-1 {
		return sign | infBits
	}
	return sign | uint16(be)<<mant | (uint16(m) - 1<<mant)
}

// Encode writes src as elements of type t into dst (len(dst) must be
// len(src)·t.Size). Floats round to nearest; integers truncate toward zero
// and saturate at the type's range (NaN becomes 0); bool is v ≠ 0.
func (t Type) Encode(dst []byte, src []float64) {
	if len(dst) != len(src)*t.Size || !t.Valid() {
		panic(fmt.Sprintf("dtype: Encode: %d values of %v into %d bytes", len(src), t, len(dst)))
	}
	var o binary.ByteOrder = binary.LittleEndian
	if t.BigEndian {
		o = binary.BigEndian
	}
	for i, v := range src {
		b := dst[i*t.Size : (i+1)*t.Size]
		switch t.Kind {
		case Float:
			switch t.Size {
			case 2:
				o.PutUint16(b, ToFloat16(v))
			case 4:
				o.PutUint32(b, math.Float32bits(float32(v)))
			default:
				o.PutUint64(b, math.Float64bits(v))
			}
		case BFloat:
			o.PutUint16(b, ToBFloat16(v))
		case Int:
			putUint(o, b, uint64(toInt(v, 8*t.Size)))
		case Uint:
			putUint(o, b, toUint(v, 8*t.Size))
		default:
			b[0] = 0
			if v != 0 {
				b[0] = 1
			}
		}
	}
}

// toInt converts v to a signed integer of the given bits, truncating and
// saturating; NaN gives 0.
func toInt(v float64, bits int) int64 {
	lim := math.Ldexp(1, bits-1)
	switch {
	case math.IsNaN(v):
		return 0
	case v >= lim:
		return math.MaxInt64 >> (64 - bits)
	case v < -lim:
		return math.MinInt64 >> (64 - bits)
	}
	return int64(v)
}

// toUint converts v to an unsigned integer of the given bits, truncating
// and saturating; NaN and negative values give 0.
func toUint(v float64, bits int) uint64 {
	switch {
	case math.IsNaN(v) || v <= 0:
		return 0
	case v >= math.Ldexp(1, bits):
		return math.MaxUint64 >> (64 - bits)
	}
	return uint64(v)
}

func putUint(o binary.ByteOrder, b []byte, u uint64) {
	switch len(b) {
	case 1:
		b[0] = byte(u)
	case 2:
		o.PutUint16(b, uint16(u))
	case 4:
		o.PutUint32(b, uint32(u))
	default:
		o.PutUint64(b, u)
	}
}
