// Package geometry measures how neighbourhoods agree: between two
// representations of the same points (neighbourhood overlap, information
// imbalance) and between a representation and class labels (label overlap).
// Every measure is read from exact neighbour graphs (knn.Graph, one search
// per representation), so it inherits knn's conventions: the point itself is
// never its own neighbour, lists are sorted by distance with ties broken by
// the smaller index, and an exact duplicate row is a neighbour at distance 0.
//
// The definitions are DADApy's (Glielmo et al. 2022, Valeriani et al. 2023;
// DADApy commit d9038b3, metric_comparisons.py); the values equal its on
// testdata/geometry (see PROVENANCE.md there) wherever neighbour lists have
// no ties.
//
// Ties. Where several points lie at the same distance (duplicate rows, or a
// saturated tanh layer), which of them is "the k-th neighbour" or "the
// nearest" is a convention. intdim breaks every tie by the smaller index,
// in the neighbour lists and in the ranks alike, so its values are
// reproducible and equal an exact recomputation with that rule; DADApy's
// depend on the order scikit-learn's tree returns equal distances in, and
// may differ by the share of tied points (below 1 % on the references).
//
// The measures read only the graphs' neighbour indices (knn.Graph.Index);
// a graph kept for them may drop its distances (Dist nil).
package geometry
