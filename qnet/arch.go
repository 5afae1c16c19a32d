package qnet

import (
	"fmt"
	"slices"
	"strings"
)

// Model names as they appear in Architecture.Model and in model files.
const (
	ModelLSTM  = "lstm"
	ModelDense = "dense"
)

// Layer kinds as they appear in LayerSpec.Kind.
const (
	KindReshape = "reshape"
	KindLSTM    = "lstm"
	KindDropout = "dropout"
	KindDense   = "dense"
)

// LayerSpec describes one layer of a network. Sizes are per sample.
type LayerSpec struct {
	Kind            string  `json:"kind"`
	In              int     `json:"in,omitempty"`               // input values per sample, or per timestep for lstm
	Units           int     `json:"units,omitempty"`            // output values per sample, or hidden units for lstm
	Steps           int     `json:"steps,omitempty"`            // reshape and lstm: timesteps
	ReturnSequences bool    `json:"return_sequences,omitempty"` // lstm: output every step
	Activation      string  `json:"activation,omitempty"`       // dense: "linear" or "relu"
	Rate            float32 `json:"rate,omitempty"`             // dropout: drop probability
}

// Architecture is a network's structure as data: what a model file stores
// and what LoadFor compares against the caller's expectation.
type Architecture struct {
	Model    string      `json:"model"` // ModelLSTM or ModelDense
	Window   int         `json:"window"`
	Features int         `json:"features"`
	Actions  int         `json:"actions"`
	Layers   []LayerSpec `json:"layers"`
}

// Equal reports whether a and b describe the same network.
func (a Architecture) Equal(b Architecture) bool {
	return a.Model == b.Model && a.Window == b.Window && a.Features == b.Features &&
		a.Actions == b.Actions && slices.Equal(a.Layers, b.Layers)
}

// String summarises the layer stack, for example
// "lstm: reshape(30x5) -> lstm(64, seq) -> dropout(0.2) -> ... -> dense(3, linear)".
func (a Architecture) String() string {
	parts := make([]string, len(a.Layers))
	for i, l := range a.Layers {
		switch l.Kind {
		case KindReshape:
			parts[i] = fmt.Sprintf("reshape(%dx%d)", l.Steps, l.Units)
		case KindLSTM:
			mode := "last"
			if l.ReturnSequences {
				mode = "seq"
			}
			parts[i] = fmt.Sprintf("lstm(%d, %s)", l.Units, mode)
		case KindDropout:
			parts[i] = fmt.Sprintf("dropout(%g)", l.Rate)
		case KindDense:
			parts[i] = fmt.Sprintf("dense(%d, %s)", l.Units, l.Activation)
		default:
			parts[i] = l.Kind
		}
	}
	return a.Model + ": " + strings.Join(parts, " -> ")
}

// lstmArchitecture returns the LSTM Q-network of cfg: reshape to
// (Window, Features), the LSTM layers each followed by dropout, the hidden
// ReLU layers, and a linear output of Actions.
func lstmArchitecture(cfg Config) (Architecture, error) {
	if len(cfg.LSTMUnits) == 0 {
		return Architecture{}, fmt.Errorf("qnet: the LSTM network needs at least one LSTM layer; LSTMUnits is empty")
	}
	a := Architecture{Model: ModelLSTM, Window: cfg.Window, Features: cfg.Features, Actions: cfg.Actions}
	a.Layers = append(a.Layers, LayerSpec{Kind: KindReshape, In: cfg.ObservationSize(), Units: cfg.Features, Steps: cfg.Window})
	in := cfg.Features
	for i, u := range cfg.LSTMUnits {
		if u <= 0 {
			return Architecture{}, fmt.Errorf("qnet: LSTM units %v must all be positive", cfg.LSTMUnits)
		}
		last := i == len(cfg.LSTMUnits)-1
		a.Layers = append(a.Layers,
			LayerSpec{Kind: KindLSTM, In: in, Units: u, Steps: cfg.Window, ReturnSequences: !last},
			LayerSpec{Kind: KindDropout, In: u, Units: u, Rate: cfg.Dropout})
		in = u
	}
	a.Layers = appendDense(a.Layers, in, cfg.DenseUnits, cfg.Actions)
	return a, nil
}

