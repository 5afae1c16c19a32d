package qnet

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/deepq-go/deepq/dense"
	"github.com/deepq-go/deepq/internal/fixture"
	"github.com/deepq-go/deepq/internal/safetensors"
	"github.com/deepq-go/deepq/kernels"
	"github.com/deepq-go/deepq/lstm"
)

// The stack fixture, written by scripts/gen_torch_fixtures.py, is
// LSTM(5->64, full sequence) -> LSTM(64->32, last step) -> Linear(32->64)
// -> ReLU -> Linear(64->3) on a batch of 4 sequences of 30 steps. Its
// gradients are those of sum(Q * dy).
const (
	stackBatch    = 4
	stackWindow   = 30
	stackFeatures = 5
	stackActions  = 3
)

var stackFixturePath = filepath.Join("..", "testdata", "torch", "stack_b4_t30_in5.safetensors")

// stackConfig returns the Q-network settings that give the fixture's layer
// stack. Dropout is off because PyTorch's model has none.
func stackConfig() Config {
	cfg := DefaultConfig()
	cfg.Window, cfg.Features, cfg.Actions = stackWindow, stackFeatures, stackActions
	cfg.LSTMUnits = []int{64, 32}
	cfg.DenseUnits = []int{64}
	cfg.Dropout = 0
	return cfg
}

// stackNetwork is a network built from stackConfig with the fixture's
// parameters, and the layers that own them in PyTorch's order.
type stackNetwork struct {
	net   *Network
	lstms []*lstm.Layer  // l0, l1
	fcs   []*dense.Dense // fc1, fc2
}

var (
	stackLSTMNames  = []string{"l0", "l1"}
	stackDenseNames = []string{"fc1", "fc2"}
)

func TestStackMatchesPyTorch(t *testing.T) {
	f, err := safetensors.ReadFile(stackFixturePath, 8<<20)
	if err != nil {
		t.Fatalf("%v (scripts/gen_torch_fixtures.py writes this fixture)", err)
	}
	obs := fixture.Tensor(t, "stack", f, "x", stackBatch, stackWindow, stackFeatures)
	wantQ := fixture.Tensor(t, "stack", f, "y", stackBatch, stackActions)
	dq := fixture.Tensor(t, "stack", f, "dy", stackBatch, stackActions)
	wantDX := fixture.Tensor(t, "stack", f, "dx", stackBatch, stackWindow, stackFeatures)

	for _, level := range kernels.Levels() {
		t.Run(level, func(t *testing.T) {
			restore, err := kernels.Use(level)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()

			// Check the public prediction paths of Network and Predictor.
			s := newStackNetwork(t, f)
			q := make([]float32, stackBatch*stackActions)
			if err := s.net.PredictBatch(q, obs, stackBatch); err != nil {
				t.Fatal(err)
			}
			fixture.ExpectClose(t, "stack", "PredictBatch Q", []int{stackBatch, stackActions}, q, wantQ, 0, fixture.OutputAbsTol)
			if err := s.net.NewPredictor().PredictBatch(q, obs, stackBatch); err != nil {
				t.Fatal(err)
			}
			fixture.ExpectClose(t, "stack", "Predictor.PredictBatch Q", []int{stackBatch, stackActions}, q, wantQ, 0, fixture.OutputAbsTol)

			// Drive the training pass layer by layer, with the fixture's
			// upstream gradient dy in place of a loss gradient.
			p := s.net.train
			p.ar.Reserve(s.net.workspaceFloats(stackBatch))
			p.ar.Reset()
			q = forward(s.net.layers, p, obs, stackBatch, true)
			fixture.ExpectClose(t, "stack", "training forward Q", []int{stackBatch, stackActions}, q, wantQ, 0, fixture.OutputAbsTol)
			clear(s.net.grads)
			grad := dq
			for i := len(s.net.layers) - 1; i >= 0; i-- {
				grad = s.net.layers[i].backward(p, i, grad, true)
			}
			// Reshape's input gradient is in the flat observation layout,
			// which is PyTorch's batch-first [B, T, F].
			fixture.ExpectClose(t, "stack", "dx", []int{stackBatch, stackWindow, stackFeatures}, grad, wantDX, fixture.GradRelTol, fixture.GradAbsTol)
			s.expectGradients(t, f, "")
		})
	}
}

// TestStackMSEGradientMatchesPyTorch drives the fixture's gradient through
// the training code's own loss. With count = B*A loss terms, MSE gives
// dLoss/dQ = 2*(Q - target)/count, so targets Q - dy*count/2 make that
// gradient equal the fixture's dy up to float32 rounding.
func TestStackMSEGradientMatchesPyTorch(t *testing.T) {
	f, err := safetensors.ReadFile(stackFixturePath, 8<<20)
	if err != nil {
		t.Fatalf("%v (scripts/gen_torch_fixtures.py writes this fixture)", err)
	}
	obs := fixture.Tensor(t, "stack", f, "x", stackBatch, stackWindow, stackFeatures)
	dq := fixture.Tensor(t, "stack", f, "dy", stackBatch, stackActions)
	const count = stackBatch * stackActions

	for _, level := range kernels.Levels() {
		for _, microBatched := range []bool{false, true} {
			name := level + "/full_batch"
			if microBatched {
				name = level + "/micro_batches"
			}
			t.Run(name, func(t *testing.T) {
				restore, err := kernels.Use(level)
				if err != nil {
					t.Fatal(err)
				}
				defer restore()

				s := newStackNetwork(t, f)
				if microBatched {
					// A budget of one sample's workspace splits the batch
					// into micro-batches of one.
					if err := s.net.SetMemoryBudget(s.net.WorkspaceBytes(1)); err != nil {
						t.Fatal(err)
					}
					if micro, err := s.net.microBatch(stackBatch); err != nil || micro != 1 {
						t.Fatalf("microBatch(%d) = %d, %v with a one-sample budget, want 1", stackBatch, micro, err)
					}
				}
				q := make([]float32, count)
				if err := s.net.PredictBatch(q, obs, stackBatch); err != nil {
					t.Fatal(err)
				}
				targets := make([]float32, count)
				for i := range targets {
					targets[i] = q[i] - dq[i]*count/2
				}
				if _, err := s.net.accumulateGradients(obs, targets, nil, stackBatch, count); err != nil {
					t.Fatal(err)
				}
				s.expectGradients(t, f, "MSE ")
			})
		}
	}
}

