package nn

import "math"

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

// Adam is the optimiser of Kingma & Ba (2015), as PyTorch's torch.optim.Adam
// (L2 weight decay added to the gradient):
//
//	g ← ∇ + WeightDecay·w;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
//	w ← w − LR·(m/(1 − β₁ᵗ)) / (√(v/(1 − β₂ᵗ)) + ε)
//
// with β₁ = 0.9, β₂ = 0.999, ε = 1e-8 unless set. It adapts the step of
// every weight to its gradient's scale, which helps on badly scaled inputs
// such as mnist-offset, where SGD sits at chance for many epochs.
type Adam struct {
	LR, WeightDecay   float64
	Beta1, Beta2, Eps float64
	t                 int
}

// Step updates every parameter of net from its gradient G.
func (o *Adam) Step(net *Net) {
	b1, b2, eps := o.Beta1, o.Beta2, o.Eps
	if b1 == 0 {
		b1 = 0.9
	}
	if b2 == 0 {
		b2 = 0.999
	}
	if eps == 0 {
		eps = 1e-8
	}
	o.t++
	c1 := 1 - math.Pow(b1, float64(o.t))
	c2 := 1 - math.Pow(b2, float64(o.t))
	step := float32(o.LR / c1)
	f1, f2, wd := float32(b1), float32(b2), float32(o.WeightDecay)
	sc2 := float32(1 / math.Sqrt(c2))
	e := float32(eps)
	for _, p := range net.prms {
		if p.M == nil {
			p.M = make([]float32, len(p.W))
		}
		w, g, m, v := p.W, p.G[:len(p.W)], p.M[:len(p.W)], p.V[:len(p.W)]
		for i := range w {
			gi := g[i] + wd*w[i]
			m[i] = f1*m[i] + (1-f1)*gi
			v[i] = f2*v[i] + (1-f2)*gi*gi
			w[i] -= step * m[i] / (float32(math.Sqrt(float64(v[i])))*sc2 + e)
		}
	}
}
