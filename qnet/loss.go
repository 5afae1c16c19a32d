package qnet

import "math"

// lossAndGrad computes the loss terms of m samples and writes dLoss/dQ to
// dq. q and dq hold m rows of `actions` Q-values. With actionIdx nil,
// targets has a full row per sample and every Q-value counts. Otherwise
// targets has one value per sample and only the taken action's Q-value
// counts.
// Gradients are divided by count, the number of terms in the whole batch,
// so micro-batches add up to the full-batch gradient. It returns the sum of
// the m samples' loss terms, not yet divided by count.
func lossAndGrad(kind Loss, delta float32, dq, q, targets []float32, actionIdx []int, actions, m int, count float64) float64 {
	var sum float64
	term := func(i int, e float32) {
		switch kind {
		case Huber:
			a := math.Abs(float64(e))
			if a <= float64(delta) {
				sum += 0.5 * a * a
			} else {
				sum += float64(delta) * (a - 0.5*float64(delta))
			}
			dq[i] = float32(float64(min(max(e, -delta), delta)) / count)
		default:
			sum += float64(e) * float64(e)
			dq[i] = float32(2 * float64(e) / count)
		}
	}
	if actionIdx == nil {
		for i := 0; i < m*actions; i++ {
			term(i, q[i]-targets[i])
		}
		return sum
	}
	clear(dq[:m*actions])
	for s := 0; s < m; s++ {
		i := s*actions + actionIdx[s]
		term(i, q[i]-targets[s])
	}
	return sum
}
