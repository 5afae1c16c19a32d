package qnet

import (
	"fmt"
	"math/rand/v2"

	"github.com/deepq-go/deepq/dense"
	"github.com/deepq-go/deepq/lstm"
	"github.com/deepq-go/deepq/tensor"
)

// layer is one stage of a network. Parameters live in the layer as views of
// the network's flat buffers. Activations live in a pass, so many passes can
// run forward on one set of layers at once.
type layer interface {
	numParams() int
	bind(params, grads []float32)
	init(rng *rand.Rand)
	forward(p *pass, i int, x []float32, batch int, train bool) []float32
	backward(p *pass, i int, dy []float32, wantDX bool) []float32
	forwardFloats(batch int, train bool) int
	backwardFloats(batch int, wantDX bool) int
}

// layerCache is the per-pass state of one layer, whatever its kind.
type layerCache struct {
	lstm    lstm.Cache
	dense   dense.Cache
	dropout dense.DropoutCache
}

// pass is the workspace of one forward (and backward) computation: an arena
// for activations and a cache per layer. A pass belongs to one goroutine.
type pass struct {
	ar     tensor.Arena
	caches []layerCache
	rng    *rand.Rand // dropout masks; nil for inference passes
}

func newPass(layers int, rng *rand.Rand) *pass {
	return &pass{caches: make([]layerCache, layers), rng: rng}
}

type reshapeLayer struct{ r *dense.Reshape }

func (l reshapeLayer) numParams() int      { return 0 }
func (l reshapeLayer) bind(_, _ []float32) {}
func (l reshapeLayer) init(*rand.Rand)     {}
func (l reshapeLayer) forwardFloats(b int, _ bool) int {
	return tensor.SizeOf(b * l.r.Steps * l.r.Features)
}
func (l reshapeLayer) backwardFloats(b int, wantDX bool) int {
	if !wantDX {
		return 0
	}
	return tensor.SizeOf(b * l.r.Steps * l.r.Features)
}
func (l reshapeLayer) forward(p *pass, _ int, x []float32, batch int, _ bool) []float32 {
	y := p.ar.AllocNoZero(len(x))
	l.r.Forward(y, x, batch)
	return y
}
func (l reshapeLayer) backward(p *pass, _ int, dy []float32, wantDX bool) []float32 {
	if !wantDX {
		return nil
	}
	dx := p.ar.AllocNoZero(len(dy))
	l.r.Backward(dx, dy, len(dy)/(l.r.Steps*l.r.Features))
	return dx
}

type lstmLayer struct {
	l     *lstm.Layer
	steps int
}

func (l lstmLayer) numParams() int                  { return l.l.NumParams() }
func (l lstmLayer) bind(p, g []float32)             { l.l.Bind(p, g) }
func (l lstmLayer) init(rng *rand.Rand)             { l.l.Init(rng) }
func (l lstmLayer) forwardFloats(b int, _ bool) int { return l.l.ForwardFloats(b, l.steps) }
func (l lstmLayer) backwardFloats(b int, wantDX bool) int {
	return l.l.BackwardFloats(b, l.steps, wantDX)
}
func (l lstmLayer) forward(p *pass, i int, x []float32, batch int, _ bool) []float32 {
	return l.l.Forward(&p.ar, &p.caches[i].lstm, x, batch, l.steps)
}
func (l lstmLayer) backward(p *pass, i int, dy []float32, wantDX bool) []float32 {
	return l.l.Backward(&p.ar, &p.caches[i].lstm, dy, wantDX)
}

type dropoutLayer struct {
	d     *dense.Dropout
	width int // values per sample
}

func (l dropoutLayer) numParams() int      { return 0 }
func (l dropoutLayer) bind(_, _ []float32) {}
func (l dropoutLayer) init(*rand.Rand)     {}
func (l dropoutLayer) forwardFloats(b int, train bool) int {
	if !train || l.d.Rate == 0 {
		return 0
	}
	return l.d.ForwardFloats(b * l.width)
}
func (l dropoutLayer) backwardFloats(b int, _ bool) int {
	if l.d.Rate == 0 {
		return 0
	}
	return l.d.BackwardFloats(b * l.width)
}
func (l dropoutLayer) forward(p *pass, i int, x []float32, _ int, train bool) []float32 {
	return l.d.Forward(&p.ar, &p.caches[i].dropout, x, train && p.rng != nil, p.rng)
}
func (l dropoutLayer) backward(p *pass, i int, dy []float32, _ bool) []float32 {
	return l.d.Backward(&p.ar, &p.caches[i].dropout, dy)
}

type denseLayer struct{ d *dense.Dense }

func (l denseLayer) numParams() int                  { return l.d.NumParams() }
func (l denseLayer) bind(p, g []float32)             { l.d.Bind(p, g) }
func (l denseLayer) init(rng *rand.Rand)             { l.d.Init(rng) }
func (l denseLayer) forwardFloats(b int, _ bool) int { return l.d.ForwardFloats(b) }
func (l denseLayer) backwardFloats(b int, wantDX bool) int {
	return l.d.BackwardFloats(b, wantDX)
}
func (l denseLayer) forward(p *pass, i int, x []float32, batch int, _ bool) []float32 {
	return l.d.Forward(&p.ar, &p.caches[i].dense, x, batch)
}
func (l denseLayer) backward(p *pass, i int, dy []float32, wantDX bool) []float32 {
	return l.d.Backward(&p.ar, &p.caches[i].dense, dy, wantDX)
}

// buildLayers creates unbound layers for a validated architecture.
func buildLayers(a Architecture) ([]layer, error) {
	layers := make([]layer, len(a.Layers))
	steps := 0
	for i, s := range a.Layers {
		switch s.Kind {
		case KindReshape:
			r, err := dense.NewReshape(s.Steps, s.Units)
			if err != nil {
				return nil, err
			}
			layers[i] = reshapeLayer{r}
			steps = s.Steps
		case KindLSTM:
			l, err := lstm.New(s.In, s.Units, s.ReturnSequences)
			if err != nil {
				return nil, err
			}
			layers[i] = lstmLayer{l, s.Steps}
		case KindDropout:
			d, err := dense.NewDropout(s.Rate)
			if err != nil {
				return nil, err
			}
			width := s.In
			if i > 0 && a.Layers[i-1].Kind == KindLSTM && a.Layers[i-1].ReturnSequences {
				width = s.In * steps
			}
			layers[i] = dropoutLayer{d, width}
		case KindDense:
			act := dense.Linear
			if s.Activation == "relu" {
				act = dense.ReLU
			}
			d, err := dense.New(s.In, s.Units, act)
			if err != nil {
				return nil, err
			}
			layers[i] = denseLayer{d}
		default:
			return nil, fmt.Errorf("qnet: layer %d: unknown kind %q", i, s.Kind)
		}
	}
	return layers, nil
}
