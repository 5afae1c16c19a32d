package qnet

import (
	"errors"
	"fmt"
	"math"

	"github.com/deepq-go/deepq/kernels"
)

// ErrNonFinite is wrapped by the error TrainOnBatch and TrainOnActions
// return when the loss or the gradient is NaN or infinite. The weights and
// the optimizer state are left as they were before the call.
var ErrNonFinite = errors.New("non-finite loss or gradient")

// TrainOnBatch runs one optimizer step on batch observations: forward with
// dropout, the loss against targets (Actions values per observation, every
// Q-value counts), backward, gradient clipping and an Adam update. It
// returns the mean loss over the batch before the update.
func (n *Network) TrainOnBatch(obs, targets []float32, batch int) (float32, error) {
	if err := n.checkBatch(obs, batch); err != nil {
		return 0, err
	}
	if len(targets) != batch*n.arch.Actions {
		return 0, fmt.Errorf("qnet: targets hold %d values; %d observations need %d (x %d actions)",
			len(targets), batch, batch*n.arch.Actions, n.arch.Actions)
	}
	if err := checkFinite("target", targets, n.arch.Actions); err != nil {
		return 0, err
	}
	return n.trainStep(obs, targets, nil, batch, float64(batch*n.arch.Actions))
}

// TrainOnActions is TrainOnBatch for Q-learning: each observation has one
// target, for the action taken, and the loss counts only that action's
// Q-value, so the caller need not predict and copy the other Q-values.
// It returns the mean loss over the batch.
func (n *Network) TrainOnActions(obs []float32, actions []int, targets []float32, batch int) (float32, error) {
	if err := n.checkBatch(obs, batch); err != nil {
		return 0, err
	}
	if len(actions) != batch || len(targets) != batch {
		return 0, fmt.Errorf("qnet: %d actions and %d targets for %d observations; want one of each per observation",
			len(actions), len(targets), batch)
	}
	for i, a := range actions {
		if a < 0 || a >= n.arch.Actions {
			return 0, fmt.Errorf("qnet: action %d of sample %d is outside 0..%d", a, i, n.arch.Actions-1)
		}
	}
	if err := checkFinite("target", targets, 1); err != nil {
		return 0, err
	}
	return n.trainStep(obs, targets, actions, batch, float64(batch))
}

// trainStep accumulates gradients over micro-batches, then clips and applies
// one Adam update. count is the number of loss terms in the batch.
func (n *Network) trainStep(obs, targets []float32, actions []int, batch int, count float64) (float32, error) {
	rngBefore := *n.rngState
	lossSum, err := n.accumulateGradients(obs, targets, actions, batch, count)
	if err != nil {
		return 0, err
	}

	loss := lossSum / count
	norm := math.Sqrt(float64(kernels.SumSquares(n.grads)))
	if math.IsNaN(loss) || math.IsInf(loss, 0) || math.IsNaN(norm) || math.IsInf(norm, 0) {
		*n.rngState = rngBefore
		return float32(loss), fmt.Errorf("qnet: step %d: loss %v, gradient norm %v: %w", n.step+1, loss, norm, ErrNonFinite)
	}
	scale := float32(1)
	if n.cfg.ClipNorm > 0 && norm > float64(n.cfg.ClipNorm) {
		scale = float32(float64(n.cfg.ClipNorm) / norm)
	}
	n.step++
	t := float64(n.step)
	alpha := n.cfg.LearningRate * math.Sqrt(1-math.Pow(n.cfg.Beta2, t)) / (1 - math.Pow(n.cfg.Beta1, t))
	kernels.Adam(n.params, n.grads, n.m, n.v, float32(alpha), float32(n.cfg.Beta1), float32(n.cfg.Beta2), float32(n.cfg.Epsilon), scale)
	return float32(loss), nil
}

// GradientNorm returns the global L2 norm of the last training step's
// gradient, before clipping.
func (n *Network) GradientNorm() float32 {
	return float32(math.Sqrt(float64(kernels.SumSquares(n.grads))))
}

// accumulateGradients sets n.grads to the gradient of the batch loss,
// running forward and backward over micro-batches that fit the memory
// budget. It returns the sum of the loss terms.
func (n *Network) accumulateGradients(obs, targets []float32, actions []int, batch int, count float64) (float64, error) {
	micro, err := n.microBatch(batch)
	if err != nil {
		return 0, err
	}
	size, a := n.ObservationSize(), n.arch.Actions
	p := n.train
	p.ar.Reserve(n.workspaceFloats(micro))
	clear(n.grads)

	var lossSum float64
	for off := 0; off < batch; off += micro {
		m := min(micro, batch-off)
		p.ar.Reset()
		q := forward(n.layers, p, obs[off*size:(off+m)*size], m, true)
		dq := p.ar.AllocNoZero(m * a)
		if actions == nil {
			lossSum += lossAndGrad(n.cfg.Loss, n.cfg.HuberDelta, dq, q, targets[off*a:(off+m)*a], nil, a, m, count)
		} else {
			lossSum += lossAndGrad(n.cfg.Loss, n.cfg.HuberDelta, dq, q, targets[off:off+m], actions[off:off+m], a, m, count)
		}
		dy := dq
		for i := len(n.layers) - 1; i >= 0; i-- {
			dy = n.layers[i].backward(p, i, dy, i > 0)
		}
	}
	return lossSum, nil
}
