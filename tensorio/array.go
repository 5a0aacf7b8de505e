package tensorio

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/intdim/intdim/tensorio/internal/shape"
)

// Array is one array read from a file, converted to float64, row-major.
type Array struct {
	// Name is the array's name in its container (the .npz member without
	// ".npy", the safetensors tensor name), or the file's base name without
	// extension for a plain .npy file.
	Name  string
	Shape []int
	Data  []float64
	// Source is the path of the file the array came from.
	Source string
	// DType is the element type in the file, e.g. "float32", "bfloat16".
	DType string
}

// where names the array for a message: "x.npy", or `x.npz: array "conv1"`
// when the name does not already follow from the path.
func (a *Array) where() string {
	if a.Source == "" {
		return fmt.Sprintf("array %q", a.Name)
	}
	base := filepath.Base(a.Source)
	if a.Name == strings.TrimSuffix(base, filepath.Ext(base)) {
		return a.Source
	}
	return fmt.Sprintf("%s: array %q", a.Source, a.Name)
}

// Matrix returns the array's shape as a matrix of n points (rows) of
// dimension d: n = Shape[0] and d the product of the other dimensions
// (N×C×H×W → N, C·H·W). Arrays of rank 0 and 1 are not point clouds and
// give an error.
func (a *Array) Matrix() (n, d int, err error) {
	if len(a.Shape) < 2 {
		return 0, 0, fmt.Errorf("%s: rank %d (shape %s), need rank ≥ 2 with points as rows", a.where(), len(a.Shape), shape.Format(a.Shape))
	}
	d = 1
	for _, s := range a.Shape[1:] {
		if s < 0 || (s != 0 && d > math.MaxInt/s) {
			return 0, 0, fmt.Errorf("%s: invalid shape %s", a.where(), shape.Format(a.Shape))
		}
		d *= s
	}
	return a.Shape[0], d, nil
}

// CheckPoints reports whether a is a usable point cloud: rank ≥ 2, at least
// 3 rows, at least one column, len(Data) = n·d, and every value finite. The
// error names the file and, for a bad value, its first row and column
// (counted from 0).
func CheckPoints(a *Array) error {
	n, d, err := a.Matrix()
	if err != nil {
		return err
	}
	if n < 3 {
		return fmt.Errorf("%s: %d rows (shape %s), need at least 3 points", a.where(), n, shape.Format(a.Shape))
	}
	if d < 1 {
		return fmt.Errorf("%s: rows have no columns (shape %s)", a.where(), shape.Format(a.Shape))
	}
	if len(a.Data) != n*d {
		return fmt.Errorf("%s: %d values for shape %s", a.where(), len(a.Data), shape.Format(a.Shape))
	}
	for k, v := range a.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: row %d, column %d is %v (counting from 0); values must be finite", a.where(), k/d, k%d, v)
		}
	}
	return nil
}
