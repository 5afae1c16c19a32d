package bench

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/deepq-go/deepq/lstm"
	"github.com/deepq-go/deepq/qnet"
	"github.com/deepq-go/deepq/tensor"
)

// Sizes of the single-layer LSTM benchmarks: the first layer of the default
// Q-network.
const (
	lstmSteps  = 30
	lstmInput  = 5
	lstmHidden = 64
)

// lstmBatches are the batch sizes of the LSTM benchmarks: 1 for the
// inference latency, 64 for a training batch.
var lstmBatches = []int{1, 64}

// Batch sizes of the Q-network benchmarks.
const (
	predictBatchSize = 256
	trainBatchSize   = 64
)

// lstmForwardFLOPs returns the FLOPs of the matrix products in one forward
// pass of the benchmark layer over batch sequences: 2*T*B*4H*(In+H). The
// package documentation explains what the count leaves out.
func lstmForwardFLOPs(batch int) float64 {
	return 2 * float64(lstmSteps*batch*4*lstmHidden*(lstmInput+lstmHidden))
}

// lstmBackwardFLOPs returns the FLOPs of the matrix products in one
// backward pass that also computes the input gradient: twice the forward
// count.
func lstmBackwardFLOPs(batch int) float64 {
	return 2 * lstmForwardFLOPs(batch)
}

// benchModel is a Q-network the model benchmarks run.
type benchModel struct {
	name  string
	build func() (*qnet.Network, error)
}

var benchModels = []benchModel{
	{"lstm", func() (*qnet.Network, error) { return qnet.BuildLSTM(qnet.DefaultConfig()) }},
	{"dense", func() (*qnet.Network, error) {
		cfg := qnet.DefaultConfig()
		cfg.DenseUnits = qnet.DefaultDenseUnits
		return qnet.BuildDense(cfg)
	}},
}

// randomFloats returns n standard normal values from a fixed seed, so every
// run benchmarks the same data.
func randomFloats(n int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 0x62656e6368))
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

// newLSTMLayer returns the benchmark layer with Keras-style initial weights.
func newLSTMLayer(tb testing.TB) *lstm.Layer {
	tb.Helper()
	l, err := lstm.New(lstmInput, lstmHidden, true)
	if err != nil {
		tb.Fatal(err)
	}
	l.Bind(make([]float32, l.NumParams()), make([]float32, l.NumParams()))
	l.Init(rand.New(rand.NewPCG(1, 2)))
	return l
}

// The new*Op functions set up one benchmarked operation, warm it up with
// warmUp and return it. An operation returns the error of the call it
// benchmarks, or nil.

// newLSTMForwardOp returns one forward pass of the benchmark layer over
// batch sequences.
func newLSTMForwardOp(tb testing.TB, batch int) func() error {
	l := newLSTMLayer(tb)
	x := randomFloats(lstmSteps*batch*lstmInput, 1)
	var ar tensor.Arena
	var cache lstm.Cache
	op := func() error {
		ar.Reset()
		l.Forward(&ar, &cache, x, batch, lstmSteps)
		return nil
	}
	warmUp(tb, op)
	return op
}

// newLSTMBackwardOp returns one backward pass, input gradient included,
// over a cache that a single forward pass filled. Backward only reads the
// cache, so repeating it measures the same work each time. The parameter
// gradients keep accumulating, which does not change the cost.
func newLSTMBackwardOp(tb testing.TB, batch int) func() error {
	l := newLSTMLayer(tb)
	x := randomFloats(lstmSteps*batch*lstmInput, 1)
	dy := randomFloats(l.OutputSize(batch, lstmSteps), 2)
	var forwardArena, backwardArena tensor.Arena
	var cache lstm.Cache
	l.Forward(&forwardArena, &cache, x, batch, lstmSteps)
	op := func() error {
		backwardArena.Reset()
		l.Backward(&backwardArena, &cache, dy, true)
		return nil
	}
	warmUp(tb, op)
	return op
}

// buildModel builds m and fails tb if that fails.
func buildModel(tb testing.TB, m benchModel) *qnet.Network {
	tb.Helper()
	n, err := m.build()
	if err != nil {
		tb.Fatalf("build %s network: %v", m.name, err)
	}
	return n
}

// newPredictIntoOp returns one Network.PredictInto call.
func newPredictIntoOp(tb testing.TB, m benchModel) func() error {
	n := buildModel(tb, m)
	obs := randomFloats(n.ObservationSize(), 3)
	dst := make([]float32, n.Actions())
	op := func() error { return n.PredictInto(dst, obs) }
	warmUp(tb, op)
	return op
}

// newPredictBatchOp returns one Network.PredictBatch call on batch
// observations.
func newPredictBatchOp(tb testing.TB, m benchModel, batch int) func() error {
	n := buildModel(tb, m)
	obs := randomFloats(batch*n.ObservationSize(), 4)
	dst := make([]float32, batch*n.Actions())
	op := func() error { return n.PredictBatch(dst, obs, batch) }
	warmUp(tb, op)
	return op
}

