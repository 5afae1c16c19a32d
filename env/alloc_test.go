package env

import (
	"math/rand/v2"
	"testing"
)

func TestEnvStepAllocatesNothing(t *testing.T) {
	s := ohlcvSeries(400)
	norm, err := FitNormalizer(s)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	e, err := NewEnv(s, norm, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Reset(cfg.Window - 1); err != nil {
		t.Fatal(err)
	}
	obs := make([]float32, cfg.ObservationSize())
	step := 0
	allocs := testing.AllocsPerRun(1000, func() {
		if err := e.Observe(obs); err != nil {
			t.Fatal(err)
		}
		step++
		_, done, err := e.Step(step % NumActions)
		if err != nil {
			t.Fatal(err)
		}
		if done {
			if err := e.Reset(cfg.Window - 1); err != nil {
				t.Fatal(err)
			}
		}
	})
	if allocs != 0 {
		t.Errorf("Observe+Step+Reset allocate %v times per step, expected 0", allocs)
	}
}

func TestVecEnvStepAllocatesNothing(t *testing.T) {
	s := ohlcvSeries(400)
	norm, err := FitNormalizer(s)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.MaxEpisodeSteps = 20
	v, err := NewVecEnv(s, norm, cfg, 8, rand.New(rand.NewPCG(5, 6)))
	if err != nil {
		t.Fatal(err)
	}
	obs := make([]float32, v.N()*cfg.ObservationSize())
	actions := make([]int, v.N())
	rewards := make([]float32, v.N())
	dones := make([]bool, v.N())
	step := 0
	allocs := testing.AllocsPerRun(500, func() {
		if err := v.ObserveAll(obs); err != nil {
			t.Fatal(err)
		}
		step++
		for i := range actions {
			actions[i] = (step + i) % NumActions
		}
		if err := v.Step(actions, rewards, dones); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("ObserveAll+Step allocate %v times per step, expected 0", allocs)
	}
}
