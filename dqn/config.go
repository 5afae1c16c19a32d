package dqn

import (
	"fmt"
	"math"
)

// Schedule selects how epsilon falls from EpsilonStart to EpsilonEnd.
type Schedule int

const (
	// Linear interpolates linearly over EpsilonDecaySteps environment steps.
	Linear Schedule = iota
	// Exponential interpolates geometrically, multiplying epsilon by the
	// same factor every step, so that it reaches EpsilonEnd after
	// EpsilonDecaySteps environment steps. Both ends must be positive.
	Exponential
)

// String returns "linear" or "exponential".
func (s Schedule) String() string {
	switch s {
	case Linear:
		return "linear"
	case Exponential:
		return "exponential"
	}
	return fmt.Sprintf("Schedule(%d)", int(s))
}

// ParseSchedule returns the Schedule named "linear" or "exponential".
func ParseSchedule(name string) (Schedule, error) {
	switch name {
	case "linear":
		return Linear, nil
	case "exponential":
		return Exponential, nil
	}
	return 0, fmt.Errorf("dqn: unknown epsilon schedule %q, expected linear or exponential", name)
}

// MarshalText encodes the schedule by name.
func (s Schedule) MarshalText() ([]byte, error) {
	if s != Linear && s != Exponential {
		return nil, fmt.Errorf("dqn: unknown epsilon schedule %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a schedule name written by MarshalText.
func (s *Schedule) UnmarshalText(b []byte) error {
	v, err := ParseSchedule(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Config holds the agent's and the training loop's settings. Every count
// of steps is in environment steps, summed over all environments.
type Config struct {
	// Gamma is the discount factor of future rewards, in [0, 1].
	Gamma float64 `json:"gamma"`
	// BatchSize is the number of transitions per training step.
	BatchSize int `json:"batch_size"`
	// ReplayCapacity is the number of transitions the replay buffer keeps;
	// the oldest is overwritten when it is full.
	ReplayCapacity int `json:"replay_capacity"`
	// WarmupSteps is the number of environment steps before the first
	// training step. Training also waits for BatchSize transitions.
	WarmupSteps int `json:"warmup_steps"`
	// TrainEvery is the number of environment steps per training step.
	TrainEvery int `json:"train_every"`
	// TargetUpdateEvery is the number of environment steps between hard
	// copies of the online weights into the target network. It is ignored
	// when Tau is positive.
	TargetUpdateEvery int `json:"target_update_every"`
	// Tau, when positive, replaces hard copies by a soft update after every
	// training step: target = Tau*online + (1-Tau)*target. It must be in
	// [0, 1].
	Tau float64 `json:"tau"`

	// EpsilonStart and EpsilonEnd bound the probability of a random action.
	EpsilonStart float64 `json:"epsilon_start"`
	EpsilonEnd   float64 `json:"epsilon_end"`
	// EpsilonDecaySteps is the number of environment steps over which
	// epsilon falls from EpsilonStart to EpsilonEnd.
	EpsilonDecaySteps int      `json:"epsilon_decay_steps"`
	EpsilonSchedule   Schedule `json:"epsilon_schedule"`

	// Envs is the number of environments stepped in lockstep by a Trainer.
	Envs int `json:"envs"`
	// Episodes is the number of training episodes a Trainer runs.
	Episodes int `json:"episodes"`
	// EpisodeTicks is the number of ticks per episode. In one tick every
	// environment takes one step, so an episode has Envs*EpisodeTicks
	// environment steps.
	EpisodeTicks int `json:"episode_ticks"`

	// Seed seeds exploration, replay sampling and the environments' start
	// bars. The network's own seed (qnet.Config.Seed) sets its initial
	// weights and dropout masks.
	Seed uint64 `json:"seed"`
}

// DefaultConfig returns settings for daily bars: gamma 0.95, batches of
// 64, a replay buffer of 50 000 transitions, 1 000 warm-up steps, a
// training step every 4 environment steps, a hard target update every
// 1 000 environment steps, and epsilon falling linearly from 1.0 to 0.05
// over 10 000 environment steps. A Trainer runs 10 episodes of 250 ticks
// of 8 environments, 20 000 environment steps in all, with seed 1.
func DefaultConfig() Config {
	return Config{
		Gamma:             0.95,
		BatchSize:         64,
		ReplayCapacity:    50_000,
		WarmupSteps:       1_000,
		TrainEvery:        4,
		TargetUpdateEvery: 1_000,
		EpsilonStart:      1.0,
		EpsilonEnd:        0.05,
		EpsilonDecaySteps: 10_000,
		EpsilonSchedule:   Linear,
		Envs:              8,
		Episodes:          10,
		EpisodeTicks:      250,
		Seed:              1,
	}
}

// TotalSteps returns the environment steps of a whole run:
// Episodes*EpisodeTicks*Envs.
func (c Config) TotalSteps() int64 {
	return int64(c.Episodes) * int64(c.EpisodeTicks) * int64(c.Envs)
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case !(c.Gamma >= 0 && c.Gamma <= 1):
		return fmt.Errorf("dqn: Gamma is %v, expected a discount factor in [0, 1]", c.Gamma)
	case c.BatchSize < 1:
		return fmt.Errorf("dqn: BatchSize is %d, expected at least 1", c.BatchSize)
	case c.ReplayCapacity < c.BatchSize:
		return fmt.Errorf("dqn: ReplayCapacity is %d, expected at least BatchSize (%d)", c.ReplayCapacity, c.BatchSize)
	case c.ReplayCapacity > maxReplayCapacity:
		return fmt.Errorf("dqn: ReplayCapacity is %d, expected at most %d", c.ReplayCapacity, maxReplayCapacity)
	case c.WarmupSteps < 0:
		return fmt.Errorf("dqn: WarmupSteps is %d, expected 0 or more", c.WarmupSteps)
	case c.TrainEvery < 1:
		return fmt.Errorf("dqn: TrainEvery is %d, expected at least 1 environment step", c.TrainEvery)
	case !(c.Tau >= 0 && c.Tau <= 1):
		return fmt.Errorf("dqn: Tau is %v, expected 0 (hard updates) or a soft update rate in (0, 1]", c.Tau)
	case c.Tau == 0 && c.TargetUpdateEvery < 1:
		return fmt.Errorf("dqn: TargetUpdateEvery is %d, expected at least 1 environment step (or set Tau for soft updates)", c.TargetUpdateEvery)
	case !(c.EpsilonStart >= 0 && c.EpsilonStart <= 1) || !(c.EpsilonEnd >= 0 && c.EpsilonEnd <= 1):
		return fmt.Errorf("dqn: EpsilonStart %v and EpsilonEnd %v must be probabilities in [0, 1]", c.EpsilonStart, c.EpsilonEnd)
	case c.EpsilonDecaySteps < 0:
		return fmt.Errorf("dqn: EpsilonDecaySteps is %d, expected 0 (no decay) or more", c.EpsilonDecaySteps)
	case c.EpsilonSchedule != Linear && c.EpsilonSchedule != Exponential:
		return fmt.Errorf("dqn: EpsilonSchedule is %d, expected Linear or Exponential", int(c.EpsilonSchedule))
	case c.EpsilonSchedule == Exponential && (c.EpsilonStart == 0 || c.EpsilonEnd == 0):
		return fmt.Errorf("dqn: the exponential schedule needs positive EpsilonStart and EpsilonEnd, got %v and %v", c.EpsilonStart, c.EpsilonEnd)
	case c.Envs < 1:
		return fmt.Errorf("dqn: Envs is %d, expected at least 1", c.Envs)
	case c.Episodes < 1:
		return fmt.Errorf("dqn: Episodes is %d, expected at least 1", c.Episodes)
	case c.EpisodeTicks < 1:
		return fmt.Errorf("dqn: EpisodeTicks is %d, expected at least 1", c.EpisodeTicks)
	}
	return nil
}

// Epsilon returns the exploration probability after steps environment steps.
func (c Config) Epsilon(steps int64) float64 {
	if steps <= 0 {
		return c.EpsilonStart
	}
	if c.EpsilonDecaySteps == 0 || steps >= int64(c.EpsilonDecaySteps) {
		return c.EpsilonEnd
	}
	frac := float64(steps) / float64(c.EpsilonDecaySteps)
	if c.EpsilonSchedule == Exponential {
		return c.EpsilonStart * math.Pow(c.EpsilonEnd/c.EpsilonStart, frac)
	}
	return c.EpsilonStart + (c.EpsilonEnd-c.EpsilonStart)*frac
}
