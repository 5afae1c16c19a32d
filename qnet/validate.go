package qnet

import (
	"fmt"
	"math"
)

// checkBatch validates a batch of n flat observations.
func (n *Network) checkBatch(obs []float32, batch int) error {
	size := n.ObservationSize()
	if batch <= 0 {
		return fmt.Errorf("qnet: batch of %d observations; want at least 1", batch)
	}
	if len(obs) != batch*size {
		if batch == 1 {
			return fmt.Errorf("qnet: observation has %d values; the network expects %d (window %d x features %d)",
				len(obs), size, n.arch.Window, n.arch.Features)
		}
		return fmt.Errorf("qnet: batch of %d observations has %d values; the network expects %d (%d x window %d x features %d)",
			batch, len(obs), batch*size, batch, n.arch.Window, n.arch.Features)
	}
	return checkFinite("observation", obs, size)
}

// checkFinite returns an error naming the first NaN or Inf in values, which
// hold consecutive records of width values each.
func checkFinite(what string, values []float32, width int) error {
	for i, v := range values {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			if width <= 1 {
				return fmt.Errorf("qnet: %s %d is %v; values must be finite", what, i, v)
			}
			return fmt.Errorf("qnet: %s %d, value %d is %v; values must be finite", what, i/width, i%width, v)
		}
	}
	return nil
}

// checkDst validates the destination of n observations' Q-values.
func (n *Network) checkDst(dst []float32, batch int) error {
	if len(dst) < batch*n.arch.Actions {
		return fmt.Errorf("qnet: destination has room for %d values, but %d observations need %d (%d actions each)",
			len(dst), batch, batch*n.arch.Actions, n.arch.Actions)
	}
	return nil
}
