package qnet

import (
	"fmt"
	"math"
)

// Loss selects the training loss.
type Loss int

const (
	MSE   Loss = iota // mean squared error
	Huber             // Huber loss with Config.HuberDelta; quadratic within delta, linear beyond
)

// String returns "mse" or "huber".
func (l Loss) String() string {
	switch l {
	case MSE:
		return "mse"
	case Huber:
		return "huber"
	}
	return fmt.Sprintf("Loss(%d)", int(l))
}

// ParseLoss returns the Loss named "mse" or "huber".
func ParseLoss(s string) (Loss, error) {
	switch s {
	case "mse":
		return MSE, nil
	case "huber":
		return Huber, nil
	}
	return 0, fmt.Errorf("qnet: unknown loss %q; want mse or huber", s)
}

// Config sets the shape, optimizer and guards of a Q-network.
type Config struct {
	Window   int // timesteps per observation
	Features int // values per timestep
	Actions  int // Q-values per observation

	LSTMUnits  []int // LSTM network: hidden units per LSTM layer; the last returns its final step only
	DenseUnits []int // hidden ReLU layers after the LSTMs, or of the whole Dense network

	Dropout float32 // inverted dropout rate after each LSTM layer, in [0, 1); training only

	LearningRate float64 // Adam step size
	Beta1, Beta2 float64 // Adam moment decay rates
	Epsilon      float64 // Adam denominator term, added after the square root as Keras does

	Loss       Loss
	HuberDelta float32 // error size at which Huber loss turns from quadratic to linear

	// ClipNorm rescales the gradient when its global L2 norm exceeds it;
	// 0 disables clipping.
	ClipNorm float32

	// MemoryBudget caps the workspace bytes of one training forward and
	// backward pass. A batch that needs more is split into micro-batches whose
	// gradients are accumulated, so the update equals the full-batch update
	// up to float32 rounding. 0 means no cap.
	MemoryBudget int64

	Seed uint64 // seeds initial weights and dropout masks
}

// DefaultConfig returns the default LSTM Q-network settings: window 30 of 5
// features, three actions, LSTM(64) -> LSTM(32) -> Dense(64), dropout 0.2,
// MSE, Adam with lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7 and gradient
// clipping at global norm 1.
func DefaultConfig() Config {
	return Config{
		Window:       30,
		Features:     5,
		Actions:      3,
		LSTMUnits:    []int{64, 32},
		DenseUnits:   []int{64},
		Dropout:      0.2,
		LearningRate: 1e-3,
		Beta1:        0.9,
		Beta2:        0.999,
		Epsilon:      1e-7,
		Loss:         MSE,
		HuberDelta:   1,
		ClipNorm:     1,
		Seed:         1,
	}
}

// DefaultDenseUnits are the hidden layers of the earlier Dense Q-network:
// Dense(64) -> Dense(32) -> Dense(8), all ReLU.
var DefaultDenseUnits = []int{64, 32, 8}

// ObservationSize returns Window*Features.
func (c Config) ObservationSize() int { return c.Window * c.Features }

// validateTraining checks the settings that every network shares.
func (c Config) validateTraining() error {
	switch {
	case c.Window <= 0:
		return fmt.Errorf("qnet: window %d must be positive", c.Window)
	case c.Features <= 0:
		return fmt.Errorf("qnet: features %d must be positive", c.Features)
	case c.Actions <= 0:
		return fmt.Errorf("qnet: actions %d must be positive", c.Actions)
	case !(c.Dropout >= 0 && c.Dropout < 1):
		return fmt.Errorf("qnet: dropout %v is outside [0, 1)", c.Dropout)
	case !(c.LearningRate > 0) || math.IsInf(c.LearningRate, 0):
		return fmt.Errorf("qnet: learning rate %v must be positive and finite", c.LearningRate)
	case !(c.Beta1 >= 0 && c.Beta1 < 1) || !(c.Beta2 >= 0 && c.Beta2 < 1):
		return fmt.Errorf("qnet: Adam betas %v and %v must be in [0, 1)", c.Beta1, c.Beta2)
	case !(c.Epsilon > 0):
		return fmt.Errorf("qnet: Adam epsilon %v must be positive", c.Epsilon)
	case c.Loss != MSE && c.Loss != Huber:
		return fmt.Errorf("qnet: unknown loss %d; want MSE or Huber", int(c.Loss))
	case c.Loss == Huber && !(c.HuberDelta > 0):
		return fmt.Errorf("qnet: Huber delta %v must be positive", c.HuberDelta)
	case !(c.ClipNorm >= 0):
		return fmt.Errorf("qnet: clip norm %v must be 0 (off) or positive", c.ClipNorm)
	case c.MemoryBudget < 0:
		return fmt.Errorf("qnet: memory budget %d bytes must be 0 (no cap) or positive", c.MemoryBudget)
	}
	for _, u := range c.DenseUnits {
		if u <= 0 {
			return fmt.Errorf("qnet: dense units %v must all be positive", c.DenseUnits)
		}
	}
	return nil
}

// MarshalText encodes the loss by name, so files and flags read "mse" or
// "huber".
func (l Loss) MarshalText() ([]byte, error) {
	if l != MSE && l != Huber {
		return nil, fmt.Errorf("qnet: unknown loss %d", int(l))
	}
	return []byte(l.String()), nil
}

// UnmarshalText decodes a loss name written by MarshalText.
func (l *Loss) UnmarshalText(b []byte) error {
	v, err := ParseLoss(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}
