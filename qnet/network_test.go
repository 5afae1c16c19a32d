package qnet

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func randObs(n int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 3))
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

func mustBuild(t testing.TB, model string, cfg Config) *Network {
	t.Helper()
	var n *Network
	var err error
	if model == ModelDense {
		n, err = BuildDense(cfg)
	} else {
		n, err = BuildLSTM(cfg)
	}
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func denseConfig() Config {
	cfg := DefaultConfig()
	cfg.DenseUnits = DefaultDenseUnits
	return cfg
}

func TestBuildDefaultArchitectures(t *testing.T) {
	l := mustBuild(t, ModelLSTM, DefaultConfig())
	want := "lstm: reshape(30x5) -> lstm(64, seq) -> dropout(0.2) -> lstm(32, last) -> dropout(0.2) -> dense(64, relu) -> dense(3, linear)"
	if got := l.Architecture().String(); got != want {
		t.Errorf("LSTM architecture\n got %s\nwant %s", got, want)
	}
	// (5+64+1)*4*64 + (64+32+1)*4*32 + (32+1)*64 + (64+1)*3
	if got, want := l.NumParams(), 17920+12416+2112+195; got != want {
		t.Errorf("LSTM NumParams = %d, want %d", got, want)
	}
	d := mustBuild(t, ModelDense, denseConfig())
	want = "dense: dense(64, relu) -> dense(32, relu) -> dense(8, relu) -> dense(3, linear)"
	if got := d.Architecture().String(); got != want {
		t.Errorf("Dense architecture\n got %s\nwant %s", got, want)
	}
	if got, want := d.NumParams(), 151*64+65*32+33*8+9*3; got != want {
		t.Errorf("Dense NumParams = %d, want %d", got, want)
	}
}

func TestBuildRejectsBadConfig(t *testing.T) {
	bad := map[string]func(*Config){
		"window":        func(c *Config) { c.Window = 0 },
		"features":      func(c *Config) { c.Features = -1 },
		"actions":       func(c *Config) { c.Actions = 0 },
		"dropout":       func(c *Config) { c.Dropout = 1 },
		"learning rate": func(c *Config) { c.LearningRate = math.NaN() },
		"beta":          func(c *Config) { c.Beta2 = 1 },
		"loss":          func(c *Config) { c.Loss = Loss(9) },
		"clip":          func(c *Config) { c.ClipNorm = -1 },
		"lstm units":    func(c *Config) { c.LSTMUnits = []int{64, 0} },
		"no lstm":       func(c *Config) { c.LSTMUnits = nil },
		"budget":        func(c *Config) { c.MemoryBudget = -5 },
	}
	for name, mutate := range bad {
		cfg := DefaultConfig()
		mutate(&cfg)
		if _, err := BuildLSTM(cfg); err == nil {
			t.Errorf("%s: BuildLSTM accepted an invalid config", name)
		}
	}
}

func TestPredictRejectsWrongLength(t *testing.T) {
	n := mustBuild(t, ModelLSTM, DefaultConfig())
	_, err := n.Predict(make([]float32, 149))
	want := "qnet: observation has 149 values; the network expects 150 (window 30 x features 5)"
	if err == nil || err.Error() != want {
		t.Fatalf("Predict(149 values) error = %v, want %q", err, want)
	}
	if err := n.PredictBatch(make([]float32, 6), make([]float32, 299), 2); err == nil || !strings.Contains(err.Error(), "expects 300") {
		t.Errorf("PredictBatch(299 values, 2) error = %v, want one naming 300", err)
	}
	if err := n.PredictBatch(make([]float32, 5), make([]float32, 300), 2); err == nil || !strings.Contains(err.Error(), "destination") {
		t.Errorf("PredictBatch with short dst error = %v, want one naming the destination", err)
	}
	if err := n.PredictBatch(nil, nil, 0); err == nil {
		t.Error("PredictBatch(batch 0) returned no error")
	}
}

func TestPredictRejectsNonFinite(t *testing.T) {
	n := mustBuild(t, ModelLSTM, DefaultConfig())
	for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
		obs := make([]float32, 300)
		obs[150+17] = bad
		err := n.PredictBatch(make([]float32, 6), obs, 2)
		if err == nil || !strings.Contains(err.Error(), "observation 1, value 17") {
			t.Errorf("obs with %v: error = %v, want one naming observation 1, value 17", bad, err)
		}
	}
}

