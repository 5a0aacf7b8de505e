//go:build !gomlx

package onnx

import "errors"

const gomlxBuilt = false

func newGoMLX(m *Model) (Runner, error) {
	return nil, errors.New("backend gomlx: this program was built without it (rebuild with -tags gomlx)")
}
