package dtype

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

// encodeHalf returns the binary16 bits of v, which must be representable.
func encodeHalf(t *testing.T, v float64) uint16 {
	var s uint16
	if math.Signbit(v) {
		s = 0x8000
		v = -v
	}
	switch {
	case math.IsInf(v, 0):
		return s | 0x7c00
	case v == 0:
		return s
	case v < math.Ldexp(1, -14): // subnormal
		m := math.Ldexp(v, 24)
		if m != math.Trunc(m) {
			t.Fatalf("%g is not a binary16 subnormal", v)
		}
		return s | uint16(m)
	}
	frac, exp := math.Frexp(v) // v = frac·2^exp, frac in [0.5, 1)
	m := math.Ldexp(frac, 11)  // 1024..2047
	if m != math.Trunc(m) {
		t.Fatalf("%g is not a binary16 value", v)
	}
	return s | uint16(exp+14)<<10 | (uint16(m) - 1024)
}

func TestFloat16Known(t *testing.T) {
	cases := map[uint16]float64{
		0x0000: 0, 0x3c00: 1, 0xc000: -2, 0x3555: 0.333251953125,
		0x0001: math.Ldexp(1, -24), 0x03ff: 1023 * math.Ldexp(1, -24), 0x0400: math.Ldexp(1, -14),
		0x7bff: 65504, 0xfbff: -65504, 0x7c00: math.Inf(1), 0xfc00: math.Inf(-1),
	}
	for h, want := range cases {
		if got := Float16(h); got != want {
			t.Errorf("Float16(%#04x) = %g, want %g", h, got, want)
		}
	}
	if !math.Signbit(Float16(0x8000)) || Float16(0x8000) != 0 {
		t.Error("Float16(0x8000) is not -0")
	}
	for _, h := range []uint16{0x7c01, 0x7e00, 0xfe00, 0x7fff} {
		if !math.IsNaN(Float16(h)) {
			t.Errorf("Float16(%#04x) is not NaN", h)
		}
	}
}

// TestFloat16Exhaustive checks every non-NaN bit pattern: the value encodes
// back to the same bits, and values increase with the bits.
func TestFloat16Exhaustive(t *testing.T) {
	prev := math.Inf(-1)
	for h := 0; h < 0x10000; h++ {
		v := Float16(uint16(h))
		if h&0x7c00 == 0x7c00 && h&0x3ff != 0 {
			if !math.IsNaN(v) {
				t.Fatalf("%#04x: not NaN", h)
			}
			continue
		}
		if got := encodeHalf(t, v); got != uint16(h) {
			t.Fatalf("Float16(%#04x) = %g encodes back to %#04x", h, v, got)
		}
		if h >= 0x8000 {
			continue
		}
		if !(v > prev) && h != 0 {
			t.Fatalf("Float16 not increasing at %#04x", h)
		}
		prev = v
	}
}

func TestBFloat16(t *testing.T) {
	cases := map[uint16]float64{
		0x3f80: 1, 0xc000: -2, 0x4049: 3.140625, 0x0001: math.Ldexp(1, -133),
		0x7f7f: 0x1.fep127, 0x7f80: math.Inf(1), 0xff80: math.Inf(-1),
	}
	for b, want := range cases {
		if got := BFloat16(b); got != want {
			t.Errorf("BFloat16(%#04x) = %g, want %g", b, got, want)
		}
	}
	if !math.IsNaN(BFloat16(0x7fc0)) || !math.Signbit(BFloat16(0x8000)) {
		t.Error("BFloat16 NaN or -0 wrong")
	}
	for b := 0; b < 0x10000; b++ { // exact: agrees with float32 of the shifted bits
		if v := BFloat16(uint16(b)); !math.IsNaN(v) && float32(v) != math.Float32frombits(uint32(b)<<16) {
			t.Fatalf("BFloat16(%#04x) = %g", b, v)
		}
	}
}

// encode writes v in type t (v must be representable).
func encode(tt *testing.T, t Type, vs []float64) []byte {
	var o binary.AppendByteOrder = binary.LittleEndian
	if t.BigEndian {
		o = binary.BigEndian
	}
	var b []byte
	for _, v := range vs {
		switch {
		case t.Kind == Float && t.Size == 8:
			b = o.AppendUint64(b, math.Float64bits(v))
		case t.Kind == Float && t.Size == 4:
			b = o.AppendUint32(b, math.Float32bits(float32(v)))
		case t.Kind == Float && t.Size == 2:
			b = o.AppendUint16(b, encodeHalf(tt, v))
		case t.Kind == BFloat:
			b = o.AppendUint16(b, uint16(math.Float32bits(float32(v))>>16))
		case t.Kind == Int || t.Kind == Uint:
			var u uint64
			if v < 0 {
				u = uint64(int64(v))
			} else {
				u = uint64(v)
			}
			switch t.Size {
			case 1:
				b = append(b, byte(u))
			case 2:
				b = o.AppendUint16(b, uint16(u))
			case 4:
				b = o.AppendUint32(b, uint32(u))
			default:
				b = o.AppendUint64(b, u)
			}
		default:
			if v != 0 {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		}
	}
	return b
}

// AllTypes lists every valid type, both byte orders.
func allTypes() []Type {
	var ts []Type
	for _, big := range []bool{false, true} {
		for _, k := range []Kind{Float, BFloat, Int, Uint, Bool} {
			for _, s := range []int{1, 2, 4, 8} {
				if t := (Type{k, s, big}); t.Valid() {
					ts = append(ts, t)
				}
			}
		}
	}
	return ts
}

// values returns n values representable in t.
func values(t Type, n int, rng *rand.Rand) []float64 {
	v := make([]float64, n)
	for i := range v {
		switch t.Kind {
		case Float, BFloat:
			v[i] = float64(rng.IntN(512)-256) / 8
		case Int:
			lim := int64(1) << (8*t.Size - 1)
			if t.Size == 8 {
				lim = 1 << 52
			}
			v[i] = float64(rng.Int64N(2*lim) - lim)
		case Uint:
			lim := uint64(1) << (8 * t.Size)
			if t.Size == 8 {
				lim = 1 << 53
			}
			v[i] = float64(rng.Uint64N(lim))
		default:
			v[i] = float64(rng.IntN(2))
		}
	}
	return v
}

func TestDecodeAndReadFull(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, ty := range allTypes() {
		for _, n := range []int{0, 1, 7, 1000} {
			want := values(ty, n, rng)
			src := encode(t, ty, want)
			enc := make([]byte, len(src))
			if ty.Encode(enc, want); !bytes.Equal(enc, src) {
				t.Fatalf("%v: Encode differs from the test encoder", ty)
			}
			got := make([]float64, n)
			ty.Decode(got, src)
			got32 := make([]float32, n)
			ty.Decode32(got32, src)
			inPlace := make([]float64, n)
			if err := ty.ReadFull(bytes.NewReader(src), inPlace); err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if got[i] != want[i] || inPlace[i] != want[i] || got32[i] != float32(want[i]) {
					t.Fatalf("%v n=%d [%d]: Decode %g, ReadFull %g, Decode32 %g; want %g", ty, n, i, got[i], inPlace[i], got32[i], want[i])
				}
			}
			if n > 0 {
				if err := ty.ReadFull(bytes.NewReader(src[:len(src)-1]), make([]float64, n)); err == nil {
					t.Fatalf("%v: short read succeeded", ty)
				}
			}
		}
	}
}

