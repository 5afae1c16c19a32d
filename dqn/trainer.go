package dqn

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/deepq-go/deepq/env"
	"github.com/deepq-go/deepq/qnet"
)

// Options configures a Trainer.
type Options struct {
	// Config holds the agent and loop settings.
	Config Config
	// Env sets the observation window, the trading cost and the cap on
	// environment episodes. Env.Window must match the network's window.
	Env env.Config
	// Normalizer maps features. When nil, NewTrainer fits one on the
	// training series.
	Normalizer *env.Normalizer
	// Test, when set, is backtested greedily (epsilon 0) after every
	// episode, and its metrics go into EpisodeStats.Test.
	Test *env.Series
	// CheckpointDir, when set, receives a checkpoint after every episode;
	// see Trainer.Run.
	CheckpointDir string
	// Progress, when set, is called after every tick and after every
	// episode. It runs on the training goroutine, so it should return quickly.
	Progress func(Progress)
}

// Progress reports the state of a run to Options.Progress.
type Progress struct {
	Episode    int   // current episode, from 1
	Episodes   int   // episodes of the whole run
	Tick       int   // ticks done in the current episode
	Ticks      int   // ticks per episode
	EnvSteps   int64 // environment steps so far, over all environments
	TotalSteps int64 // environment steps of the whole run
	TrainSteps int64 // training steps so far
	Epsilon    float64
	// Loss is the mean training loss of the current episode so far, 0
	// before its first training step.
	Loss float64
	// StepsPerSecond is the environment steps per second of wall time
	// since Run started.
	StepsPerSecond float64
	// Remaining estimates the time left from the step rate since the first
	// training step of this Run, or since Run started before training.
	Remaining time.Duration
	// Stats is set only in the call that ends an episode.
	Stats *EpisodeStats
}

// EpisodeStats summarises one training episode.
type EpisodeStats struct {
	Episode    int     `json:"episode"`     // from 1
	EnvSteps   int64   `json:"env_steps"`   // environment steps at the end of the episode
	TrainSteps int64   `json:"train_steps"` // training steps at the end of the episode
	Epsilon    float64 `json:"epsilon"`     // exploration probability at the end of the episode
	// MeanLoss is the mean loss of the episode's training steps, 0 when it
	// had none.
	MeanLoss float64 `json:"mean_loss"`
	// Return is the mean over environments of the summed rewards of the
	// episode, a log return net of costs.
	Return float64 `json:"return"`
	// Test holds the greedy backtest of Options.Test after the episode.
	Test    *env.Metrics `json:"test,omitempty"`
	Seconds float64      `json:"seconds"` // wall time of the episode
}

// Trainer trains an Agent over a training series with a vector of
// environments. Episode e (from 1) starts Config.Envs environments at
// random bars drawn from a generator seeded with Config.Seed and e, and
// runs Config.EpisodeTicks ticks. In each tick one Act call chooses every
// environment's action, the environments step, and Record stores the
// transitions and trains.
type Trainer struct {
	opts    Options
	cfg     Config
	train   *env.Series
	norm    *env.Normalizer
	agent   *Agent
	episode int // episodes completed
	history []EpisodeStats
	saved   *checkpointState // the latest checkpoint written or resumed from

	// trainingSince and trainingFrom are the wall time and the step count
	// at the first training step of this Run, for the time estimate.
	trainingSince time.Time
	trainingFrom  int64
	savedDir      string // directory that holds saved
}

// NewTrainer returns a trainer that trains net on the training series.
func NewTrainer(net *qnet.Network, train *env.Series, opts Options) (*Trainer, error) {
	if err := opts.Config.Validate(); err != nil {
		return nil, err
	}
	norm := opts.Normalizer
	if norm == nil {
		var err error
		if norm, err = env.FitNormalizer(train); err != nil {
			return nil, fmt.Errorf("dqn: fit normaliser: %w", err)
		}
	}
	return newTrainer(net, train, norm, opts)
}

