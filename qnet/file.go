package qnet

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/deepq-go/deepq/internal/safetensors"
)

// Model files are safetensors files. The metadata holds:
//
//	format          "deepq-qnet"
//	format_version  "1"
//	architecture    the Architecture as JSON
//	config          the Config as JSON (optimizer settings, loss, seed, ...)
//	optimizer       "adam" when the Adam moments are stored, else "none"
//	adam_step       optimizer updates applied so far
//	rng             the dropout generator's state, hex, so training resumes exactly
//	crc32c          CRC-32C of the data section, added by the safetensors writer
//
// Each layer with parameters stores them as "layers.<index>.<name>", with
// the names and shapes Keras uses: "kernel" (in x out, or In x 4H for an
// LSTM), "recurrent_kernel" (H x 4H) and "bias". With optimizer state, the
// Adam moments of all parameters are stored flat as "adam.m" and "adam.v".
const (
	formatName    = "deepq-qnet"
	formatVersion = 1

	// maxFileBytes bounds what Load reads: 1 GiB holds a network of about
	// 80 million parameters with its optimizer state.
	maxFileBytes = 1 << 30
)

// SaveOptions selects what Save writes besides the weights.
type SaveOptions struct {
	// Optimizer also stores the Adam moments, the step count and the dropout
	// generator, so that training resumed from the file continues exactly as
	// uninterrupted training would.
	Optimizer bool
}

// Save writes the network to path atomically: the previous file at path is
// replaced only once the new one is complete and synced to disk, and a
// failed save leaves it untouched. Save stores the weights only; use
// SaveWith to also store the optimizer state.
func (n *Network) Save(path string) error {
	return n.SaveWith(path, SaveOptions{})
}

// SaveWith is Save with options.
func (n *Network) SaveWith(path string, opts SaveOptions) error {
	archJSON, err := json.Marshal(n.arch)
	if err != nil {
		return fmt.Errorf("qnet: save %s: %w", path, err)
	}
	cfgJSON, err := json.Marshal(n.cfg)
	if err != nil {
		return fmt.Errorf("qnet: save %s: %w", path, err)
	}
	meta := map[string]string{
		"format":         formatName,
		"format_version": strconv.Itoa(formatVersion),
		"architecture":   string(archJSON),
		"config":         string(cfgJSON),
		"optimizer":      "none",
	}

	tensors := n.paramTensors()
	if opts.Optimizer {
		rngState, err := n.rngState.MarshalBinary()
		if err != nil {
			return fmt.Errorf("qnet: save %s: %w", path, err)
		}
		meta["optimizer"] = "adam"
		meta["adam_step"] = strconv.FormatInt(n.step, 10)
		meta["rng"] = hex.EncodeToString(rngState)
		tensors = append(tensors,
			safetensors.Tensor{Name: "adam.m", Shape: []int{len(n.m)}, Data: n.m},
			safetensors.Tensor{Name: "adam.v", Shape: []int{len(n.v)}, Data: n.v})
	}
	if err := safetensors.WriteFile(path, tensors, meta); err != nil {
		return fmt.Errorf("qnet: save: %w", err)
	}
	return nil
}

// paramTensors returns views of every parameter under its file name.
func (n *Network) paramTensors() []safetensors.Tensor {
	var out []safetensors.Tensor
	for i, l := range n.layers {
		prefix := "layers." + strconv.Itoa(i) + "."
		switch l := l.(type) {
		case lstmLayer:
			in, h := l.l.In, l.l.Hidden
			out = append(out,
				safetensors.Tensor{Name: prefix + "kernel", Shape: []int{in, 4 * h}, Data: l.l.W},
				safetensors.Tensor{Name: prefix + "recurrent_kernel", Shape: []int{h, 4 * h}, Data: l.l.U},
				safetensors.Tensor{Name: prefix + "bias", Shape: []int{4 * h}, Data: l.l.B})
		case denseLayer:
			out = append(out,
				safetensors.Tensor{Name: prefix + "kernel", Shape: []int{l.d.In, l.d.Out}, Data: l.d.W},
				safetensors.Tensor{Name: prefix + "bias", Shape: []int{l.d.Out}, Data: l.d.B})
		}
	}
	return out
}

