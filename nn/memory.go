package nn

import (
	"fmt"
	"runtime"
)

// evalChunk is the number of samples Logits runs per worker.
const evalChunk = 256

// TrainBytes estimates the memory, in bytes, that training a.Build(in,
// classes, ·) with mini-batches of batch samples needs, evaluation and
// Forward of up to forwardN samples included. It counts 4-byte floats:
//
//	parameters   P·(4 + Shards)            values, gradient, momentum and Adam's
//	                                        first moment, and one gradient per shard
//	batch        batch·A                   A: every layer's output, input gradient and
//	                                        convolution patches, per sample
//	evaluation   GOMAXPROCS·(P + 256·A)    one worker per core, 256 samples each
//	Forward      forwardN·(named outputs)  the activations returned
//
// It is a lower bound of the real use (Go's heap keeps some slack), meant
// to refuse architectures that cannot fit before anything is allocated.
// Sizes are counted in float64, so that absurd widths cannot overflow.
func (a Arch) TrainBytes(in Shape, classes, batch, forwardN int) (float64, error) {
	if in.C <= 0 || in.H <= 0 || in.W <= 0 || classes <= 0 || batch <= 0 || forwardN < 0 {
		return 0, fmt.Errorf("nn: input %v, %d classes, batch %d", in, classes, batch)
	}
	var params, act, named float64
	c, h, w := float64(in.C), float64(in.H), float64(in.W)
	act += 2 * c * h * w // the normalised input and its copy in the batch
	named += c * h * w
	for i, oc := range a.Conv {
		if h < 4 || w < 4 {
			return 0, fmt.Errorf("nn: conv%d: input %gx%g too small for conv k3 and max-pool 2", i+1, h, w)
		}
		o := float64(oc)
		params += o*c*9 + o
		oh, ow := h-2, w-2
		act += 2*o*oh*ow + 3*c*9*oh*ow // output and its gradient; patches, their gradient, packing
		named += o * oh * ow
		h, w = float64(int(oh)/2), float64(int(ow)/2)
		act += 3*o*h*w + 2*o*h*w // pool output, gradient and argmax; ReLU output and gradient
		named += o * h * w
		c = o
	}
	d := c * h * w
	act += 2 * d // flatten
	for _, hd := range a.Hidden {
		u := float64(hd)
		params += d*u + u
		act += 4 * u // dense and ReLU outputs and gradients
		named += u
		d = u
	}
	params += d*float64(classes) + float64(classes)
	act += 4 * float64(classes)
	named += float64(classes)
	workers := float64(runtime.GOMAXPROCS(0))
	floats := params*float64(4+DefaultShards) + float64(batch)*act +
		workers*(params+evalChunk*act) + float64(forwardN)*named
	return 4 * floats, nil
}
