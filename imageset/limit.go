package imageset

import "sync"

// inFlight bounds the pixels being loaded at once across goroutines
// (onnx.Forward loads a batch from one goroutine per core), counting each
// image as its own pixels or those of its resized copy, whichever is more:
// at most twice the largest image allowed, so that memory stays near
// 2 × 10 bytes per pixel of the limit (RGBA decoding, the RGB copy, the
// resized copy) whatever the number of cores, while small images still
// load in parallel.
var inFlight = pixelGate{cond: sync.NewCond(new(sync.Mutex))}

type pixelGate struct {
	cond *sync.Cond
	used int64
}

// acquire waits until px pixels fit within 2 × limit beside those being
// decoded (an image alone always fits), and takes them.
func (g *pixelGate) acquire(px, limit int64) {
	g.cond.L.Lock()
	for g.used > 0 && g.used+px > 2*limit {
		g.cond.Wait()
	}
	g.used += px
	g.cond.L.Unlock()
}

// release gives px pixels back.
func (g *pixelGate) release(px int64) {
	g.cond.L.Lock()
	g.used -= px
	g.cond.L.Unlock()
	g.cond.Broadcast()
}
