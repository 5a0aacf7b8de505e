// Package cloud holds a point cloud: an N×D row-major matrix of float32 or
// float64 values, kept in the element type it was read in (docs/DESIGN.md §7:
// float32 stays float32 from the file to the kernel).
//
// A Matrix is read-only once made. Its shape is checked when it is made and
// its values (finite or not) once, on the first call of Finite; every
// consumer (knn, estimate) relies on those checks instead of repeating them.
// A Matrix may view memory it does not own (a memory-mapped file); Close
// releases it.
package cloud

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Elem is the element type of a Matrix.
type Elem int

const (
	// Float64 is IEEE 754 binary64.
	Float64 Elem = iota
	// Float32 is IEEE 754 binary32.
	Float32
)

// String returns "float64" or "float32".
func (e Elem) String() string {
	if e == Float32 {
		return "float32"
	}
	return "float64"
}

// Size returns the bytes per element.
func (e Elem) Size() int {
	if e == Float32 {
		return 4
	}
	return 8
}

// Matrix is an N×D point cloud (rows are points), float32 or float64.
type Matrix struct {
	n, d   int
	elem   Elem
	f32    []float32
	f64    []float64
	once   sync.Once
	bad    error        // result of the finiteness check
	finite atomic.Bool  // checked and finite
	close  func() error // releases a mapping; nil for ordinary memory
}

// New64 returns the n×d matrix whose row-major values are x (not copied).
// It returns an error unless n, d ≥ 0 and len(x) = n·d.
func New64(x []float64, n, d int) (*Matrix, error) {
	if err := checkShape(len(x), n, d); err != nil {
		return nil, err
	}
	if x == nil {
		x = []float64{}
	}
	return &Matrix{n: n, d: d, elem: Float64, f64: x}, nil
}

// New32 is New64 for float32 values.
func New32(x []float32, n, d int) (*Matrix, error) {
	if err := checkShape(len(x), n, d); err != nil {
		return nil, err
	}
	if x == nil {
		x = []float32{}
	}
	return &Matrix{n: n, d: d, elem: Float32, f32: x}, nil
}

// Must64 is New64 that panics on a bad shape (for tests and examples).
func Must64(x []float64, n, d int) *Matrix {
	m, err := New64(x, n, d)
	if err != nil {
		panic(err)
	}
	return m
}

// Must32 is New32 that panics on a bad shape.
func Must32(x []float32, n, d int) *Matrix {
	m, err := New32(x, n, d)
	if err != nil {
		panic(err)
	}
	return m
}

// Mapped32 returns a matrix over x whose storage close releases (a memory
// map); Close calls it once.
func Mapped32(x []float32, n, d int, close func() error) (*Matrix, error) {
	m, err := New32(x, n, d)
	if err != nil {
		return nil, err
	}
	m.close = close
	return m, nil
}

// Mapped64 is Mapped32 for float64 values.
func Mapped64(x []float64, n, d int, close func() error) (*Matrix, error) {
	m, err := New64(x, n, d)
	if err != nil {
		return nil, err
	}
	m.close = close
	return m, nil
}

func checkShape(l, n, d int) error {
	if n < 0 || d < 0 {
		return fmt.Errorf("cloud: negative shape %d×%d", n, d)
	}
	if d != 0 && n > math.MaxInt/d || l != n*d {
		return fmt.Errorf("cloud: %d values for a %d×%d matrix", l, n, d)
	}
	return nil
}

// N returns the number of points (rows).
func (m *Matrix) N() int { return m.n }

// D returns the dimension (columns).
func (m *Matrix) D() int { return m.d }

// Elem returns the element type.
func (m *Matrix) Elem() Elem { return m.elem }

// Bytes returns the size of the values in bytes.
func (m *Matrix) Bytes() int64 { return int64(m.n) * int64(m.d) * int64(m.Elem().Size()) }

// F32 returns the float32 values, row-major, or nil when the matrix holds
// float64. They must not be modified.
func (m *Matrix) F32() []float32 { return m.f32 }

// F64 returns the float64 values, row-major, or nil when the matrix holds
// float32. They must not be modified.
func (m *Matrix) F64() []float64 { return m.f64 }

// Row32 returns row i of a float32 matrix.
func (m *Matrix) Row32(i int) []float32 { return m.f32[i*m.d : (i+1)*m.d : (i+1)*m.d] }

