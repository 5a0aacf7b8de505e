// Package onnx runs ONNX image models and collects the activations of any
// of their values, for the layer-by-layer intrinsic-dimension profiles of
// Ansuini et al., "Intrinsic dimension of data representations in deep
// neural networks" (NeurIPS 2019).
//
// A Model is a parsed graph: its image input, its candidate layers (every
// node output computed from the input), their depth (the number of
// Conv/Gemm/MatMul nodes on the longest path from the input, the paper's
// definition) and the layers the paper analysed (Auto). A Runner computes
// values for a batch of images; Forward streams a set of images through a
// Runner once, collecting every requested layer from the same passes.
//
// Two runners exist: "gomlx", pure Go, by way of github.com/gomlx/onnx-gomlx
// on GoMLX's simplego backend (exact but slow on large networks), always
// compiled; and "ort", github.com/yalue/onnxruntime_go, compiled with the
// build tag ort and given the path of libonnxruntime.so at run time.
package onnx
