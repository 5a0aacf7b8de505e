package nn

// SGD is stochastic gradient descent with momentum and weight decay, as
// PyTorch's torch.optim.SGD (dampening 0, not Nesterov):
//
//	g ← ∇ + WeightDecay·w;  v ← Momentum·v + g;  w ← w − LR·v
type SGD struct {
	LR, Momentum, WeightDecay float64
}

// Step updates every parameter of net from its gradient G.
func (o SGD) Step(net *Net) {
	lr, mom, wd := float32(o.LR), float32(o.Momentum), float32(o.WeightDecay)
	for _, p := range net.prms {
		w, g, v := p.W, p.G[:len(p.W)], p.V[:len(p.W)]
		for i := range w {
			gi := g[i] + wd*w[i]
			v[i] = mom*v[i] + gi
			w[i] -= lr * v[i]
		}
	}
}
