package dqn

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deepq-go/deepq/env"
	"github.com/deepq-go/deepq/qnet"
)

func TestEpsilonLinearSchedule(t *testing.T) {
	cfg := DefaultConfig()
	cfg.EpsilonStart, cfg.EpsilonEnd, cfg.EpsilonDecaySteps = 1, 0.05, 1000
	for _, c := range []struct {
		steps int64
		want  float64
	}{{0, 1}, {500, 0.525}, {1000, 0.05}, {5000, 0.05}, {-3, 1}} {
		if got := cfg.Epsilon(c.steps); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("linear Epsilon(%d) = %v, expected %v", c.steps, got, c.want)
		}
	}
}

func TestEpsilonExponentialSchedule(t *testing.T) {
	cfg := DefaultConfig()
	cfg.EpsilonStart, cfg.EpsilonEnd, cfg.EpsilonDecaySteps = 1, 0.01, 1000
	cfg.EpsilonSchedule = Exponential
	for _, c := range []struct {
		steps int64
		want  float64
	}{{0, 1}, {500, 0.1}, {1000, 0.01}, {2000, 0.01}} {
		if got := cfg.Epsilon(c.steps); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("exponential Epsilon(%d) = %v, expected %v", c.steps, got, c.want)
		}
	}
	cfg.EpsilonEnd = 0
	if err := cfg.Validate(); err == nil {
		t.Error("Validate accepted an exponential schedule ending at 0")
	}
}

func TestConfigValidateRejectsBadFields(t *testing.T) {
	for name, edit := range map[string]func(*Config){
		"gamma":    func(c *Config) { c.Gamma = 1.5 },
		"batch":    func(c *Config) { c.BatchSize = 0 },
		"replay":   func(c *Config) { c.ReplayCapacity = 10 },
		"warmup":   func(c *Config) { c.WarmupSteps = -1 },
		"train":    func(c *Config) { c.TrainEvery = 0 },
		"target":   func(c *Config) { c.TargetUpdateEvery = 0 },
		"tau":      func(c *Config) { c.Tau = 2 },
		"epsilon":  func(c *Config) { c.EpsilonStart = 1.1 },
		"decay":    func(c *Config) { c.EpsilonDecaySteps = -1 },
		"envs":     func(c *Config) { c.Envs = 0 },
		"episodes": func(c *Config) { c.Episodes = 0 },
		"ticks":    func(c *Config) { c.EpisodeTicks = 0 },
		"schedule": func(c *Config) { c.EpsilonSchedule = 5 },
	} {
		cfg := DefaultConfig()
		edit(&cfg)
		if err := cfg.Validate(); err == nil {
			t.Errorf("%s: Validate returned no error", name)
		}
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Errorf("DefaultConfig is invalid: %v", err)
	}
}

func TestDoubleDQNTargets(t *testing.T) {
	batch := []Transition{
		{Reward: 0.5},
		{Reward: -1, Done: true},
		{Reward: 0.25},
	}
	// The online network picks action 2 for the first transition, where the
	// target network's own maximum is action 0: Double DQN must use the
	// target's value of action 2, not its maximum.
	qOnline := []float32{
		0.1, 0.2, 0.9,
		5, 5, 5,
		1, 3, 2,
	}
	qTarget := []float32{
		10, 1, 2,
		100, 100, 100,
		4, 6, 8,
	}
	dst := make([]float32, 3)
	doubleDQNTargets(dst, batch, qOnline, qTarget, 3, 0.5)
	want := []float32{0.5 + 0.5*2, -1, 0.25 + 0.5*6}
	for i := range want {
		if dst[i] != want[i] {
			t.Errorf("target %d = %v, expected %v", i, dst[i], want[i])
		}
	}
}

func TestAgentTrainsTowardsDoubleDQNTarget(t *testing.T) {
	train, _ := daxSplit(t)
	cfg := tinyConfig()
	cfg.WarmupSteps, cfg.TrainEvery, cfg.BatchSize, cfg.Gamma = 0, 1, 16, 0.9
	a, err := NewAgent(tinyDense(t), newTestObserver(t, train), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 16 {
		a.replay.Add(Transition{Index: int32(100 + i), Reward: 0.01, Action: int8(i % 3), NextPosition: 1})
	}
	// Recompute the targets the next training step will use from the same
	// sample, through a copy of the replay generator.
	before := *a.replay.pcg
	var batch [16]Transition
	if err := a.replay.Sample(batch[:]); err != nil {
		t.Fatal(err)
	}
	*a.replay.pcg = before
	size := a.observer.Size()
	next := make([]float32, 16*size)
	obs := make([]float32, 16*size)
	if err := a.observer.observeBatch(obs, next, batch[:]); err != nil {
		t.Fatal(err)
	}
	qOnline, qTarget := make([]float32, 48), make([]float32, 48)
	if err := a.online.PredictBatch(qOnline, next, 16); err != nil {
		t.Fatal(err)
	}
	if err := a.target.PredictBatch(qTarget, next, 16); err != nil {
		t.Fatal(err)
	}
	want := make([]float32, 16)
	doubleDQNTargets(want, batch[:], qOnline, qTarget, 3, 0.9)

	if err := a.trainStep(); err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if a.targets[i] != want[i] {
			t.Fatalf("target %d = %v, expected %v", i, a.targets[i], want[i])
		}
		if a.actions[i] != int(batch[i].Action) {
			t.Fatalf("trained action %d = %d, expected the taken action %d", i, a.actions[i], batch[i].Action)
		}
	}
}