func TestTrainRejectsBadTargets(t *testing.T) {
	n := mustBuild(t, ModelLSTM, DefaultConfig())
	obs := randObs(2*150, 1)
	if _, err := n.TrainOnBatch(obs, make([]float32, 5), 2); err == nil {
		t.Error("TrainOnBatch with 5 targets for 2x3 Q-values returned no error")
	}
	tg := make([]float32, 6)
	tg[4] = float32(math.NaN())
	if _, err := n.TrainOnBatch(obs, tg, 2); err == nil {
		t.Error("TrainOnBatch with a NaN target returned no error")
	}
	if _, err := n.TrainOnActions(obs, []int{0, 3}, []float32{1, 2}, 2); err == nil || !strings.Contains(err.Error(), "action 3") {
		t.Errorf("TrainOnActions with action 3 error = %v, want one naming action 3", err)
	}
	if n.Steps() != 0 {
		t.Errorf("rejected calls advanced the optimizer to step %d", n.Steps())
	}
}

func TestPredictIsDeterministicWithoutDropout(t *testing.T) {
	n := mustBuild(t, ModelLSTM, DefaultConfig())
	obs := randObs(150, 2)
	a, _ := n.Predict(obs)
	b, _ := n.Predict(obs)
	if !slices.Equal(a, b) {
		t.Fatalf("two predictions differ: %v vs %v", a, b)
	}
}

func TestPredictBatchMatchesSinglePredictions(t *testing.T) {
	for _, model := range []string{ModelLSTM, ModelDense} {
		n := mustBuild(t, model, denseOr(model))
		const batch = 5
		obs := randObs(batch*150, 4)
		q := make([]float32, batch*3)
		if err := n.PredictBatch(q, obs, batch); err != nil {
			t.Fatal(err)
		}
		for b := 0; b < batch; b++ {
			one, _ := n.Predict(obs[b*150 : (b+1)*150])
			for a := range one {
				if d := math.Abs(float64(one[a] - q[b*3+a])); d > 1e-5 {
					t.Errorf("%s: sample %d action %d: batch %v, single %v", model, b, a, q[b*3+a], one[a])
				}
			}
		}
	}
}

func denseOr(model string) Config {
	if model == ModelDense {
		return denseConfig()
	}
	return DefaultConfig()
}

func TestSteadyStateAllocatesNothing(t *testing.T) {
	for _, model := range []string{ModelLSTM, ModelDense} {
		n := mustBuild(t, model, denseOr(model))
		obs1 := randObs(150, 1)
		const batch = 16
		obs := randObs(batch*150, 2)
		dst := make([]float32, batch*3)
		targets := randObs(batch*3, 3)
		actions := make([]int, batch)
		for i := range actions {
			actions[i] = i % 3
		}
		calls := map[string]func(){
			"PredictInto":    func() { n.PredictInto(dst, obs1) },
			"PredictBatch":   func() { n.PredictBatch(dst, obs, batch) },
			"TrainOnBatch":   func() { n.TrainOnBatch(obs, targets, batch) },
			"TrainOnActions": func() { n.TrainOnActions(obs, actions, targets[:batch], batch) },
		}
		for name, call := range calls {
			call()
			if a := testing.AllocsPerRun(10, call); a != 0 {
				t.Errorf("%s %s allocates %v objects per call, want 0", model, name, a)
			}
		}
	}
}

func TestTrainingIsBitReproducible(t *testing.T) {
	for _, model := range []string{ModelLSTM, ModelDense} {
		run := func() []float32 {
			n := mustBuild(t, model, denseOr(model))
			obs := randObs(16*150, 5)
			tg := randObs(16*3, 6)
			for i := 0; i < 5; i++ {
				if _, err := n.TrainOnBatch(obs, tg, 16); err != nil {
					t.Fatal(err)
				}
			}
			return n.params
		}
		a, b := run(), run()
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				t.Fatalf("%s: parameter %d differs between two seeded runs: %v vs %v", model, i, a[i], b[i])
			}
		}
	}
}

func TestTrainingReducesLoss(t *testing.T) {
	for _, model := range []string{ModelLSTM, ModelDense} {
		cfg := denseOr(model)
		cfg.Dropout = 0
		n := mustBuild(t, model, cfg)
		obs := randObs(8*150, 7)
		tg := randObs(8*3, 8)
		first, _ := n.TrainOnBatch(obs, tg, 8)
		var last float32
		for i := 0; i < 60; i++ {
			last, _ = n.TrainOnBatch(obs, tg, 8)
		}
		if !(last < 0.5*first) {
			t.Errorf("%s: loss went from %v to %v after 60 steps; want it at least halved", model, first, last)
		}
	}
}