// Row64 returns row i of a float64 matrix.
func (m *Matrix) Row64(i int) []float64 { return m.f64[i*m.d : (i+1)*m.d : (i+1)*m.d] }

// At returns the value at row i, column j, widened to float64 (exact).
func (m *Matrix) At(i, j int) float64 {
	if m.elem == Float32 {
		return float64(m.f32[i*m.d+j])
	}
	return m.f64[i*m.d+j]
}

// Float64 returns the values as float64, row-major: the matrix's own slice
// for a float64 matrix, an exact widened copy for float32 (n·d·8 bytes).
func (m *Matrix) Float64() []float64 {
	if m.elem == Float64 {
		return m.f64
	}
	out := make([]float64, len(m.f32))
	for i, v := range m.f32 {
		out[i] = float64(v)
	}
	return out
}

// Rows returns a new matrix holding the listed rows, in that order, in the
// same element type. The values are copied.
func (m *Matrix) Rows(rows []int) *Matrix {
	d := m.d
	out := &Matrix{n: len(rows), d: d, elem: m.elem}
	if m.elem == Float32 {
		out.f32 = make([]float32, len(rows)*d)
		copyRuns(out.f32, m.f32, rows, d)
	} else {
		out.f64 = make([]float64, len(rows)*d)
		copyRuns(out.f64, m.f64, rows, d)
	}
	if m.finite.Load() {
		out.once.Do(func() {})
		out.finite.Store(true)
	}
	return out
}

// copyRuns copies the rows of d values of src listed in rows to dst, in
// order, one copy per run of consecutive rows (a few after a collapse of
// duplicates, rather than one per row).
func copyRuns[E float32 | float64](dst, src []E, rows []int, d int) {
	for j := 0; j < len(rows); {
		r, k := rows[j], j+1
		for k < len(rows) && rows[k] == rows[k-1]+1 {
			k++
		}
		copy(dst[j*d:k*d], src[r*d:(r+k-j)*d])
		j = k
	}
}

// Finite returns nil when every value is finite, and otherwise an error
// naming the first row and column (counting from 0) of a NaN or infinity.
// The values are scanned once; later calls return the same answer.
func (m *Matrix) Finite() error {
	m.once.Do(func() {
		if allFiniteSplit(m.f32, m.f64) {
			m.finite.Store(true)
			return
		}
		k := -1
		var bad float64
		if m.elem == Float32 {
			for i, v := range m.f32 {
				if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
					k, bad = i, f
					break
				}
			}
		} else {
			for i, v := range m.f64 {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					k, bad = i, v
					break
				}
			}
		}
		if k >= 0 {
			m.bad = &NonFiniteError{Row: k / m.d, Col: k % m.d, Value: bad}
			return
		}
		m.finite.Store(true)
	})
	return m.bad
}

// MarkFinite records that every value of m is finite, as checked before by
// the caller (e.g. intdim merge, whose plan checked the layer's values and
// recorded them with the file's checksum, verified since): Finite then
// returns nil without scanning the values again. It does nothing once
// Finite has run (its answer stands).
func (m *Matrix) MarkFinite() {
	m.once.Do(func() { m.finite.Store(true) })
}

// NonFiniteError reports a NaN or infinite value.
type NonFiniteError struct {
	Row, Col int
	Value    float64
}

func (e *NonFiniteError) Error() string {
	return fmt.Sprintf("row %d, column %d is %v (counting from 0); values must be finite", e.Row, e.Col, e.Value)
}

// Close releases storage the matrix does not own (a memory map); the
// matrix must not be used afterwards. It is a no-op for ordinary memory.
func (m *Matrix) Close() error {
	if m == nil || m.close == nil {
		return nil
	}
	c := m.close
	m.close = nil
	m.f32, m.f64 = nil, nil
	return c()
}

// splitValues is the number of values from which Finite splits its scan
// among GOMAXPROCS goroutines (pool1's 10.8 million float32 values read
// from memory at ≈ 17 GB/s by one core: 2.5 ms alone).
const splitValues = 1 << 20