func TestTargetUpdatesCountEnvironmentSteps(t *testing.T) {
	train, _ := daxSplit(t)
	const n, ticks = 300, 30
	cfg := tinyConfig()
	cfg.TargetUpdateEvery = 1000
	cfg.TrainEvery = 1000
	cfg.WarmupSteps = 0
	cfg.Envs = n
	a, err := NewAgent(tinyDense(t), newTestObserver(t, train), cfg)
	if err != nil {
		t.Fatal(err)
	}
	tick := make([]Transition, n)
	for i := range tick {
		tick[i] = Transition{Index: int32(50 + i), Action: env.Buy, NextPosition: 1}
	}
	trained := 0
	for range ticks {
		k, err := a.Record(tick)
		if err != nil {
			t.Fatal(err)
		}
		trained += k
	}
	if a.EnvSteps() != n*ticks {
		t.Errorf("EnvSteps = %d, expected %d", a.EnvSteps(), n*ticks)
	}
	if a.TargetUpdates() != 9 {
		t.Errorf("%d ticks of %d environments made %d target updates, expected 9 (one per 1000 environment steps)", ticks, n, a.TargetUpdates())
	}
	if trained != 9 || a.TrainSteps() != 9 {
		t.Errorf("training steps = %d (agent says %d), expected 9 (one per 1000 environment steps)", trained, a.TrainSteps())
	}
	// The last update, at step 9000, copied weights trained at step 9000.
	if !equalFloats(probeQ(t, a.online), probeQ(t, a.target)) {
		t.Error("target network differs from the online network right after a target update")
	}
}

func TestSoftUpdatesFollowTrainingSteps(t *testing.T) {
	train, _ := daxSplit(t)
	cfg := tinyConfig()
	cfg.Tau, cfg.WarmupSteps, cfg.TrainEvery = 0.5, 0, 10
	a, err := NewAgent(tinyDense(t), newTestObserver(t, train), cfg)
	if err != nil {
		t.Fatal(err)
	}
	tick := make([]Transition, 100)
	for i := range tick {
		tick[i] = Transition{Index: int32(50 + i)}
	}
	if _, err := a.Record(tick); err != nil {
		t.Fatal(err)
	}
	if a.TrainSteps() != 10 || a.TargetUpdates() != 10 {
		t.Errorf("train steps, target updates = %d, %d, expected 10, 10", a.TrainSteps(), a.TargetUpdates())
	}
}

func TestActExploresPerEnvironment(t *testing.T) {
	train, _ := daxSplit(t)
	cfg := tinyConfig()
	cfg.EpsilonStart, cfg.EpsilonEnd = 0.5, 0.5
	a, err := NewAgent(tinyDense(t), newTestObserver(t, train), cfg)
	if err != nil {
		t.Fatal(err)
	}
	const n = 400
	size := a.observer.Size()
	obs := make([]float32, n*size)
	for i := range n {
		if err := a.observer.Observe(obs[i*size:(i+1)*size], 100, 0); err != nil {
			t.Fatal(err)
		}
	}
	actions := make([]int, n)
	if err := a.Act(actions, obs, n); err != nil {
		t.Fatal(err)
	}
	q, err := a.online.Predict(obs[:size])
	if err != nil {
		t.Fatal(err)
	}
	best := argmax(q)
	greedy := 0
	for _, act := range actions {
		if act == best {
			greedy++
		}
	}
	// Each environment acts greedily with probability 1/2 and otherwise
	// picks the greedy action by chance 1/3, so 2/3 of 400 is expected.
	if greedy < 230 || greedy > 300 {
		t.Errorf("%d of %d identical environments took the greedy action, expected about 267", greedy, n)
	}
	if err := a.Act(actions, obs[:size-1], 1); err == nil {
		t.Error("Act accepted an observation of the wrong length")
	}
}

