package qnet

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/deepq-go/deepq/dense"
	"github.com/deepq-go/deepq/internal/safetensors"
	"github.com/deepq-go/deepq/kernels"
	"github.com/deepq-go/deepq/lstm"
)

// Tolerances against the PyTorch fixtures. The fixtures hold results computed
// in float64 and rounded to float32, so nearly all of the difference comes
// from deepq's float32 arithmetic.
const (
	parityOutputAbsTol = 1e-5 // Q-values: absolute
	parityGradRelTol   = 1e-4 // gradients: relative to the PyTorch value
	parityGradAbsTol   = 1e-6 // gradients: absolute, for values near zero
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
	obs := parityTensor(t, f, "x", stackBatch, stackWindow, stackFeatures)
	wantQ := parityTensor(t, f, "y", stackBatch, stackActions)
	dq := parityTensor(t, f, "dy", stackBatch, stackActions)
	wantDX := parityTensor(t, f, "dx", stackBatch, stackWindow, stackFeatures)

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
			expectParity(t, "PredictBatch Q", []int{stackBatch, stackActions}, q, wantQ, 0, parityOutputAbsTol)
			if err := s.net.NewPredictor().PredictBatch(q, obs, stackBatch); err != nil {
				t.Fatal(err)
			}
			expectParity(t, "Predictor.PredictBatch Q", []int{stackBatch, stackActions}, q, wantQ, 0, parityOutputAbsTol)

			// Drive the training pass layer by layer, with the fixture's
			// upstream gradient dy in place of a loss gradient.
			p := s.net.train
			p.ar.Reserve(s.net.workspaceFloats(stackBatch))
			p.ar.Reset()
			q = forward(s.net.layers, p, obs, stackBatch, true)
			expectParity(t, "training forward Q", []int{stackBatch, stackActions}, q, wantQ, 0, parityOutputAbsTol)
			clear(s.net.grads)
			grad := dq
			for i := len(s.net.layers) - 1; i >= 0; i-- {
				grad = s.net.layers[i].backward(p, i, grad, true)
			}
			// Reshape's input gradient is in the flat observation layout,
			// which is PyTorch's batch-first [B, T, F].
			expectParity(t, "dx", []int{stackBatch, stackWindow, stackFeatures}, grad, wantDX, parityGradRelTol, parityGradAbsTol)
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
	obs := parityTensor(t, f, "x", stackBatch, stackWindow, stackFeatures)
	dq := parityTensor(t, f, "dy", stackBatch, stackActions)
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
		copy(l.W, parityTranspose(parityTensor(t, f, prefix+".weight_ih", g4, l.In), g4, l.In))
		copy(l.U, parityTranspose(parityTensor(t, f, prefix+".weight_hh", g4, l.Hidden), g4, l.Hidden))
		biasIH := parityTensor(t, f, prefix+".bias_ih", g4)
		biasHH := parityTensor(t, f, prefix+".bias_hh", g4)
		for j := range l.B {
			l.B[j] = biasIH[j] + biasHH[j]
		}
		set += l.NumParams()
	}
	for k, d := range s.fcs {
		prefix := stackDenseNames[k]
		copy(d.W, parityTranspose(parityTensor(t, f, prefix+".weight", d.Out, d.In), d.Out, d.In))
		copy(d.B, parityTensor(t, f, prefix+".bias", d.Out))
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
		wantDBias := parityTensor(t, f, "d"+prefix+".bias_ih", g4)
		// Both PyTorch biases enter the gates as a sum, so their gradients
		// are equal. A difference means the fixture itself is corrupt.
		if wantDBiasHH := parityTensor(t, f, "d"+prefix+".bias_hh", g4); fmt.Sprint(wantDBias) != fmt.Sprint(wantDBiasHH) {
			t.Fatalf("fixture d%s.bias_ih and d%s.bias_hh differ", prefix, prefix)
		}
		expectParity(t, label+"d"+prefix+".weight_ih", []int{g4, l.In}, parityTranspose(l.DW, l.In, g4),
			parityTensor(t, f, "d"+prefix+".weight_ih", g4, l.In), parityGradRelTol, parityGradAbsTol)
		expectParity(t, label+"d"+prefix+".weight_hh", []int{g4, l.Hidden}, parityTranspose(l.DU, l.Hidden, g4),
			parityTensor(t, f, "d"+prefix+".weight_hh", g4, l.Hidden), parityGradRelTol, parityGradAbsTol)
		expectParity(t, label+"d"+prefix+".bias_ih", []int{g4}, l.DB, wantDBias, parityGradRelTol, parityGradAbsTol)
	}
	for k, d := range s.fcs {
		prefix := stackDenseNames[k]
		expectParity(t, label+"d"+prefix+".weight", []int{d.Out, d.In}, parityTranspose(d.DW, d.In, d.Out),
			parityTensor(t, f, "d"+prefix+".weight", d.Out, d.In), parityGradRelTol, parityGradAbsTol)
		expectParity(t, label+"d"+prefix+".bias", []int{d.Out}, d.DB,
			parityTensor(t, f, "d"+prefix+".bias", d.Out), parityGradRelTol, parityGradAbsTol)
	}
}

// parityTensor returns the data of the named fixture tensor and fails the
// test if the tensor is missing or its shape differs from shape.
func parityTensor(t *testing.T, f *safetensors.File, name string, shape ...int) []float32 {
	t.Helper()
	named, ok := f.Get(name)
	if !ok {
		t.Fatalf("fixture has no tensor %q", name)
	}
	if fmt.Sprint(named.Shape) != fmt.Sprint(shape) {
		t.Fatalf("fixture tensor %q has shape %v, want %v", name, named.Shape, shape)
	}
	return named.Data
}

// expectParity fails the test where a value of got differs from want by
// more than absTol and by more than relTol*|want|. It reports the first five
// such values, then their count and the largest error, with indices in
// shape.
func expectParity(t *testing.T, name string, shape []int, got, want []float32, relTol, absTol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s has %d values, want %d", name, len(got), len(want))
		return
	}
	const maxReported = 5
	bad, worst, worstIndex := 0, 0.0, 0
	for i := range want {
		g, w := float64(got[i]), float64(want[i])
		diff := math.Abs(g - w)
		if diff <= absTol || diff <= relTol*math.Abs(w) {
			continue
		}
		if math.IsNaN(diff) {
			diff = math.Inf(1)
		}
		if bad < maxReported {
			t.Errorf("stack_b4_t30_in5: %s%v = %.8g, want %.8g (error %.3g)", name, parityIndex(i, shape), g, w, diff)
		}
		if bad == 0 || diff > worst {
			worst, worstIndex = diff, i
		}
		bad++
	}
	if bad > 0 {
		t.Errorf("stack_b4_t30_in5: %s: %d of %d values outside tolerance (relative %g, absolute %g), largest error %.3g at %v",
			name, bad, len(want), relTol, absTol, worst, parityIndex(worstIndex, shape))
	}
}

// parityIndex converts a row-major flat index into one index per dimension.
func parityIndex(i int, shape []int) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = i % shape[d]
		i /= shape[d]
	}
	return idx
}

// parityTranspose returns the cols x rows transpose of a rows x cols matrix.
func parityTranspose(m []float32, rows, cols int) []float32 {
	out := make([]float32, len(m))
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			out[c*rows+r] = m[r*cols+c]
		}
	}
	return out
}
