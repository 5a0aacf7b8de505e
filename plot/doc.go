// Package plot draws the figures of intdim with gonum.org/v1/plot: the ID
// profile across relative depth (Ansuini et al. 2019, Figure 2), ID against
// the number of points or the neighbour rank, the TwoNN fit diagnostic
// (Facco et al. 2017, Figure 1), the normalised PCA spectrum (Figure 5A),
// the data against its linearized surrogate (Figure 5B) and the last-layer
// ID against test accuracy (Figure 4).
//
// Every figure is built from the JSON that an intdim command prints, so it
// can be redrawn without recomputing: FromJSON picks the kind from the shape
// of the documents. A Figure renders to SVG or PNG with the fonts built into
// gonum/plot (Liberation), nothing from the system, in the colour-blind-safe
// palette of Okabe and Ito, with a distinct marker and dash per series.
package plot
