// Package study runs the two studies of Ansuini et al., "Intrinsic dimension
// of data representations in deep neural networks" (NeurIPS 2019), that go
// beyond a single profile:
//
//   - Linearize, the "artificially linearized" control of Figure 5B: a
//     Gaussian sample with the mean and covariance of the data, whose TwoNN
//     ID grows with the number of points N while the ID of a curved data
//     manifold stays flat;
//   - the accuracy study of Figure 4: the ID of the last hidden layer of many
//     networks against their test accuracy, summarised by Pearson's r and its
//     two-sided p-value (Pearson).
//
// The results are plain structs whose JSON is what 'intdim linearize' and
// 'intdim study accuracy' print, and what 'intdim plot' and 'intdim report'
// read back.
package study

// DocVersion is the version of the documents this package writes
// (Accuracy, Linearization; Demo inside result.Demo): the version of
// package result's documents, which result's tests hold equal.
const DocVersion = 1
