//go:build !ort

package onnx

import "errors"

const ortBuilt = false

func newORT(*Model, string) (Runner, error) {
	return nil, errors.New("built without onnxruntime support (rebuild with -tags ort)")
}