func TestMicroBatchesMatchFullBatch(t *testing.T) {
	for _, model := range []string{ModelLSTM, ModelDense} {
		cfg := denseOr(model)
		cfg.Dropout = 0 // masks are drawn in a different order per micro-batch
		full := mustBuild(t, model, cfg)
		split := mustBuild(t, model, cfg)
		const batch = 40
		budget := split.WorkspaceBytes(batch/3) + 1
		if err := split.SetMemoryBudget(budget); err != nil {
			t.Fatal(err)
		}
		if m, _ := split.microBatch(batch); m != batch/3 {
			t.Fatalf("%s: budget %d gives micro-batches of %d, want %d", model, budget, m, batch/3)
		}
		obs := randObs(batch*150, 9)
		tg := randObs(batch*3, 10)
		for step := 0; step < 3; step++ {
			lf, err1 := full.TrainOnBatch(obs, tg, batch)
			ls, err2 := split.TrainOnBatch(obs, tg, batch)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if math.Abs(float64(lf-ls)) > 1e-5*math.Abs(float64(lf)) {
				t.Errorf("%s step %d: loss %v full, %v split", model, step, lf, ls)
			}
		}
		for i := range full.params {
			a, b := float64(full.params[i]), float64(split.params[i])
			if math.Abs(a-b) > 1e-5+1e-4*math.Abs(a) {
				t.Fatalf("%s: parameter %d is %v after full batches, %v after micro-batches", model, i, a, b)
			}
		}
		if peak := int64(4 * split.train.ar.Peak()); peak > budget {
			t.Errorf("%s: training workspace peaked at %d bytes, above the budget of %d", model, peak, budget)
		}
	}
}

func TestMemoryBudgetTooSmall(t *testing.T) {
	n := mustBuild(t, ModelLSTM, DefaultConfig())
	n.SetMemoryBudget(100)
	_, err := n.TrainOnBatch(randObs(150, 1), make([]float32, 3), 1)
	if err == nil || !strings.Contains(err.Error(), "100 bytes") {
		t.Errorf("error = %v, want one naming the 100-byte budget", err)
	}
}

func TestWorkspaceBytesIsExact(t *testing.T) {
	for _, model := range []string{ModelLSTM, ModelDense} {
		n := mustBuild(t, model, denseOr(model))
		for _, batch := range []int{1, 7, 64} {
			n.TrainOnBatch(randObs(batch*150, 1), make([]float32, batch*3), batch)
			if got, want := int64(4*n.train.ar.Used()), n.WorkspaceBytes(batch); got != want {
				t.Errorf("%s batch %d: training used %d bytes, WorkspaceBytes says %d", model, batch, got, want)
			}
			n.PredictBatch(make([]float32, batch*3), randObs(batch*150, 1), batch)
			if got, want := int64(4*n.infer.ar.Used()), n.InferenceBytes(batch); got != want {
				t.Errorf("%s batch %d: inference used %d bytes, InferenceBytes says %d", model, batch, got, want)
			}
		}
		if m := n.Memory(); m.Params != int64(4*n.NumParams()) || m.Optimizer != 2*m.Params || m.Workspace == 0 {
			t.Errorf("%s: Memory() = %+v for %d parameters", model, m, n.NumParams())
		}
	}
}

func TestNonFiniteLossLeavesStateUnchanged(t *testing.T) {
	n := mustBuild(t, ModelLSTM, DefaultConfig())
	obs := randObs(4*150, 1)
	tg := randObs(4*3, 2)
	n.TrainOnBatch(obs, tg, 4)
	n.params[len(n.params)-1] = float32(math.Inf(1)) // output bias of action 2
	params := slices.Clone(n.params)
	m, v, step, rng := slices.Clone(n.m), slices.Clone(n.v), n.step, *n.rngState

	_, err := n.TrainOnBatch(obs, tg, 4)
	if !errors.Is(err, ErrNonFinite) {
		t.Fatalf("error = %v, want ErrNonFinite", err)
	}
	if !slices.Equal(params[:len(params)-1], n.params[:len(params)-1]) || !slices.Equal(m, n.m) || !slices.Equal(v, n.v) || step != n.step || rng != *n.rngState {
		t.Error("a step with a non-finite loss changed the weights or the optimizer state")
	}
}