func TestNewAgentRejectsMismatchedNetwork(t *testing.T) {
	train, _ := daxSplit(t)
	cfg := qnet.DefaultConfig() // window 30, the observer's is 10
	net, err := qnet.BuildDense(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewAgent(net, newTestObserver(t, train), tinyConfig()); err == nil {
		t.Error("NewAgent accepted a network of window 30 with observations of window 10")
	}
}

func TestObserverMatchesVecEnv(t *testing.T) {
	train, _ := daxSplit(t)
	norm, err := env.FitNormalizer(train)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testEnvConfig()
	cfg.MaxEpisodeSteps = 40
	const n = 6
	vec, err := env.NewVecEnv(train, norm, cfg, n, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewObserver(train, norm, cfg)
	if err != nil {
		t.Fatal(err)
	}
	size := o.Size()
	obs := make([]float32, n*size)
	mine := make([]float32, size)
	actions, rewards, dones := make([]int, n), make([]float32, n), make([]bool, n)
	pending := make([]Transition, n)
	rng := rand.New(rand.NewPCG(3, 4))
	for tick := range 200 {
		if err := vec.ObserveAll(obs); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if tick > 0 && !pending[i].Done {
				// The observation after the previous step.
				if err := o.Observe(mine, int(pending[i].Index)+1, int(pending[i].NextPosition)); err != nil {
					t.Fatal(err)
				}
				if !equalFloats(mine, obs[i*size:(i+1)*size]) {
					t.Fatalf("tick %d env %d: rebuilt next observation differs from VecEnv's", tick, i)
				}
			}
			if err := o.Observe(mine, vec.Index(i), vec.Position(i)); err != nil {
				t.Fatal(err)
			}
			if !equalFloats(mine, obs[i*size:(i+1)*size]) {
				t.Fatalf("tick %d env %d: rebuilt observation differs from VecEnv's", tick, i)
			}
			actions[i] = rng.IntN(env.NumActions)
			pending[i] = Transition{Index: int32(vec.Index(i)), Position: int8(vec.Position(i)),
				NextPosition: int8(nextPosition(vec.Position(i), actions[i]))}
		}
		if err := vec.Step(actions, rewards, dones); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			pending[i].Done = dones[i]
		}
	}
	if err := o.Observe(mine, testWindow-2, 0); err == nil {
		t.Error("Observe accepted a bar before the first full window")
	}
	if err := o.Observe(mine, 100, 2); err == nil {
		t.Error("Observe accepted position 2")
	}
}

func TestRecordReportsNonFiniteLoss(t *testing.T) {
	train, _ := daxSplit(t)
	cfg := tinyConfig()
	cfg.WarmupSteps, cfg.TrainEvery = 0, 1
	a, err := NewAgent(tinyDense(t), newTestObserver(t, train), cfg)
	if err != nil {
		t.Fatal(err)
	}
	a.trainHook = func(float32, error) (float32, error) {
		return float32(math.NaN()), qnet.ErrNonFinite
	}
	tick := make([]Transition, 32)
	for i := range tick {
		tick[i] = Transition{Index: int32(50 + i)}
	}
	_, err = a.Record(tick)
	if !errors.Is(err, qnet.ErrNonFinite) {
		t.Fatalf("Record returned %v, expected an error wrapping qnet.ErrNonFinite", err)
	}
}

func TestActAndRecordAllocateNothing(t *testing.T) {
	train, _ := daxSplit(t)
	cfg := tinyConfig()
	cfg.WarmupSteps, cfg.TrainEvery, cfg.TargetUpdateEvery = 0, 4, 8
	cfg.EpsilonStart, cfg.EpsilonEnd = 0.5, 0.5
	a, err := NewAgent(tinyDense(t), newTestObserver(t, train), cfg)
	if err != nil {
		t.Fatal(err)
	}
	const n = 4
	size := a.observer.Size()
	obs := make([]float32, n*size)
	for i := range n {
		if err := a.observer.Observe(obs[i*size:(i+1)*size], 100+i, i%2); err != nil {
			t.Fatal(err)
		}
	}
	actions := make([]int, n)
	tick := make([]Transition, n)
	for i := range tick {
		tick[i] = Transition{Index: int32(200 + i)}
	}
	step := func() {
		if err := a.Act(actions, obs, n); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Record(tick); err != nil {
			t.Fatal(err)
		}
	}
	for range 20 {
		step() // grow every buffer to its steady size
	}
	if allocs := testing.AllocsPerRun(50, step); allocs != 0 {
		t.Errorf("Act and Record allocate %v times per tick, expected 0", allocs)
	}
}