func newTrainer(net *qnet.Network, train *env.Series, norm *env.Normalizer, opts Options) (*Trainer, error) {
	if net == nil {
		return nil, errors.New("dqn: NewTrainer: network is nil")
	}
	if train.Len() < opts.Env.Window+1 {
		return nil, fmt.Errorf("dqn: training series %q has %d bars, need at least Window+1 = %d", train.Name, train.Len(), opts.Env.Window+1)
	}
	observer, err := NewObserver(train, norm, opts.Env)
	if err != nil {
		return nil, err
	}
	if opts.Test != nil && opts.Test.Len() < opts.Env.Window+1 {
		return nil, fmt.Errorf("dqn: test series %q has %d bars, need at least Window+1 = %d", opts.Test.Name, opts.Test.Len(), opts.Env.Window+1)
	}
	agent, err := NewAgent(net, observer, opts.Config)
	if err != nil {
		return nil, err
	}
	return &Trainer{opts: opts, cfg: opts.Config, train: train, norm: norm, agent: agent}, nil
}

// Agent returns the agent being trained.
func (t *Trainer) Agent() *Agent { return t.agent }

// Network returns the online network.
func (t *Trainer) Network() *qnet.Network { return t.agent.online }

// Normalizer returns the normaliser the environments use.
func (t *Trainer) Normalizer() *env.Normalizer { return t.norm }

// Config returns the agent and loop settings.
func (t *Trainer) Config() Config { return t.cfg }

// EnvConfig returns the environment settings.
func (t *Trainer) EnvConfig() env.Config { return t.opts.Env }

// Episode returns the number of episodes completed.
func (t *Trainer) Episode() int { return t.episode }

// History returns the statistics of the completed episodes.
func (t *Trainer) History() []EpisodeStats { return append([]EpisodeStats(nil), t.history...) }

// Run trains until Config.Episodes episodes are complete, continuing from
// the last completed one. With Options.CheckpointDir set, it writes a
// checkpoint after every episode that Resume continues from.
//
// A training step with a non-finite loss or gradient stops the run with an
// error wrapping qnet.ErrNonFinite. The episode in progress is abandoned
// and no checkpoint is written for it, so the directory keeps the last
// good episode. A cancelled ctx stops the run between ticks with ctx.Err().
func (t *Trainer) Run(ctx context.Context) error {
	started := time.Now()
	startSteps := t.agent.envSteps
	for t.episode < t.cfg.Episodes {
		stats, err := t.runEpisode(ctx, started, startSteps)
		if err != nil {
			if errors.Is(err, qnet.ErrNonFinite) {
				kept := "no checkpoint has been written"
				if t.saved != nil {
					kept = fmt.Sprintf("the checkpoint of episode %d is kept", t.saved.Episode)
				}
				return fmt.Errorf("dqn: episode %d stopped early and %s: %w", t.episode+1, kept, err)
			}
			return err
		}
		t.episode++
		t.history = append(t.history, stats)
		if t.opts.CheckpointDir != "" {
			if err := t.saveCheckpoint(t.opts.CheckpointDir); err != nil {
				return err
			}
		}
		if t.opts.Progress != nil {
			p := t.progress(started, startSteps, t.cfg.EpisodeTicks, stats.MeanLoss)
			p.Episode = stats.Episode
			p.Stats = &stats
			t.opts.Progress(p)
		}
	}
	return nil
}

// episodeStream separates the environment generators from other PCG streams.
const episodeStream = 0x657069736f6465