func TestClippingScalesTheGradient(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Dropout = 0
	cfg.ClipNorm = 0.01
	n := mustBuild(t, ModelLSTM, cfg)
	obs := randObs(8*150, 1)
	tg := randObs(8*3, 2)
	if _, err := n.TrainOnBatch(obs, tg, 8); err != nil {
		t.Fatal(err)
	}
	norm := n.GradientNorm()
	if norm <= cfg.ClipNorm {
		t.Fatalf("gradient norm %v does not exceed the clip norm %v; the test needs a larger gradient", norm, cfg.ClipNorm)
	}
	// After one step m = (1-beta1)*g*scale, so |m| = 0.1*ClipNorm.
	var sq float64
	for _, x := range n.m {
		sq += float64(x) * float64(x)
	}
	if got, want := math.Sqrt(sq), 0.1*float64(cfg.ClipNorm); math.Abs(got-want) > 1e-4*want {
		t.Errorf("|m| after a clipped step = %v, want %v", got, want)
	}
}

func TestStackedGradientFiniteDifferences(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Window, cfg.Features, cfg.Actions = 4, 2, 3
	cfg.LSTMUnits, cfg.DenseUnits = []int{5, 3}, []int{4}
	cfg.Dropout = 0
	n := mustBuild(t, ModelLSTM, cfg)
	rng := rand.New(rand.NewPCG(4, 4))
	for i := range n.params { // break symmetry of the zero biases
		n.params[i] += float32(rng.NormFloat64() * 0.05)
	}
	const batch = 3
	obs := randObs(batch*8, 5)
	tg := randObs(batch*3, 6)
	count := float64(batch * 3)
	if _, err := n.accumulateGradients(obs, tg, nil, batch, count); err != nil {
		t.Fatal(err)
	}
	grads := slices.Clone(n.grads)
	lossAt := func() float64 {
		s, _ := n.accumulateGradients(obs, tg, nil, batch, count)
		return s / count
	}
	// A ReLU pre-activation that lies within the step of zero bends the
	// difference quotient, while a smaller step has more float32 rounding in
	// it. A correct gradient matches the quotient at one of the two steps.
	quotient := func(i int, eps float32) float64 {
		orig := n.params[i]
		n.params[i] = orig + eps
		up := lossAt()
		n.params[i] = orig - eps
		down := lossAt()
		n.params[i] = orig
		return (up - down) / (2 * float64(eps))
	}
	for i := range n.params {
		got := float64(grads[i])
		near := func(want float64) bool { return math.Abs(got-want) <= 5e-4+5e-3*math.Abs(want) }
		if coarse := quotient(i, 1e-3); !near(coarse) {
			if fine := quotient(i, 1e-4); !near(fine) {
				t.Errorf("parameter %d: analytic %.6g, finite differences %.6g (step 1e-3) and %.6g (step 1e-4)", i, got, coarse, fine)
			}
		}
	}
}

func TestTargetNetworkUpdates(t *testing.T) {
	online := mustBuild(t, ModelLSTM, DefaultConfig())
	cfg := DefaultConfig()
	cfg.Seed = 99
	target := mustBuild(t, ModelLSTM, cfg)
	old := slices.Clone(target.params)
	if err := online.SoftUpdateTo(target, 0.25); err != nil {
		t.Fatal(err)
	}
	for i := range old {
		want := 0.25*online.params[i] + 0.75*old[i]
		if math.Abs(float64(target.params[i]-want)) > 1e-6 {
			t.Fatalf("soft update parameter %d = %v, want %v", i, target.params[i], want)
		}
	}
	if err := online.CopyWeightsTo(target); err != nil || !slices.Equal(online.params, target.params) {
		t.Fatalf("CopyWeightsTo: err %v, equal %v", err, slices.Equal(online.params, target.params))
	}
	d := mustBuild(t, ModelDense, denseConfig())
	if err := online.CopyWeightsTo(d); err == nil || !strings.Contains(err.Error(), "architectures differ") {
		t.Errorf("copy to a Dense network: error = %v, want architectures differ", err)
	}
	if err := online.SoftUpdateTo(target, 1.5); err == nil {
		t.Error("SoftUpdateTo(tau 1.5) returned no error")
	}
	c := online.Clone()
	if !slices.Equal(c.params, online.params) || &c.params[0] == &online.params[0] {
		t.Error("Clone did not make an independent copy of the weights")
	}
}
