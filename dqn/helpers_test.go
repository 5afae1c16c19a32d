package dqn

import (
	"testing"

	"github.com/deepq-go/deepq/env"
	"github.com/deepq-go/deepq/qnet"
)

// testWindow keeps test networks small: 10 bars of 5 features.
const testWindow = 10

func tinyNetConfig() qnet.Config {
	cfg := qnet.DefaultConfig()
	cfg.Window = testWindow
	cfg.LSTMUnits = []int{8, 4}
	cfg.DenseUnits = []int{8}
	cfg.Seed = 7
	return cfg
}

func tinyLSTM(t testing.TB) *qnet.Network {
	t.Helper()
	n, err := qnet.BuildLSTM(tinyNetConfig())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func tinyDense(t testing.TB) *qnet.Network {
	t.Helper()
	cfg := tinyNetConfig()
	cfg.DenseUnits = []int{8, 4}
	n, err := qnet.BuildDense(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func testEnvConfig() env.Config {
	cfg := env.DefaultConfig()
	cfg.Window = testWindow
	return cfg
}

// daxSplit returns the embedded DAX series split into its default training
// and test spans.
func daxSplit(t testing.TB) (train, test *env.Series) {
	t.Helper()
	s, err := env.DAX()
	if err != nil {
		t.Fatal(err)
	}
	train, test, err = env.SplitEuStock(s)
	if err != nil {
		t.Fatal(err)
	}
	return train, test
}

// tinyConfig is a short run: 3 episodes of 20 ticks of 4 environments,
// training every 2 steps on batches of 16 after 32 warm-up steps.
func tinyConfig() Config {
	cfg := DefaultConfig()
	cfg.BatchSize = 16
	cfg.ReplayCapacity = 500
	cfg.WarmupSteps = 32
	cfg.TrainEvery = 2
	cfg.TargetUpdateEvery = 50
	cfg.EpsilonDecaySteps = 200
	cfg.Envs = 4
	cfg.Episodes = 3
	cfg.EpisodeTicks = 20
	return cfg
}

func newTestObserver(t testing.TB, s *env.Series) *Observer {
	t.Helper()
	norm, err := env.FitNormalizer(s)
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewObserver(s, norm, testEnvConfig())
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// probeQ returns the network's Q-values for a fixed set of observations, a
// fingerprint of its weights.
func probeQ(t testing.TB, n *qnet.Network) []float32 {
	t.Helper()
	size := n.ObservationSize()
	const batch = 8
	obs := make([]float32, batch*size)
	for i := range obs {
		obs[i] = float32((i*37)%23)/11 - 1
	}
	q := make([]float32, batch*n.Actions())
	if err := n.PredictBatch(q, obs, batch); err != nil {
		t.Fatal(err)
	}
	return q
}

func equalFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
