// Package onnx runs ONNX models and collects the activations of any of
// their values, for the layer-by-layer intrinsic-dimension profiles of
// Ansuini et al., "Intrinsic dimension of data representations in deep
// neural networks" (NeurIPS 2019). The input is images (N, C, H, W;
// Model.CheckImages) or any float32 array batched along axis 0, such as
// the token embeddings [N, T, D] of a transformer encoder
// (Model.LayersFor, ForwardOptions.Sample), or int64 token ids
// (Model.InputInt; native backend only). Models with several inputs (token
// ids and an attention mask; Model.Extra) run on the native backend, every
// input batched along the same axis 0 (ForwardOptions.Extra).
//
// A Model is a parsed graph: its input, its candidate layers (every
// node output computed from the input), their depth (the number of
// Conv/Gemm/MatMul nodes on the longest path from the input, the paper's
// definition) and the layers the paper analysed (Auto). A Runner computes
// values for a batch of images; Forward streams a set of images through a
// Runner once, collecting every requested layer from the same passes.
//
// Three runners exist. "native" interprets the graph in Go, convolutions
// and fully connected layers as matrix products on the module's SIMD
// kernel (internal/kernel); it is the default, and the only one of the
// default build. It covers the operators of image classifiers and of small
// transformer encoders as PyTorch exports them (nn.TransformerEncoder,
// checked against PyTorch's own activations):
//
//	convolutional: Conv, MaxPool, AveragePool, GlobalAveragePool,
//	    GlobalMaxPool, BatchNormalization, Pad (constant)
//	linear:        Gemm, MatMul (batched, or against a matrix)
//	normalisation: LayerNormalization, Softmax
//	element-wise:  Add, Sub, Mul, Div (float32, and int64 for shape
//	    arithmetic), Pow, Sqrt, Exp, Neg, Reciprocal, Erf, Gelu, Relu,
//	    LeakyRelu, Sigmoid, Tanh, Clip, Equal, Less, Greater, Where
//	reductions:    ReduceMean
//	shape:         Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Concat,
//	    Slice, Gather (any axis: embedding tables), Expand, Shape, Cast,
//	    Constant, ConstantOfShape, Identity, Dropout
//
// Boolean tensors are kept as int64 tensors of 0 and 1.
// "gomlx", also pure Go, runs any graph that github.com/gomlx/onnx-gomlx
// converts, on GoMLX's simplego backend: exact but slow on large networks
// (unvectorised convolutions); it is compiled with the build tag gomlx and
// is then the fallback for operators that native lacks. "ort",
// github.com/yalue/onnxruntime_go, is compiled with the build tag ort and
// loads libonnxruntime.so at run time. Intermediate values are exposed to
// onnxruntime by adding them to the graph outputs. All three agree on the
// test models to float32 rounding.
//
// Models are decoded by this package (proto.go, on the protobuf wire
// format) and checked before anything is allocated: every initializer's
// dimensions against the bytes that hold it, the input's dimensions, and
// in the native runner every value a node computes against a memory
// budget (RunnerOptions.MaxBytes). A crafted model is refused with an
// error naming the tensor or node, never with a crash or an allocation
// out of proportion to the file.
package onnx