// denseArchitecture returns the earlier Dense Q-network of cfg: the flat
// observation through the hidden ReLU layers to a linear output.
func denseArchitecture(cfg Config) Architecture {
	a := Architecture{Model: ModelDense, Window: cfg.Window, Features: cfg.Features, Actions: cfg.Actions}
	a.Layers = appendDense(nil, cfg.ObservationSize(), cfg.DenseUnits, cfg.Actions)
	return a
}

func appendDense(layers []LayerSpec, in int, hidden []int, actions int) []LayerSpec {
	for _, u := range hidden {
		layers = append(layers, LayerSpec{Kind: KindDense, In: in, Units: u, Activation: "relu"})
		in = u
	}
	return append(layers, LayerSpec{Kind: KindDense, In: in, Units: actions, Activation: "linear"})
}

// validate checks that the layers chain: each layer's input matches the
// previous output, the first takes Window*Features values and the last
// gives Actions. Model files are untrusted, so every size is checked here.
func (a Architecture) validate() error {
	if a.Model != ModelLSTM && a.Model != ModelDense {
		return fmt.Errorf("model %q is unknown; want %q or %q", a.Model, ModelLSTM, ModelDense)
	}
	const maxSize = 1 << 16
	for _, v := range []int{a.Window, a.Features, a.Actions} {
		if v <= 0 || v > maxSize {
			return fmt.Errorf("window %d, features %d and actions %d must be in 1..%d", a.Window, a.Features, a.Actions, maxSize)
		}
	}
	if len(a.Layers) == 0 || len(a.Layers) > 64 {
		return fmt.Errorf("%d layers; want 1..64", len(a.Layers))
	}
	width := a.Window * a.Features // values per sample flowing between layers
	steps := 0                     // timesteps when the flow is a sequence
	for i, l := range a.Layers {
		if l.In <= 0 || l.In > maxSize || l.Units <= 0 || l.Units > maxSize {
			return fmt.Errorf("layer %d (%s): sizes in %d, units %d must be in 1..%d", i, l.Kind, l.In, l.Units, maxSize)
		}
		perStep := width
		if steps > 0 {
			perStep = width / steps
		}
		switch l.Kind {
		case KindReshape:
			if i != 0 || l.Steps != a.Window || l.Units != a.Features || l.In != width {
				return fmt.Errorf("layer %d: reshape must come first and map %d values to %d steps x %d features", i, width, a.Window, a.Features)
			}
			steps = l.Steps
		case KindLSTM:
			if steps == 0 || l.Steps != steps || l.In != perStep {
				return fmt.Errorf("layer %d: lstm expects %d steps of %d inputs but receives %d values per sample", i, l.Steps, l.In, width)
			}
			width = l.Units
			if l.ReturnSequences {
				width *= steps
			} else {
				steps = 0
			}
		case KindDropout:
			if !(l.Rate >= 0 && l.Rate < 1) || l.In != perStep || l.Units != l.In {
				return fmt.Errorf("layer %d: dropout rate %v must be in [0, 1) with in = units = %d", i, l.Rate, perStep)
			}
		case KindDense:
			if steps > 0 || l.In != width {
				return fmt.Errorf("layer %d: dense expects %d inputs but receives %d values per sample", i, l.In, width)
			}
			if l.Activation != "linear" && l.Activation != "relu" {
				return fmt.Errorf("layer %d: dense activation %q is unknown; want linear or relu", i, l.Activation)
			}
			width = l.Units
		default:
			return fmt.Errorf("layer %d: kind %q is unknown", i, l.Kind)
		}
	}
	if steps > 0 || width != a.Actions {
		return fmt.Errorf("the last layer gives %d values per sample; want %d Q-values", width, a.Actions)
	}
	if (a.Model == ModelLSTM) != (a.Layers[0].Kind == KindReshape) {
		return fmt.Errorf("model %q does not match its first layer %q", a.Model, a.Layers[0].Kind)
	}
	return nil
}
