package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/deepq-go/deepq/dqn"
	"github.com/deepq-go/deepq/env"
	"github.com/deepq-go/deepq/qnet"
)

const evalUsage = `Backtest a saved model greedily and print the agent against buy-and-hold.

The features are normalised with the normalizer.json that train wrote next
to the model. Without --data, eval uses the test span of the embedded DAX
series, the span train tests on by default. With --data it backtests the
whole file, or the part from --split on. To reproduce train's test figures,
pass the same --test-data file as --data, or the same --data and --split.`

func runEval(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", evalUsage, stdout)
	model := fs.String("model", "", "model `file` written by train (required)")
	normPath := fs.String("normalizer", "", "normalizer.json written by train; empty reads normalizer.json in the model's directory")
	data := fs.String("data", "", "price `file` to backtest, in the formats train reads; empty uses the embedded DAX series")
	split := fs.String("split", "", "backtest only the bars from this split on: a date (YYYY-MM-DD) or the training fraction in (0, 1); empty means the whole --data file, or the default test span of the embedded data")
	column := fs.String("price-column", "", "price `column` to trade; empty uses the column train used")
	costBps := fs.Float64("cost-bps", 0, "transaction cost in basis points per position change, in [0, 10000); omitted uses the cost train used")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *model == "" {
		return usagef("--model is missing; pass the model.safetensors that train wrote")
	}
	costSet := false
	fs.Visit(func(fl *flag.Flag) { costSet = costSet || fl.Name == "cost-bps" })
	if costSet && !(*costBps >= 0 && *costBps < 1e4) {
		return usagef("--cost-bps is %v, expected basis points in [0, 10000), or omit it to use the cost train used", *costBps)
	}
	if err := validateSplit(*split); err != nil {
		return err
	}
	if err := checkModelPath(*model); err != nil {
		return err
	}
	// Check the model file before the normaliser beside it, so that a wrong
	// --model is reported as such.
	if _, err := qnet.Load(*model); err != nil {
		return describeModelError(*model, err)
	}
	if *normPath == "" {
		*normPath = filepath.Join(filepath.Dir(*model), normalizerFile)
	}
	state, err := readNormalizer(*normPath)
	if err != nil {
		return err
	}
	cfg := state.Env
	if costSet {
		cfg.CostBps = *costBps
	}
	if *column == "" {
		*column = state.PriceColumn
	}
	if *data == "" && state.Normalizer.OHLCV {
		return usagef("--data is missing: this model was trained on OHLCV bars, but the embedded data has closes only; pass --data with the file to backtest")
	}
	net, err := loadModel(*model, cfg)
	if err != nil {
		return err
	}

	s, err := loadSeries(*data, *column, cfg.Window, stderr)
	if err != nil {
		return err
	}
	spanName := "--data " + *data
	if *data == "" || *split != "" {
		if _, s, err = splitSeries(s, *split, *data == ""); err != nil {
			return err
		}
		spanName = "the backtest span of " + s.Name
	}
	if err := checkBars(spanName, s, cfg.Window); err != nil {
		return err
	}
	res, err := dqn.Evaluate(net, s, state.Normalizer, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backtest of %s on %s: %d bars from %s\n", *model, s.Name, s.Len(), spanDates(s))
	printMetricsTable(stdout, res.Metrics)
	return nil
}

// checkModelPath checks that path is an existing regular file, because
// otherwise the first error would be about the normaliser next to it.
func checkModelPath(path string) error {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("model file %s not found; pass the model.safetensors that train wrote", path)
	case err != nil:
		return fmt.Errorf("read the model file: %w", err)
	case info.IsDir():
		return fmt.Errorf("--model %s is a directory, but --model takes a model file such as %s", path, filepath.Join(path, modelFile))
	}
	return nil
}

// loadModel loads a model file for observations of cfg's shape. A file
// that is not a model at all gets a first sentence saying so, because the
// decoder's detail (such as an absurd header length) does not.
func loadModel(path string, cfg env.Config) (*qnet.Network, error) {
	net, err := qnet.LoadFor(path, qnet.Config{Window: cfg.Window, Features: cfg.Features, Actions: env.NumActions})
	if err != nil {
		return nil, describeModelError(path, err)
	}
	return net, nil
}

// describeModelError reports that path is not a usable model file, unless err
// already explains why in terms a user recognises.
func describeModelError(path string, err error) error {
	switch {
	case errors.Is(err, qnet.ErrMismatch), errors.Is(err, os.ErrNotExist), errors.Is(err, os.ErrPermission):
		return err
	case strings.Contains(err.Error(), "not a deepq model file"):
		return err
	}
	return fmt.Errorf("%s is not a deepq model file, or it is damaged: %w", path, err)
}

func readNormalizer(path string) (*normalizerState, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the normaliser: %w (pass --normalizer with the normalizer.json that train wrote)", err)
	}
	var st normalizerState
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, fmt.Errorf("%s is not a valid normalizer.json: %w", path, err)
	}
	if err := st.Normalizer.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := st.Env.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &st, nil
}
