// Package profile estimates the intrinsic dimension of every layer of a
// network, as in Ansuini et al., "Intrinsic dimension of data
// representations in deep neural networks" (NeurIPS 2019), Figure 2.
package profile

import "github.com/intdim/intdim/cloud"

// Layer is one representation: its points (rows), float32 or float64.
type Layer struct {
	Name   string
	Points *cloud.Matrix
	Depth  *float64 // optional depth (e.g. number of weight layers); nil if unknown
}

// LayerResult is one row of a profile, in the JSON shape of 'intdim profile'.
// RelDepth is index/(layers − 1) unless depths were given, then
// depth/max depth.
type LayerResult struct {
	Name     string   `json:"name"`
	Index    int      `json:"index"`
	Depth    *float64 `json:"depth"`
	RelDepth float64  `json:"rel_depth"`
	N        int      `json:"n"`
	Dim      int      `json:"dim"`
	ID       float64  `json:"id"`
	Err      *float64 `json:"err"`
	PCID     *int     `json:"pc_id"`
	Warnings []string `json:"warnings"`
}

// Profile is the JSON shape of 'intdim profile'.
type Profile struct {
	Method string        `json:"method"`
	Seed   uint64        `json:"seed"`
	Layers []LayerResult `json:"layers"`
}
