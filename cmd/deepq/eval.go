package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

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
	costBps := fs.Float64("cost-bps", -1, "transaction cost in basis points per position change; negative uses the cost train used")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *model == "" {
		return usagef("--model is missing; pass the model.safetensors that train wrote")
	}
	if *normPath == "" {
		*normPath = filepath.Join(filepath.Dir(*model), normalizerFile)
	}
	state, err := readNormalizer(*normPath)
	if err != nil {
		return err
	}
	cfg := state.Env
	if *costBps >= 0 {
		cfg.CostBps = *costBps
	}
	if *column == "" {
		*column = state.PriceColumn
	}
	net, err := qnet.LoadFor(*model, qnet.Config{Window: cfg.Window, Features: cfg.Features, Actions: env.NumActions})
	if err != nil {
		return err
	}

	s, err := loadSeries(*data, *column)
	if err != nil {
		return err
	}
	if *data == "" || *split != "" {
		if _, s, err = splitSeries(s, *split, *data == ""); err != nil {
			return err
		}
	}
	res, err := dqn.Evaluate(net, s, state.Normalizer, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backtest of %s on %s: %d bars from %s\n", *model, s.Name, s.Len(), spanDates(s))
	printMetricsTable(stdout, res.Metrics)
	return nil
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