// newTrainOnBatchOp returns one Network.TrainOnBatch step on a fixed batch
// with random targets. The weights change with every step, but the work per
// step does not.
func newTrainOnBatchOp(tb testing.TB, m benchModel, batch int) func() error {
	n := buildModel(tb, m)
	obs := randomFloats(batch*n.ObservationSize(), 5)
	targets := randomFloats(batch*n.Actions(), 6)
	op := func() error {
		_, err := n.TrainOnBatch(obs, targets, batch)
		return err
	}
	warmUp(tb, op)
	return op
}

func mustRun(tb testing.TB, op func() error) {
	tb.Helper()
	if err := op(); err != nil {
		tb.Fatal(err)
	}
}

// warmUp runs op twice. The first call fills an arena's overflow blocks,
// and the Reset at the start of the second call replaces them with one block
// of the peak size, which allocates. From the third call on, an arena-backed
// operation allocates nothing.
func warmUp(tb testing.TB, op func() error) {
	tb.Helper()
	mustRun(tb, op)
	mustRun(tb, op)
}

// mallocsDuring returns the heap allocations one call of op makes.
func mallocsDuring(op func() error) (uint64, error) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := op()
	runtime.ReadMemStats(&after)
	return after.Mallocs - before.Mallocs, err
}

// TestWorkloadsAllocateNothing checks that every benchmarked operation is
// allocation-free after its warm-up, so a nonzero allocs/op in a benchmark
// result points at the library and not at the benchmark's setup.
func TestWorkloadsAllocateNothing(t *testing.T) {
	type namedOp struct {
		name string
		op   func() error
	}
	var ops []namedOp
	for _, batch := range lstmBatches {
		ops = append(ops,
			namedOp{fmt.Sprintf("LSTMForward/b=%d", batch), newLSTMForwardOp(t, batch)},
			namedOp{fmt.Sprintf("LSTMBackward/b=%d", batch), newLSTMBackwardOp(t, batch)})
	}
	for _, m := range benchModels {
		ops = append(ops,
			namedOp{"PredictInto/" + m.name, newPredictIntoOp(t, m)},
			namedOp{fmt.Sprintf("PredictBatch/%s/n=%d", m.name, predictBatchSize), newPredictBatchOp(t, m, predictBatchSize)},
			namedOp{fmt.Sprintf("TrainOnBatch/%s/n=%d", m.name, trainBatchSize), newTrainOnBatchOp(t, m, trainBatchSize)})
	}
	for _, o := range ops {
		// AllocsPerRun does not count its first call, so check the first call
		// after the setup on its own: it is the first timed one in a
		// -benchtime=1x run.
		first, err := mallocsDuring(o.op)
		if err != nil {
			t.Errorf("%s: %v", o.name, err)
		}
		if first != 0 {
			t.Errorf("%s allocates %d times in the first call after warm-up, want 0", o.name, first)
		}
		allocs := testing.AllocsPerRun(3, func() {
			if e := o.op(); e != nil {
				err = e
			}
		})
		if err != nil {
			t.Errorf("%s: %v", o.name, err)
		}
		if allocs != 0 {
			t.Errorf("%s allocates %v times per call after warm-up, want 0", o.name, allocs)
		}
	}
}

// TestPredictorMatchesNetwork checks that the Predictor the parallel
// benchmark serves computes the same Q-values as the network it copies, so
// that benchmark measures real predictions.
func TestPredictorMatchesNetwork(t *testing.T) {
	for _, m := range benchModels {
		n := buildModel(t, m)
		p := n.NewPredictor()
		obs := randomFloats(n.ObservationSize(), 7)
		want := make([]float32, n.Actions())
		got := make([]float32, n.Actions())
		if err := n.PredictInto(want, obs); err != nil {
			t.Fatal(err)
		}
		if err := p.PredictInto(got, obs); err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: Predictor Q[%d] = %v, Network Q[%d] = %v", m.name, i, got[i], i, want[i])
			}
		}
	}
}

// TestOperationsRejectBadInput checks that the benchmarked calls return
// errors, and do not panic, when the caller passes the wrong lengths, as a
// benchmark with a setup mistake would.
func TestOperationsRejectBadInput(t *testing.T) {
	for _, m := range benchModels {
		n := buildModel(t, m)
		size, actions := n.ObservationSize(), n.Actions()
		obs := randomFloats(2*size, 8)
		if err := n.PredictInto(make([]float32, actions), obs[:size-1]); err == nil {
			t.Errorf("%s: PredictInto with %d observation values: no error, want one", m.name, size-1)
		}
		if err := n.PredictInto(make([]float32, actions-1), obs[:size]); err == nil {
			t.Errorf("%s: PredictInto into %d values: no error, want one", m.name, actions-1)
		}
		if err := n.PredictBatch(make([]float32, 2*actions), obs, 3); err == nil {
			t.Errorf("%s: PredictBatch of 3 observations from %d values: no error, want one", m.name, len(obs))
		}
		if _, err := n.TrainOnBatch(obs, make([]float32, actions), 2); err == nil {
			t.Errorf("%s: TrainOnBatch with %d targets for 2 observations: no error, want one", m.name, actions)
		}
		if err := n.NewPredictor().PredictInto(make([]float32, actions), obs[:size+1]); err == nil {
			t.Errorf("%s: Predictor.PredictInto with %d observation values: no error, want one", m.name, size+1)
		}
	}
}
