package qnet

import (
	"sync"
	"sync/atomic"

	"github.com/deepq-go/deepq/tensor"
)

// Predictor serves a network's Q-values to many goroutines at once. Each
// call takes a workspace from a sync.Pool, so the hot path takes no lock and,
// in steady state, allocates nothing. Publish replaces the weights
// atomically, so a call uses either the old or the new weights, never a mix.
//
// NOTE: sync.Pool drops idle workspaces across garbage collections, so the
// first calls after a collection allocate a workspace again (about 90 KB for
// the default LSTM network at batch 1).
type Predictor struct {
	arch    Architecture
	current atomic.Pointer[snapshot]
	passes  sync.Pool // *pass
}

// snapshot is an immutable copy of the weights with layers bound to it.
type snapshot struct {
	net *Network // contains params and forward-only layers; never trained
}

// NewPredictor returns a Predictor serving a copy of n's current weights.
func (n *Network) NewPredictor() *Predictor {
	p := &Predictor{arch: n.Architecture()}
	layerCount := len(n.layers)
	p.passes.New = func() any { return newPass(layerCount, nil) }
	p.Publish(n)
	return p
}

// Publish copies n's weights and makes them the ones every later call uses.
// It returns an error if n's architecture differs from the Predictor's.
// Publish allocates a copy of the weights; call it between training steps,
// not per prediction.
func (p *Predictor) Publish(n *Network) error {
	if !p.arch.Equal(n.arch) {
		return n.checkSameArchitecture(&Network{arch: p.arch})
	}
	layers, err := buildLayers(n.arch)
	if err != nil {
		return err
	}
	params := tensor.Aligned(len(n.params))
	copy(params, n.params)
	bindLayers(layers, params, nil)
	s := &Network{cfg: n.cfg, arch: n.arch, layers: layers, params: params}
	p.current.Store(&snapshot{net: s})
	return nil
}

// PredictInto writes the Q-values of one observation to dst[:Actions].
func (p *Predictor) PredictInto(dst, obs []float32) error {
	return p.PredictBatch(dst, obs, 1)
}

// PredictBatch writes the Q-values of batch observations to dst, Actions
// values per observation.
func (p *Predictor) PredictBatch(dst, obs []float32, batch int) error {
	s := p.current.Load()
	if err := s.net.checkBatch(obs, batch); err != nil {
		return err
	}
	if err := s.net.checkDst(dst, batch); err != nil {
		return err
	}
	w := p.passes.Get().(*pass)
	w.ar.Reserve(s.net.inferenceFloats(batch))
	w.ar.Reset()
	copy(dst, forward(s.net.layers, w, obs, batch, false))
	p.passes.Put(w)
	return nil
}

// Architecture returns the layer stack the Predictor serves.
func (p *Predictor) Architecture() Architecture {
	a := p.arch
	a.Layers = append([]LayerSpec(nil), a.Layers...)
	return a
}