// allFiniteSplit is allFinite of a and b, the values in GOMAXPROCS parts
// scanned concurrently when there are splitValues or more: the same
// answer (every part finite).
func allFiniteSplit(a []float32, b []float64) bool {
	parts := min(runtime.GOMAXPROCS(0), (len(a)+len(b))/(splitValues/2))
	if parts < 2 {
		return allFinite(a, b)
	}
	var bad atomic.Bool
	var wg sync.WaitGroup
	for p := range parts {
		// Part p's values: [len·p/parts, len·(p+1)/parts), rounded to
		// multiples of 16 (each part's words then align as the whole's).
		a0, a1 := len(a)*p/parts&^15, len(a)*(p+1)/parts&^15
		b0, b1 := len(b)*p/parts&^15, len(b)*(p+1)/parts&^15
		if p == parts-1 {
			a1, b1 = len(a), len(b)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !allFinite(a[a0:a1], b[b0:b1]) {
				bad.Store(true)
			}
		}()
	}
	wg.Wait()
	return !bad.Load()
}

// AllFinite32 reports whether every value of v is finite (no NaN, no
// ±Inf), by Finite's test: for a caller that checks a matrix's values
// piece by piece as it reads them for something else (then MarkFinite).
func AllFinite32(v []float32) bool { return allFinite(v, nil) }

// AllFinite64 is AllFinite32 for float64 values.
func AllFinite64(v []float64) bool { return allFinite(nil, v) }

// allFinite reports whether every value of a and b is finite, from the
// exponent bits alone: with e the exponent field (all ones for NaN and
// ±Inf), e + 1 in the field's place carries into the sign bit exactly when
// e is all ones, so the OR of those sums has its sign bit set iff a value
// is not finite. No branch per value: a few integer operations each.
// float32 values are read two to a 64-bit word (finite32Words): 2.5 times
// the pace of one value per operation on pool1's 10.8 million values.
func allFinite(a []float32, b []float64) bool {
	var a0, a1, a2, a3 uint32
	i := 0
	if len(a) >= 16 {
		// The first value alone when the words would straddle 8 bytes.
		if uintptr(unsafe.Pointer(&a[0]))%8 != 0 {
			a0 |= math.Float32bits(a[0])&0x7f800000 + 0x00800000
			i = 1
		}
		w := len(a[i:]) / 2
		if !finite32Words(unsafe.Slice((*uint64)(unsafe.Pointer(&a[i])), w)) {
			return false
		}
		i += 2 * w
	}
	for ; i+4 <= len(a); i += 4 {
		a0 |= math.Float32bits(a[i])&0x7f800000 + 0x00800000
		a1 |= math.Float32bits(a[i+1])&0x7f800000 + 0x00800000
		a2 |= math.Float32bits(a[i+2])&0x7f800000 + 0x00800000
		a3 |= math.Float32bits(a[i+3])&0x7f800000 + 0x00800000
	}
	for ; i < len(a); i++ {
		a0 |= math.Float32bits(a[i])&0x7f800000 + 0x00800000
	}
	var b0, b1, b2, b3 uint64
	i = 0
	for ; i+4 <= len(b); i += 4 {
		b0 |= math.Float64bits(b[i])&0x7ff0000000000000 + 0x0010000000000000
		b1 |= math.Float64bits(b[i+1])&0x7ff0000000000000 + 0x0010000000000000
		b2 |= math.Float64bits(b[i+2])&0x7ff0000000000000 + 0x0010000000000000
		b3 |= math.Float64bits(b[i+3])&0x7ff0000000000000 + 0x0010000000000000
	}
	for ; i < len(b); i++ {
		b0 |= math.Float64bits(b[i])&0x7ff0000000000000 + 0x0010000000000000
	}
	return (a0|a1|a2|a3)>>31 == 0 && (b0|b1|b2|b3)>>63 == 0
}

// finite32Words is allFinite's test on float32 values read two to a word
// (the bits of each in one half): each half's exponent field plus one
// carries into that half's sign bit, never across the halves.
func finite32Words(w []uint64) bool {
	const exp, one = 0x7f8000007f800000, 0x0080000000800000
	var a0, a1, a2, a3 uint64
	i := 0
	for ; i+4 <= len(w); i += 4 {
		a0 |= w[i]&exp + one
		a1 |= w[i+1]&exp + one
		a2 |= w[i+2]&exp + one
		a3 |= w[i+3]&exp + one
	}
	for ; i < len(w); i++ {
		a0 |= w[i]&exp + one
	}
	return (a0|a1|a2|a3)&0x8000000080000000 == 0
}