// newStackNetwork builds the network of stackConfig and overwrites every
// parameter with the fixture's: kernels transposed from PyTorch's out x in
// layout and the LSTM's two biases summed.
func newStackNetwork(t *testing.T, f *safetensors.File) *stackNetwork {
	t.Helper()
	n, err := BuildLSTM(stackConfig())
	if err != nil {
		t.Fatal(err)
	}
	s := &stackNetwork{net: n}
	for _, l := range n.layers {
		switch l := l.(type) {
		case lstmLayer:
			s.lstms = append(s.lstms, l.l)
		case denseLayer:
			s.fcs = append(s.fcs, l.d)
		}
	}
	if len(s.lstms) != len(stackLSTMNames) || len(s.fcs) != len(stackDenseNames) {
		t.Fatalf("network has %d LSTM and %d dense layers, want %d and %d in %v",
			len(s.lstms), len(s.fcs), len(stackLSTMNames), len(stackDenseNames), n.Architecture())
	}

	set := 0
	for k, l := range s.lstms {
		prefix, g4 := stackLSTMNames[k], 4*l.Hidden
		copy(l.W, fixture.Transpose(fixture.Tensor(t, "stack", f, prefix+".weight_ih", g4, l.In), g4, l.In))
		copy(l.U, fixture.Transpose(fixture.Tensor(t, "stack", f, prefix+".weight_hh", g4, l.Hidden), g4, l.Hidden))
		biasIH := fixture.Tensor(t, "stack", f, prefix+".bias_ih", g4)
		biasHH := fixture.Tensor(t, "stack", f, prefix+".bias_hh", g4)
		for j := range l.B {
			l.B[j] = biasIH[j] + biasHH[j]
		}
		set += l.NumParams()
	}
	for k, d := range s.fcs {
		prefix := stackDenseNames[k]
		copy(d.W, fixture.Transpose(fixture.Tensor(t, "stack", f, prefix+".weight", d.Out, d.In), d.Out, d.In))
		copy(d.B, fixture.Tensor(t, "stack", f, prefix+".bias", d.Out))
		set += d.NumParams()
	}
	// Every parameter must come from the fixture, not from initialisation.
	if set != n.NumParams() {
		t.Fatalf("set %d parameters from the fixture, but the network has %d", set, n.NumParams())
	}
	return s
}

// expectGradients compares the gradients that the last backward pass left
// in the layers with the fixture's d-prefixed tensors. label starts each
// tensor name in failure messages.
func (s *stackNetwork) expectGradients(t *testing.T, f *safetensors.File, label string) {
	t.Helper()
	for k, l := range s.lstms {
		prefix, g4 := stackLSTMNames[k], 4*l.Hidden
		wantDBias := fixture.Tensor(t, "stack", f, "d"+prefix+".bias_ih", g4)
		// Both PyTorch biases enter the gates as a sum, so their gradients
		// are equal. A difference means the fixture itself is corrupt.
		if wantDBiasHH := fixture.Tensor(t, "stack", f, "d"+prefix+".bias_hh", g4); fmt.Sprint(wantDBias) != fmt.Sprint(wantDBiasHH) {
			t.Fatalf("fixture d%s.bias_ih and d%s.bias_hh differ", prefix, prefix)
		}
		fixture.ExpectClose(t, "stack", label+"d"+prefix+".weight_ih", []int{g4, l.In}, fixture.Transpose(l.DW, l.In, g4),
			fixture.Tensor(t, "stack", f, "d"+prefix+".weight_ih", g4, l.In), fixture.GradRelTol, fixture.GradAbsTol)
		fixture.ExpectClose(t, "stack", label+"d"+prefix+".weight_hh", []int{g4, l.Hidden}, fixture.Transpose(l.DU, l.Hidden, g4),
			fixture.Tensor(t, "stack", f, "d"+prefix+".weight_hh", g4, l.Hidden), fixture.GradRelTol, fixture.GradAbsTol)
		fixture.ExpectClose(t, "stack", label+"d"+prefix+".bias_ih", []int{g4}, l.DB, wantDBias, fixture.GradRelTol, fixture.GradAbsTol)
	}
	for k, d := range s.fcs {
		prefix := stackDenseNames[k]
		fixture.ExpectClose(t, "stack", label+"d"+prefix+".weight", []int{d.Out, d.In}, fixture.Transpose(d.DW, d.In, d.Out),
			fixture.Tensor(t, "stack", f, "d"+prefix+".weight", d.Out, d.In), fixture.GradRelTol, fixture.GradAbsTol)
		fixture.ExpectClose(t, "stack", label+"d"+prefix+".bias", []int{d.Out}, d.DB,
			fixture.Tensor(t, "stack", f, "d"+prefix+".bias", d.Out), fixture.GradRelTol, fixture.GradAbsTol)
	}
}
