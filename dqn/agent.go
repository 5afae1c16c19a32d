package dqn

import (
	"fmt"
	"math/rand/v2"

	"github.com/deepq-go/deepq/env"
	"github.com/deepq-go/deepq/qnet"
)

// Agent is a Double DQN agent: an online Q-network that acts and trains, a
// target network that evaluates bootstrap actions, a replay buffer and an
// epsilon-greedy exploration generator.
//
// Act chooses actions for a batch of environments. Record stores the
// resulting transitions, advances the environment step count by their
// number and runs the training steps and target updates that fall due in
// those steps, in the order of their step numbers. Neither allocates once
// the buffers for the batch sizes in use exist.
//
// An Agent is not safe for concurrent use.
type Agent struct {
	cfg      Config
	online   *qnet.Network
	target   *qnet.Network
	replay   *Replay
	observer *Observer

	explorePCG *rand.PCG
	explore    *rand.Rand

	envSteps      int64 // environment steps recorded
	trainSteps    int64 // training steps run
	targetUpdates int64 // hard or soft target updates applied
	lastLoss      float32
	lossSum       float64 // sum of the losses of all training steps

	// trainHook, when set by a test, replaces the result of each training
	// step, so tests can inject a non-finite loss.
	trainHook func(loss float32, err error) (float32, error)

	// Buffers reused across calls.
	batch     []Transition
	obs       []float32
	nextObs   []float32
	actions   []int
	targets   []float32
	qNext     []float32 // online Q-values at the next observations
	qNextEval []float32 // target Q-values at the next observations
	greedy    []int     // environments that act greedily this tick
	greedyObs []float32
	greedyQ   []float32
}

// NewAgent returns an agent that trains online and rebuilds observations
// with observer. The target network starts as a clone of online.
func NewAgent(online *qnet.Network, observer *Observer, cfg Config) (*Agent, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if online == nil || observer == nil {
		return nil, fmt.Errorf("dqn: NewAgent: network and observer must not be nil")
	}
	if online.ObservationSize() != observer.Size() {
		return nil, fmt.Errorf("dqn: network expects observations of %d values, the environment gives %d (window %d x %d features)",
			online.ObservationSize(), observer.Size(), observer.window, env.NumFeatures)
	}
	if online.Actions() != env.NumActions {
		return nil, fmt.Errorf("dqn: network has %d actions, the environment has %d", online.Actions(), env.NumActions)
	}
	replay, err := NewReplay(cfg.ReplayCapacity, cfg.Seed^0x7265706c6179)
	if err != nil {
		return nil, err
	}
	size, b := observer.Size(), cfg.BatchSize
	a := &Agent{
		cfg:        cfg,
		online:     online,
		target:     online.Clone(),
		replay:     replay,
		observer:   observer,
		explorePCG: rand.NewPCG(cfg.Seed, 0x6578706c6f7265),
		batch:      make([]Transition, b),
		obs:        make([]float32, b*size),
		nextObs:    make([]float32, b*size),
		actions:    make([]int, b),
		targets:    make([]float32, b),
		qNext:      make([]float32, b*env.NumActions),
		qNextEval:  make([]float32, b*env.NumActions),
	}
	a.explore = rand.New(a.explorePCG)
	return a, nil
}

// Online returns the online network.
func (a *Agent) Online() *qnet.Network { return a.online }

// Target returns the target network.
func (a *Agent) Target() *qnet.Network { return a.target }

// Replay returns the replay buffer.
func (a *Agent) Replay() *Replay { return a.replay }

// EnvSteps returns the environment steps recorded so far.
func (a *Agent) EnvSteps() int64 { return a.envSteps }

// TrainSteps returns the training steps run so far.
func (a *Agent) TrainSteps() int64 { return a.trainSteps }

// TargetUpdates returns the target network updates applied so far.
func (a *Agent) TargetUpdates() int64 { return a.targetUpdates }

// LastLoss returns the loss of the latest training step, 0 before the first.
func (a *Agent) LastLoss() float32 { return a.lastLoss }

// Epsilon returns the exploration probability at the current step count.
func (a *Agent) Epsilon() float64 { return a.cfg.Epsilon(a.envSteps) }

// Act writes an action for each of the n observations in obs into
// actions[:n]. Each environment independently explores with probability
// Epsilon, taking a uniformly random action, and otherwise takes the action
// of the highest online Q-value. The greedy observations go through one
// PredictBatch call, which is skipped when every environment explores.
func (a *Agent) Act(actions []int, obs []float32, n int) error {
	size := a.observer.Size()
	if n < 1 || len(actions) < n || len(obs) != n*size {
		return fmt.Errorf("dqn: Act: %d observations need len(actions) >= %d and len(obs) = %d, got %d and %d",
			n, n, n*size, len(actions), len(obs))
	}
	eps := a.Epsilon()
	a.greedy = a.greedy[:0]
	for i := range n {
		if a.explore.Float64() < eps {
			actions[i] = a.explore.IntN(env.NumActions)
		} else {
			a.greedy = append(a.greedy, i)
		}
	}
	if len(a.greedy) == 0 {
		return nil
	}
	a.greedyObs = grow(a.greedyObs, len(a.greedy)*size)
	a.greedyQ = grow(a.greedyQ, len(a.greedy)*env.NumActions)
	for k, i := range a.greedy {
		copy(a.greedyObs[k*size:(k+1)*size], obs[i*size:(i+1)*size])
	}
	if err := a.online.PredictBatch(a.greedyQ, a.greedyObs, len(a.greedy)); err != nil {
		return fmt.Errorf("dqn: Act: %w", err)
	}
	for k, i := range a.greedy {
		actions[i] = argmax(a.greedyQ[k*env.NumActions : (k+1)*env.NumActions])
	}
	return nil
}

