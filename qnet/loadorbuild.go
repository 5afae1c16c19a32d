package qnet

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
)

// LoadFor loads the model file at path like Load and also checks that the
// network fits what the caller feeds it: the same window, features and
// actions as cfg. The error lists every mismatch.
func LoadFor(path string, cfg Config) (*Network, error) {
	n, err := Load(path)
	if err != nil {
		return nil, err
	}
	if err := n.checkShape(cfg); err != nil {
		return nil, fmt.Errorf("qnet: load %s: %w", path, err)
	}
	return n, nil
}

// ErrMismatch is wrapped by LoadFor's error when the file is a valid model
// of another shape.
var ErrMismatch = errors.New("model does not match the expected shape")

func (n *Network) checkShape(cfg Config) error {
	var diffs []error
	if n.arch.Window != cfg.Window {
		diffs = append(diffs, fmt.Errorf("window is %d, expected %d", n.arch.Window, cfg.Window))
	}
	if n.arch.Features != cfg.Features {
		diffs = append(diffs, fmt.Errorf("features per step are %d, expected %d", n.arch.Features, cfg.Features))
	}
	if n.arch.Actions != cfg.Actions {
		diffs = append(diffs, fmt.Errorf("actions are %d, expected %d", n.arch.Actions, cfg.Actions))
	}
	if diffs == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrMismatch, errors.Join(diffs...))
}

// OnUnusable selects what LoadOrBuild does with a file that exists but cannot
// be read or does not match.
type OnUnusable int

const (
	// Strict returns the error; nothing is built. It is the default.
	Strict OnUnusable = iota
	// Rebuild builds a new LSTM network, logs a warning with the reason and
	// leaves the file untouched.
	Rebuild
)

// LoadOrBuild returns the network saved at path when the file exists and
// matches cfg's window, features and actions. When no file exists it builds
// a new LSTM network from cfg. When the file exists but cannot be used, it
// returns the error under Strict and builds a new LSTM network under
// Rebuild. The file itself is never modified. It logs to logger what it did
// and why; a nil logger logs nothing.
func LoadOrBuild(path string, cfg Config, logger *slog.Logger, onUnusable OnUnusable) (*Network, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	_, statErr := os.Stat(path)
	if errors.Is(statErr, fs.ErrNotExist) {
		logger.Info("no model file; building a new LSTM network", "path", path)
		return BuildLSTM(cfg)
	}

	n, err := LoadFor(path, cfg)
	if err == nil {
		logger.Info("loaded model", "path", path, "model", n.arch.Model, "params", n.NumParams(), "steps", n.step)
		return n, nil
	}
	if onUnusable != Rebuild {
		return nil, err
	}
	logger.Warn("model file is unusable; building a new LSTM network and leaving the file untouched", "path", path, "reason", err)
	return BuildLSTM(cfg)
}