// Load reads a model file written by Save and returns the network it
// describes, LSTM or Dense. It validates the file before trusting it and
// returns an error naming the file and the problem.
func Load(path string) (*Network, error) {
	if kind := archiveKind(path); kind != "" {
		return nil, fmt.Errorf("qnet: load %s: the file is %s, not a deepq model file", path, kind)
	}
	f, err := safetensors.ReadFile(path, maxFileBytes)
	if err != nil {
		return nil, fmt.Errorf("qnet: load: %w", err)
	}
	n, err := fromFile(f)
	if err != nil {
		return nil, fmt.Errorf("qnet: load %s: %w", path, err)
	}
	return n, nil
}

// fromFile builds the network a decoded model file describes.
func fromFile(f *safetensors.File) (*Network, error) {
	meta := f.Metadata
	if meta["format"] != formatName {
		return nil, fmt.Errorf("format %q is not %q; for PyTorch or Keras weights use Import", meta["format"], formatName)
	}
	version, err := strconv.Atoi(meta["format_version"])
	if err != nil || version < 1 || version > formatVersion {
		return nil, fmt.Errorf("format version %q is not supported; this build reads versions 1..%d", meta["format_version"], formatVersion)
	}

	var arch Architecture
	if err := decodeStrict(meta["architecture"], &arch); err != nil {
		return nil, fmt.Errorf("architecture: %w", err)
	}
	if err := arch.validate(); err != nil {
		return nil, fmt.Errorf("architecture: %w", err)
	}
	var cfg Config
	if err := decodeStrict(meta["config"], &cfg); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg.Window, cfg.Features, cfg.Actions = arch.Window, arch.Features, arch.Actions
	if err := cfg.validateTraining(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	n, err := newNetwork(cfg, arch, false)
	if err != nil {
		return nil, err
	}

	expected := n.paramTensors()
	switch meta["optimizer"] {
	case "adam":
		expected = append(expected,
			safetensors.Tensor{Name: "adam.m", Shape: []int{len(n.m)}, Data: n.m},
			safetensors.Tensor{Name: "adam.v", Shape: []int{len(n.v)}, Data: n.v})
		if n.step, err = strconv.ParseInt(meta["adam_step"], 10, 64); err != nil || n.step < 0 {
			return nil, fmt.Errorf("adam_step %q is not a non-negative integer", meta["adam_step"])
		}
		state, err := hex.DecodeString(meta["rng"])
		if err == nil {
			err = n.rngState.UnmarshalBinary(state)
		}
		if err != nil {
			return nil, fmt.Errorf("rng state %q is invalid: %v", meta["rng"], err)
		}
	case "none":
	default:
		return nil, fmt.Errorf("optimizer %q is unknown; want adam or none", meta["optimizer"])
	}
	if err := fillTensors(f, expected); err != nil {
		return nil, err
	}
	if !n.WeightsFinite() {
		return nil, errors.New("the weights contain NaN or Inf")
	}
	return n, nil
}

// fillTensors copies each expected tensor from f after checking its shape,
// and rejects tensors f holds that nothing expects.
func fillTensors(f *safetensors.File, expected []safetensors.Tensor) error {
	want := make(map[string]bool, len(expected))
	for _, e := range expected {
		want[e.Name] = true
		t, ok := f.Get(e.Name)
		if !ok {
			return fmt.Errorf("tensor %q is missing", e.Name)
		}
		if !slices.Equal(t.Shape, e.Shape) {
			return fmt.Errorf("tensor %q has shape %v; the architecture needs %v", e.Name, t.Shape, e.Shape)
		}
		copy(e.Data, t.Data)
	}
	for _, name := range f.Names() {
		if !want[name] {
			return fmt.Errorf("tensor %q is not part of the architecture", name)
		}
	}
	return nil
}

// decodeStrict decodes one JSON value, rejecting unknown fields and
// trailing data.
func decodeStrict(s string, v any) error {
	if s == "" {
		return errors.New("missing from the metadata")
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON: %v", err)
	}
	if dec.More() {
		return errors.New("invalid JSON: data after the value")
	}
	return nil
}