// Record adds transitions to the replay buffer and advances the step count
// by len(transitions). It then walks the step numbers s of the advanced
// range in order. At each multiple of TrainEvery that is at least
// WarmupSteps it runs a training step, provided the buffer holds a batch.
// At each multiple of TargetUpdateEvery it copies the online weights into
// the target network. With Tau > 0 a soft update follows every training
// step instead. It returns the number
// of training steps run, and LastLoss returns the loss of the last one.
//
// An error wrapping qnet.ErrNonFinite means the latest training step had a
// non-finite loss or gradient. qnet leaves the weights as they were, and the
// remaining steps of the range are skipped, but the transitions and the
// step count stay recorded.
func (a *Agent) Record(transitions []Transition) (int, error) {
	for _, t := range transitions {
		a.replay.Add(t)
	}
	from, to := a.envSteps, a.envSteps+int64(len(transitions))
	a.envSteps = to
	trained := 0
	train := int64(a.cfg.TrainEvery)
	update := int64(a.cfg.TargetUpdateEvery)
	nextTrain := (from/train + 1) * train
	nextUpdate := (from/update + 1) * update
	if a.cfg.Tau > 0 {
		nextUpdate = to + 1
	}
	for nextTrain <= to || nextUpdate <= to {
		if nextTrain <= nextUpdate {
			if nextTrain >= int64(a.cfg.WarmupSteps) && a.replay.Len() >= a.cfg.BatchSize {
				if err := a.trainStep(); err != nil {
					return trained, err
				}
				trained++
				if a.cfg.Tau > 0 {
					if err := a.online.SoftUpdateTo(a.target, a.cfg.Tau); err != nil {
						return trained, fmt.Errorf("dqn: soft target update: %w", err)
					}
					a.targetUpdates++
				}
			}
			nextTrain += train
			continue
		}
		if err := a.online.CopyWeightsTo(a.target); err != nil {
			return trained, fmt.Errorf("dqn: target update: %w", err)
		}
		a.targetUpdates++
		nextUpdate += update
	}
	return trained, nil
}

// trainStep samples a batch and runs one optimizer step on its Double DQN
// targets.
func (a *Agent) trainStep() error {
	b := a.cfg.BatchSize
	if err := a.replay.Sample(a.batch); err != nil {
		return err
	}
	if err := a.observer.observeBatch(a.obs, a.nextObs, a.batch); err != nil {
		return err
	}
	if err := a.online.PredictBatch(a.qNext, a.nextObs, b); err != nil {
		return fmt.Errorf("dqn: online Q-values of the next observations: %w", err)
	}
	if err := a.target.PredictBatch(a.qNextEval, a.nextObs, b); err != nil {
		return fmt.Errorf("dqn: target Q-values of the next observations: %w", err)
	}
	for i, t := range a.batch {
		a.actions[i] = int(t.Action)
	}
	doubleDQNTargets(a.targets, a.batch, a.qNext, a.qNextEval, env.NumActions, float32(a.cfg.Gamma))
	loss, err := a.online.TrainOnActions(a.obs, a.actions, a.targets, b)
	if a.trainHook != nil {
		loss, err = a.trainHook(loss, err)
	}
	if err != nil {
		return fmt.Errorf("dqn: training step %d at environment step %d: %w", a.trainSteps+1, a.envSteps, err)
	}
	a.trainSteps++
	a.lastLoss = loss
	a.lossSum += float64(loss)
	return nil
}

// doubleDQNTargets writes the Double DQN target of each transition into
// dst: reward + gamma * Q_target(s', argmax_a Q_online(s', a)), or the
// reward alone when the transition ended its episode. qOnline and qTarget
// hold the Q-values of the next observations, actions per transition.
func doubleDQNTargets(dst []float32, batch []Transition, qOnline, qTarget []float32, actions int, gamma float32) {
	for i, t := range batch {
		dst[i] = t.Reward
		if t.Done {
			continue
		}
		best := argmax(qOnline[i*actions : (i+1)*actions])
		dst[i] += gamma * qTarget[i*actions+best]
	}
}

// argmax returns the index of the largest value, the first one on ties.
func argmax(q []float32) int {
	best := 0
	for i, v := range q {
		if v > q[best] {
			best = i
		}
	}
	return best
}

// grow returns buf resized to n, reallocating only when its capacity is short.
func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}
