package env

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func newTestVecEnv(t *testing.T, s *Series, cfg Config, n int, seed uint64) *VecEnv {
	t.Helper()
	norm, err := FitNormalizer(s)
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewVecEnv(s, norm, cfg, n, rand.New(rand.NewPCG(seed, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVecEnvRandomStarts(t *testing.T) {
	s := ohlcvSeries(500)
	cfg := DefaultConfig()
	cfg.MaxEpisodeSteps = 10
	v := newTestVecEnv(t, s, cfg, 16, 7)
	again := newTestVecEnv(t, s, cfg, 16, 7)
	distinct := map[int]bool{}
	for i := range v.N() {
		if v.Start(i) != again.Start(i) {
			t.Errorf("env %d starts at %d and %d with the same seed", i, v.Start(i), again.Start(i))
		}
		distinct[v.Start(i)] = true
	}
	if len(distinct) < 12 {
		t.Errorf("16 environments have only %d distinct starts", len(distinct))
	}

	// Step through many episodes and check that starts cover the whole span.
	lowest, highest := s.Len(), 0
	actions := make([]int, v.N())
	rewards := make([]float32, v.N())
	dones := make([]bool, v.N())
	episodes := 0
	for range 2000 {
		for i := range v.N() {
			lowest, highest = min(lowest, v.Start(i)), max(highest, v.Start(i))
			if v.Start(i) < cfg.Window-1 || v.Start(i) > s.Len()-2 {
				t.Fatalf("env %d starts at %d, outside [%d, %d]", i, v.Start(i), cfg.Window-1, s.Len()-2)
			}
		}
		if err := v.Step(actions, rewards, dones); err != nil {
			t.Fatal(err)
		}
		for i, done := range dones {
			if done {
				episodes++
				if v.Index(i) != v.Start(i) {
					t.Fatalf("env %d is at bar %d after a reset to %d", i, v.Index(i), v.Start(i))
				}
			}
		}
	}
	if lowest > cfg.Window+5 || highest < s.Len()-8 {
		t.Errorf("starts span [%d, %d] over %d episodes, expected close to [%d, %d]", lowest, highest, episodes, cfg.Window-1, s.Len()-2)
	}
}

func TestVecEnvMatchesEnv(t *testing.T) {
	s := ohlcvSeries(300)
	cfg := DefaultConfig()
	v := newTestVecEnv(t, s, cfg, 4, 3)
	norm, err := FitNormalizer(s)
	if err != nil {
		t.Fatal(err)
	}
	size := cfg.ObservationSize()
	all := make([]float32, v.N()*size)
	actions := []int{Buy, Hold, Buy, Sell}
	rewards := make([]float32, 4)
	dones := make([]bool, 4)
	for i := range v.N() {
		e, err := NewEnv(s, norm, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Reset(v.Start(i)); err != nil {
			t.Fatal(err)
		}
		want, _, err := e.Step(actions[i])
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := v.Step(actions, rewards, dones); err != nil {
				t.Fatal(err)
			}
			if err := v.ObserveAll(all); err != nil {
				t.Fatal(err)
			}
		}
		if rewards[i] != float32(want) || v.Position(i) != e.Position() {
			t.Errorf("env %d: reward %v position %d, expected %v and %d", i, rewards[i], v.Position(i), want, e.Position())
		}
		obs := make([]float32, size)
		if err := e.Observe(obs); err != nil {
			t.Fatal(err)
		}
		if !equalFloat32s(obs, all[i*size:(i+1)*size]) {
			t.Errorf("env %d: ObserveAll differs from Env.Observe at bar %d", i, e.Index())
		}
	}
}

func TestVecEnvErrors(t *testing.T) {
	s := ohlcvSeries(100)
	norm, err := FitNormalizer(s)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	if _, err := NewVecEnv(s, norm, DefaultConfig(), 0, rng); err == nil {
		t.Error("zero environments: no error")
	}
	if _, err := NewVecEnv(s, norm, DefaultConfig(), 2, nil); err == nil {
		t.Error("nil rng: no error")
	}
	v, err := NewVecEnv(s, norm, DefaultConfig(), 2, rng)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.ObserveAll(make([]float32, 10)); err == nil || !strings.Contains(err.Error(), "2*150 = 300") {
		t.Errorf("short ObserveAll buffer: error %v", err)
	}
	rewards, dones := make([]float32, 2), make([]bool, 2)
	if err := v.Step([]int{0}, rewards, dones); err == nil {
		t.Error("one action for two environments: no error")
	}
	before := []int{v.Index(0), v.Index(1)}
	if err := v.Step([]int{Buy, 5}, rewards, dones); err == nil || !strings.Contains(err.Error(), "actions[1] is 5") {
		t.Errorf("invalid action: error %v", err)
	}
	if v.Index(0) != before[0] || v.Index(1) != before[1] || v.Position(0) != 0 {
		t.Error("a rejected Step changed the environments")
	}
}
