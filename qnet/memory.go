package qnet

import (
	"fmt"

	"github.com/deepq-go/deepq/tensor"
)

// MemoryStats is the memory a network holds, in bytes.
type MemoryStats struct {
	Params    int64 `json:"params"`    // weights
	Grads     int64 `json:"grads"`     // gradient buffer
	Optimizer int64 `json:"optimizer"` // Adam moments
	Workspace int64 `json:"workspace"` // training and inference activations held now
}

// Total returns the sum of all fields.
func (s MemoryStats) Total() int64 { return s.Params + s.Grads + s.Optimizer + s.Workspace }

// Memory returns the bytes the network holds now.
func (n *Network) Memory() MemoryStats {
	p := int64(4 * len(n.params))
	return MemoryStats{
		Params:    p,
		Grads:     p,
		Optimizer: 2 * p,
		Workspace: int64(n.train.ar.Bytes() + n.infer.ar.Bytes()),
	}
}

// WorkspaceBytes returns the exact bytes of activations and gradients one
// training forward and backward pass over batch observations takes, with
// every buffer rounded up to 64 bytes.
func (n *Network) WorkspaceBytes(batch int) int64 {
	return 4 * int64(n.workspaceFloats(batch))
}

// InferenceBytes returns the bytes of activations one prediction of batch
// observations takes.
func (n *Network) InferenceBytes(batch int) int64 {
	return 4 * int64(n.inferenceFloats(batch))
}

func (n *Network) inferenceFloats(batch int) int {
	total := 0
	for _, l := range n.layers {
		total += l.forwardFloats(batch, false)
	}
	return total
}

func (n *Network) workspaceFloats(batch int) int {
	total := 0
	for i, l := range n.layers {
		total += l.forwardFloats(batch, true) + l.backwardFloats(batch, i > 0)
	}
	return total + tensor.SizeOf(batch*n.arch.Actions) // dLoss/dQ
}

// microBatch returns the largest number of samples, at most batch, whose
// workspace fits the memory budget.
func (n *Network) microBatch(batch int) (int, error) {
	budget := n.cfg.MemoryBudget
	if budget == 0 || n.WorkspaceBytes(batch) <= budget {
		return batch, nil
	}
	if need := n.WorkspaceBytes(1); need > budget {
		return 0, fmt.Errorf("qnet: memory budget of %d bytes is below the %d bytes one sample needs", budget, need)
	}
	lo, hi := 1, batch // WorkspaceBytes(lo) fits, WorkspaceBytes(hi) does not
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if n.WorkspaceBytes(mid) <= budget {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// SetMemoryBudget changes the workspace cap in bytes; 0 removes it.
func (n *Network) SetMemoryBudget(bytes int64) error {
	if bytes < 0 {
		return fmt.Errorf("qnet: memory budget %d bytes must be 0 (no cap) or positive", bytes)
	}
	n.cfg.MemoryBudget = bytes
	return nil
}
