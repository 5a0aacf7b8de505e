// Package imageset loads folders of JPEG and PNG images as network inputs:
// files in natural name order (or a seeded random sample), decoded to RGB
// (grey, palette and RGBA images are converted; alpha is dropped, as in
// PIL's convert("RGB")), preprocessed into CHW float32 tensors.
//
// Preprocessing "imagenet" is the torchvision pipeline used by Ansuini et
// al. (NeurIPS 2019) and the model zoos: Resize(256) with PIL's bilinear
// (antialiased) filter, CenterCrop(224), scaling to [0, 1] and
// normalisation with the ImageNet mean and standard deviation. It matches
// torchvision 0.14 + Pillow 9 exactly on PNG input (both work in 8-bit
// fixed point). Preprocessing "none" requires images of the model's input
// size and only scales and normalises them.
package imageset
