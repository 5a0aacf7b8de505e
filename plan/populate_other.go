//go:build unix && !linux

package plan

// populate: no MAP_POPULATE here (see populate_linux.go).
const populate = 0
