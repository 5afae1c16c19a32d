package env

import (
	"fmt"
	"math/rand/v2"
)

// VecEnv steps N episodes over one series in lockstep, for batched
// training. Each episode starts at a bar drawn uniformly from
// [Window-1, Len-2], so starts cover the whole series, and runs to the last
// bar or for Config.MaxEpisodeSteps steps. When an episode ends, Step
// starts that copy again at a new random bar.
//
// A VecEnv is not safe for concurrent use. ObserveAll and Step allocate
// nothing.
type VecEnv struct {
	envs []*Env
	rng  *rand.Rand
	cfg  Config
}

// NewVecEnv returns n environments over s with features normalised by norm,
// each reset at its own random start drawn from rng. The same rng state
// gives the same starts.
func NewVecEnv(s *Series, norm *Normalizer, cfg Config, n int, rng *rand.Rand) (*VecEnv, error) {
	if n < 1 {
		return nil, fmt.Errorf("env: NewVecEnv: %d environments, expected at least 1", n)
	}
	if rng == nil {
		return nil, fmt.Errorf("env: NewVecEnv: rng is nil, expected a seeded *rand.Rand")
	}
	features, err := prepare(s, norm, cfg)
	if err != nil {
		return nil, err
	}
	v := &VecEnv{envs: make([]*Env, n), rng: rng, cfg: cfg}
	for i := range v.envs {
		v.envs[i] = newEnv(s, features, cfg, false)
		v.resetRandom(i)
	}
	return v, nil
}

// resetRandom starts environment i at a uniformly drawn bar in
// [Window-1, Len-2]; NewVecEnv guarantees that range is not empty.
func (v *VecEnv) resetRandom(i int) {
	e := v.envs[i]
	first := v.cfg.Window - 1
	last := e.series.Len() - 2
	_ = e.Reset(first + v.rng.IntN(last-first+1))
}

// N returns the number of environments.
func (v *VecEnv) N() int { return len(v.envs) }

// Config returns the configuration.
func (v *VecEnv) Config() Config { return v.cfg }

// ObserveAll writes the current observation of every environment into dst,
// which must have length N*Window*Features: environment i's observation,
// laid out as in Env.Observe, starts at i*Window*Features.
func (v *VecEnv) ObserveAll(dst []float32) error {
	size := v.cfg.ObservationSize()
	if len(dst) != len(v.envs)*size {
		return fmt.Errorf("env: ObserveAll: len(dst) is %d, expected N*Window*Features = %d*%d = %d",
			len(dst), len(v.envs), size, len(v.envs)*size)
	}
	for i, e := range v.envs {
		e.observe(dst[i*size : (i+1)*size])
	}
	return nil
}

// Step applies actions[i] to environment i and writes its reward (a log
// return) to rewards[i] and whether its episode ended to dones[i]. An
// environment whose episode ended is reset at a new random start, so the
// next ObserveAll shows the first observation of its new episode. A DQN
// target must therefore not bootstrap from that observation when dones[i]
// is true.
// Nothing changes when a slice has the wrong length or an action is invalid.
func (v *VecEnv) Step(actions []int, rewards []float32, dones []bool) error {
	n := len(v.envs)
	if len(actions) != n || len(rewards) != n || len(dones) != n {
		return fmt.Errorf("env: VecEnv.Step: len(actions), len(rewards), len(dones) are %d, %d, %d, expected N = %d each",
			len(actions), len(rewards), len(dones), n)
	}
	for i, a := range actions {
		if a < 0 || a >= NumActions {
			return fmt.Errorf("env: VecEnv.Step: actions[%d] is %d, expected 0 (hold), 1 (buy) or 2 (sell)", i, a)
		}
	}
	for i, e := range v.envs {
		rewards[i] = float32(e.step(actions[i]))
		dones[i] = e.t >= e.end
		if dones[i] {
			v.resetRandom(i)
		}
	}
	return nil
}

// Index returns the current bar of environment i.
func (v *VecEnv) Index(i int) int { return v.envs[i].t }

// Start returns the first bar of environment i's current episode.
func (v *VecEnv) Start(i int) int { return v.envs[i].start }

// Position returns environment i's position: 1 when long, 0 when flat.
func (v *VecEnv) Position(i int) int { return v.envs[i].position }
