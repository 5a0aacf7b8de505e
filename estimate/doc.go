// Package estimate computes the intrinsic dimension (ID) of a point cloud.
//
// The estimators follow the conventions of the reference implementations
// (see docs/DESIGN.md §2 and the README):
//
//   - TwoNN (Facco, d'Errico, Rodriguez & Laio, Sci. Rep. 7, 12140, 2017):
//     μᵢ = r₂/r₁; the ID is the slope through the origin of −log(1 − i/N)
//     against log μ₍ᵢ₎ over the smallest ⌊N(1 − discard)⌋ ratios.
//   - TwoNN in the convention of Ansuini et al. (NeurIPS 2019) (paper mode).
//   - TwoNN-ML: d = (N − 1)/Σ log μ with an exact Gamma interval.
//   - GRIDE (Denti, Doimo, Laio & Mira, Sci. Rep. 12, 2022) across scales.
//   - GRIDE at each point's k* scale (GRIDEAuto, KStar: Rodriguez et al.
//     2018; DADApy, Glielmo et al. 2022).
//   - MLE (Levina & Bickel 2004) with the MacKay–Ghahramani combination.
//   - PC-ID: principal components for 90 % of the variance after z-scoring.
//
// Points runs the whole pipeline on a matrix: duplicate handling, one
// neighbour search, every requested method and resampled error bars.
package estimate
