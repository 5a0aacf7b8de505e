package study

// Linearization is the result of Linearize, in the JSON shape of
// 'intdim linearize'. DataIDs[i] and SurrogateIDs[i] are the mean TwoNN ID
// over the disjoint blocks of Sizes[i] points, and the errors their standard
// deviations (0 with a single block).
type Linearization struct {
	Kind          string    `json:"kind"` // "linearize"
	Input         string    `json:"input"`
	N             int       `json:"n"`
	Dim           int       `json:"dim"`
	Seed          uint64    `json:"seed"`
	Method        string    `json:"method"`
	Sizes         []int     `json:"sizes"`
	Blocks        []int     `json:"blocks"`
	DataIDs       []float64 `json:"data_ids"`
	DataErrs      []float64 `json:"data_errs"`
	SurrogateIDs  []float64 `json:"surrogate_ids"`
	SurrogateErrs []float64 `json:"surrogate_errs"`
	Warnings      []string  `json:"warnings"`
}
