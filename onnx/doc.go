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
// Three runners exist. "native" interprets the graph in Go, convolutions
// and fully connected layers as matrix products on the module's SIMD
// kernel (internal/kernel); it covers the operators of image classifiers
// (Conv, pooling, BatchNormalization, Gemm, MatMul, element-wise and shape
// operators) and is the default. "gomlx", also pure Go, runs any graph that
// github.com/gomlx/onnx-gomlx converts, on GoMLX's simplego backend: exact
// but slow on large networks (unvectorised convolutions); it is the
// fallback for operators that native lacks. "ort",
// github.com/yalue/onnxruntime_go, is compiled with the build tag ort and
// loads libonnxruntime.so at run time. Intermediate values are exposed to
// onnxruntime by adding them to the graph outputs. All three agree on the
// test models to float32 rounding.
package onnx
