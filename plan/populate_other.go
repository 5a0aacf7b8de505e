//go:build unix && !linux

package plan

// populateFlag: no MAP_POPULATE here (see populate_linux.go).
const populateFlag = 0
