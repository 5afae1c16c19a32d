package qnet

import (
	"fmt"
	"math/rand/v2"

	"github.com/deepq-go/deepq/tensor"
)

// Network is a Q-network with its optimizer state. It is not safe for
// concurrent use: one goroutine trains it, and Predictor serves it to others.
type Network struct {
	cfg    Config
	arch   Architecture
	layers []layer

	params []float32 // every parameter, layer after layer
	grads  []float32 // gradients, same layout as params
	m, v   []float32 // Adam moments, same layout as params
	step   int64     // Adam updates applied so far

	rngState *rand.PCG // source of dropout masks, saved with the optimizer state
	train    *pass     // training workspace
	infer    *pass     // workspace of Predict, PredictInto and PredictBatch
}

// BuildLSTM returns a new LSTM Q-network for cfg with freshly initialised
// weights: reshape to (Window, Features), the LSTM layers of cfg.LSTMUnits
// with dropout after each, the ReLU layers of cfg.DenseUnits and a linear
// output of cfg.Actions Q-values.
func BuildLSTM(cfg Config) (*Network, error) {
	if err := cfg.validateTraining(); err != nil {
		return nil, err
	}
	a, err := lstmArchitecture(cfg)
	if err != nil {
		return nil, err
	}
	return newNetwork(cfg, a, true)
}

// BuildDense returns a new Dense Q-network, the model that preceded the LSTM
// one: the flat observation through ReLU layers of cfg.DenseUnits (the
// earlier model used DefaultDenseUnits) to a linear output. cfg.LSTMUnits
// and cfg.Dropout are ignored.
func BuildDense(cfg Config) (*Network, error) {
	if err := cfg.validateTraining(); err != nil {
		return nil, err
	}
	return newNetwork(cfg, denseArchitecture(cfg), true)
}

// newNetwork allocates a network for a and, with initialise, draws its
// initial weights from cfg.Seed.
func newNetwork(cfg Config, a Architecture, initialise bool) (*Network, error) {
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("qnet: invalid architecture: %w", err)
	}
	layers, err := buildLayers(a)
	if err != nil {
		return nil, err
	}
	cfg.Window, cfg.Features, cfg.Actions = a.Window, a.Features, a.Actions
	n := &Network{cfg: cfg, arch: a, layers: layers}
	n.cfg.LSTMUnits = append([]int(nil), cfg.LSTMUnits...)
	n.cfg.DenseUnits = append([]int(nil), cfg.DenseUnits...)

	total := 0
	for _, l := range layers {
		total += l.numParams()
	}
	n.params = tensor.Aligned(total)
	n.grads = tensor.Aligned(total)
	n.m = tensor.Aligned(total)
	n.v = tensor.Aligned(total)
	bindLayers(layers, n.params, n.grads)

	n.rngState = rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15)
	if initialise {
		initRNG := rand.New(rand.NewPCG(cfg.Seed, 0x6a09e667f3bcc909))
		for _, l := range layers {
			l.init(initRNG)
		}
	}
	n.train = newPass(len(layers), rand.New(n.rngState))
	n.infer = newPass(len(layers), nil)
	return n, nil
}

// bindLayers points each layer at its slice of params and, unless grads is
// nil (layers that only run forward), of grads.
func bindLayers(layers []layer, params, grads []float32) {
	off := 0
	for _, l := range layers {
		k := l.numParams()
		var g []float32
		if grads != nil {
			g = grads[off : off+k : off+k]
		}
		l.bind(params[off:off+k:off+k], g)
		off += k
	}
}

// Config returns the settings the network was built or loaded with.
func (n *Network) Config() Config {
	c := n.cfg
	c.LSTMUnits = append([]int(nil), c.LSTMUnits...)
	c.DenseUnits = append([]int(nil), c.DenseUnits...)
	return c
}

// Architecture returns the layer stack as data.
func (n *Network) Architecture() Architecture {
	a := n.arch
	a.Layers = append([]LayerSpec(nil), a.Layers...)
	return a
}

// NumParams returns the number of trainable float32 parameters.
func (n *Network) NumParams() int { return len(n.params) }

// Steps returns the number of optimizer updates applied so far.
func (n *Network) Steps() int64 { return n.step }

// ObservationSize returns the floats one observation holds.
func (n *Network) ObservationSize() int { return n.arch.Window * n.arch.Features }

// Actions returns the Q-values per observation.
func (n *Network) Actions() int { return n.arch.Actions }

// forward runs every layer over x, a batch of flat observations, and returns
// the Q-values. The buffers come from p's arena, which the caller resets.
func forward(layers []layer, p *pass, x []float32, batch int, train bool) []float32 {
	y := x
	for i, l := range layers {
		y = l.forward(p, i, y, batch, train)
	}
	return y
}
