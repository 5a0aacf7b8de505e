//go:build race

package hostile

// raceEnabled: the race detector's shadow memory and slowdown make RSS
// limits meaningless and run times several times longer.
const raceEnabled = true