// runEpisode runs episode t.episode+1 and returns its statistics.
func (t *Trainer) runEpisode(ctx context.Context, started time.Time, startSteps int64) (EpisodeStats, error) {
	episodeStart := time.Now()
	n := t.cfg.Envs
	rng := rand.New(rand.NewPCG(t.cfg.Seed, episodeStream+uint64(t.episode+1)))
	vec, err := env.NewVecEnv(t.train, t.norm, t.opts.Env, n, rng)
	if err != nil {
		return EpisodeStats{}, err
	}
	size := t.opts.Env.ObservationSize()
	obs := make([]float32, n*size)
	actions := make([]int, n)
	rewards := make([]float32, n)
	dones := make([]bool, n)
	transitions := make([]Transition, n)

	var rewardSum, lossSum float64
	var losses int
	for tick := range t.cfg.EpisodeTicks {
		if err := ctx.Err(); err != nil {
			return EpisodeStats{}, err
		}
		if err := vec.ObserveAll(obs); err != nil {
			return EpisodeStats{}, err
		}
		if err := t.agent.Act(actions, obs, n); err != nil {
			return EpisodeStats{}, err
		}
		for i := range n {
			transitions[i] = Transition{Index: int32(vec.Index(i)), Position: int8(vec.Position(i)), Action: int8(actions[i])}
		}
		if err := vec.Step(actions, rewards, dones); err != nil {
			return EpisodeStats{}, err
		}
		for i := range n {
			tr := &transitions[i]
			tr.Reward, tr.Done = rewards[i], dones[i]
			tr.NextPosition = int8(nextPosition(int(tr.Position), actions[i]))
			rewardSum += float64(rewards[i])
		}
		before := t.agent.lossSum
		trained, err := t.agent.Record(transitions)
		lossSum += t.agent.lossSum - before
		losses += trained
		if err != nil {
			return EpisodeStats{}, err
		}
		if t.opts.Progress != nil {
			t.opts.Progress(t.progress(started, startSteps, tick+1, mean(lossSum, losses)))
		}
	}

	stats := EpisodeStats{
		Episode:    t.episode + 1,
		EnvSteps:   t.agent.envSteps,
		TrainSteps: t.agent.trainSteps,
		Epsilon:    t.agent.Epsilon(),
		MeanLoss:   mean(lossSum, losses),
		Return:     rewardSum / float64(n),
	}
	if t.opts.Test != nil {
		res, err := Evaluate(t.agent.online, t.opts.Test, t.norm, t.opts.Env)
		if err != nil {
			return EpisodeStats{}, fmt.Errorf("dqn: evaluate episode %d: %w", stats.Episode, err)
		}
		stats.Test = &res.Metrics
	}
	stats.Seconds = time.Since(episodeStart).Seconds()
	return stats, nil
}

func (t *Trainer) progress(started time.Time, startSteps int64, tick int, loss float64) Progress {
	p := Progress{
		Episode:    t.episode + 1,
		Episodes:   t.cfg.Episodes,
		Tick:       tick,
		Ticks:      t.cfg.EpisodeTicks,
		EnvSteps:   t.agent.envSteps,
		TotalSteps: t.cfg.TotalSteps(),
		TrainSteps: t.agent.trainSteps,
		Epsilon:    t.agent.Epsilon(),
		Loss:       loss,
	}
	if elapsed := time.Since(started).Seconds(); elapsed > 0 {
		p.StepsPerSecond = float64(p.EnvSteps-startSteps) / elapsed
	}
	// Steps after the warm-up are slower because they train, so once
	// training has begun the estimate uses only the rate since then.
	rate := p.StepsPerSecond
	if t.trainingSince.IsZero() && t.agent.trainSteps > 0 {
		t.trainingSince, t.trainingFrom = time.Now(), t.agent.envSteps
	} else if !t.trainingSince.IsZero() && t.agent.envSteps > t.trainingFrom {
		rate = float64(t.agent.envSteps-t.trainingFrom) / time.Since(t.trainingSince).Seconds()
	}
	if rate > 0 {
		left := float64(max(p.TotalSteps-p.EnvSteps, 0)) / rate
		p.Remaining = time.Duration(left * float64(time.Second))
	}
	return p
}

func mean(sum float64, n int) float64 {
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// Evaluate backtests net greedily (epsilon 0) over the whole series s, from
// its first full window to its last bar.
func Evaluate(net *qnet.Network, s *env.Series, norm *env.Normalizer, cfg env.Config) (*env.BacktestResult, error) {
	if net == nil {
		return nil, errors.New("dqn: Evaluate: network is nil")
	}
	if net.ObservationSize() != cfg.ObservationSize() {
		return nil, fmt.Errorf("dqn: Evaluate: network expects observations of %d values, the environment gives %d (window %d x %d features)",
			net.ObservationSize(), cfg.ObservationSize(), cfg.Window, cfg.Features)
	}
	q := make([]float32, net.Actions())
	return env.Backtest(s, norm, cfg, func(obs []float32) (int, error) {
		if err := net.PredictInto(q, obs); err != nil {
			return 0, err
		}
		return argmax(q), nil
	})
}