func TestString(t *testing.T) {
	cases := map[Type]string{
		{Float, 4, false}: "float32", {Float, 2, true}: "float16 big-endian", {BFloat, 2, false}: "bfloat16",
		{Int, 1, true}: "int8", {Uint, 8, false}: "uint64", {Bool, 1, false}: "bool",
	}
	for ty, want := range cases {
		if got := ty.String(); got != want {
			t.Errorf("%#v: %q, want %q", ty, got, want)
		}
	}
	if (Type{Float, 3, false}).Valid() || (Type{Bool, 2, false}).Valid() {
		t.Error("invalid types reported valid")
	}
}

func TestToFloat16(t *testing.T) {
	for h := 0; h < 0x10000; h++ {
		v := Float16(uint16(h))
		if math.IsNaN(v) {
			if g := ToFloat16(v); !math.IsNaN(Float16(g)) {
				t.Fatalf("NaN encodes to %#04x", g)
			}
			continue
		}
		if g := ToFloat16(v); g != uint16(h) {
			t.Fatalf("ToFloat16(%g) = %#04x, want %#04x", v, g, h)
		}
	}
	cases := []struct {
		v    float64
		want uint16
	}{
		{1 + math.Ldexp(1, -11), 0x3c00},                      // tie, to even (down)
		{1 + 3*math.Ldexp(1, -11), 0x3c02},                    // tie, to even (up)
		{1 + math.Ldexp(1, -11) + math.Ldexp(1, -40), 0x3c01}, // just above a tie
		{65519, 0x7bff}, {65520, 0x7c00}, {1e10, 0x7c00}, {-1e10, 0xfc00},
		{math.Ldexp(1, -25), 0x0000},      // tie with 0: to even
		{math.Ldexp(3, -26), 0x0001},      // above the tie
		{math.Ldexp(1023.5, -24), 0x0400}, // rounds up to the smallest normal
		{1e-30, 0}, {math.Copysign(0, -1), 0x8000},
	}
	for _, c := range cases {
		if g := ToFloat16(c.v); g != c.want {
			t.Errorf("ToFloat16(%g) = %#04x, want %#04x", c.v, g, c.want)
		}
	}
}

func TestToBFloat16(t *testing.T) {
	for b := 0; b < 0x10000; b++ {
		v := BFloat16(uint16(b))
		if !math.IsNaN(v) && ToBFloat16(v) != uint16(b) {
			t.Fatalf("ToBFloat16(%g) = %#04x, want %#04x", v, ToBFloat16(v), b)
		}
	}
	// 1 + 2⁻⁸ + 2⁻³⁰ is just above a tie: one rounding from float64 goes up,
	// while rounding through float32 first would land on the tie and go down.
	if g := ToBFloat16(1 + math.Ldexp(1, -8) + math.Ldexp(1, -30)); g != 0x3f81 {
		t.Errorf("ToBFloat16 double rounding: %#04x", g)
	}
}

func TestEncodeSaturates(t *testing.T) {
	cases := []struct {
		ty   Type
		in   float64
		want float64
	}{
		{Type{Int, 1, false}, 300, 127}, {Type{Int, 1, false}, -300, -128}, {Type{Int, 8, false}, 1e30, math.MaxInt64},
		{Type{Int, 8, true}, -1e30, math.MinInt64}, {Type{Int, 4, false}, -7.9, -7}, {Type{Int, 2, false}, math.NaN(), 0},
		{Type{Uint, 1, false}, 256, 255}, {Type{Uint, 8, false}, 1e30, math.MaxUint64}, {Type{Uint, 2, true}, -5, 0},
		{Type{Bool, 1, false}, -0.5, 1},
	}
	for _, c := range cases {
		b := make([]byte, c.ty.Size)
		c.ty.Encode(b, []float64{c.in})
		got := make([]float64, 1)
		c.ty.Decode(got, b)
		if got[0] != c.want {
			t.Errorf("%v: Encode(%g) decodes to %g, want %g", c.ty, c.in, got[0], c.want)
		}
	}
}
