package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"text/tabwriter"
	"time"
)

const compareUsage = `Train the Dense and the LSTM Q-network on the same data with the same seed
and budget, then print their test-span metrics beside buy-and-hold with the
training wall time, throughput and memory of each. The flags are those of
train without --model and --resume.

Writes to --out/dense and --out/lstm what train writes to --out:
model.safetensors, normalizer.json, metrics.json, equity.svg, training.svg
and checkpoint/. Either directory's model.safetensors can be passed to eval.`

func runCompare(args []string, stdout, stderr io.Writer) error {
	f, _, err := parseTrainFlags("compare", compareUsage, args, stdout, false)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	train, test, err := loadTrainTest(f.dataFlags, f.window, stderr)
	if err != nil {
		return err
	}

	// Both output directories are checked before the first model trains,
	// so that a problem with the second does not waste the first run.
	models := []string{"dense", "lstm"}
	out := f.out
	for _, model := range models {
		if err := prepareOutDir(filepath.Join(out, model), false, f.force); err != nil {
			return err
		}
	}

	results := make([]*trainResult, len(models))
	for i, model := range models {
		runtime.GC()
		f.out = filepath.Join(out, model)
		reporter := newProgressReporter(stderr, model)
		results[i], err = trainModel(ctx, f, model, train, test, reporter.report)
		reporter.finish()
		if err != nil {
			return fmt.Errorf("%s: %w", model, err)
		}
		if err := writeRunFiles(f.out, results[i], f, train, test); err != nil {
			return fmt.Errorf("%s: %w", model, err)
		}
	}

	fmt.Fprintf(stdout, "Test span %s: %d bars from %s\n", test.Name, test.Len(), spanDates(test))
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tbuy & hold\tdense\tlstm")
	row := func(name, hold string, value func(r *trainResult) string) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", name, hold, value(results[0]), value(results[1]))
	}
	m0 := results[0].backtest.Metrics
	row("total return", percent(m0.BuyHoldReturn), func(r *trainResult) string { return percent(r.backtest.Metrics.TotalReturn) })
	row("Sharpe (annualised)", fmt.Sprintf("%.2f", m0.BuyHoldSharpe), func(r *trainResult) string { return fmt.Sprintf("%.2f", r.backtest.Metrics.Sharpe) })
	row("max drawdown", percent(m0.BuyHoldMaxDrawdown), func(r *trainResult) string { return percent(r.backtest.Metrics.MaxDrawdown) })
	row("win rate", "-", func(r *trainResult) string { return winRate(r.backtest.Metrics) })
	row("trades", "1", func(r *trainResult) string { return fmt.Sprint(r.backtest.Metrics.Trades) })
	row("exposure", "100.0%", func(r *trainResult) string { return percent(r.backtest.Metrics.Exposure) })
	row("training wall time", "-", func(r *trainResult) string { return r.wall.Round(10 * time.Millisecond).String() })
	row("environment steps/s", "-", func(r *trainResult) string { return fmt.Sprintf("%.0f", r.envStepsPerSecond()) })
	row("training steps/s", "-", func(r *trainResult) string { return fmt.Sprintf("%.1f", r.trainStepsPerSecond()) })
	row("parameters", "-", func(r *trainResult) string { return fmt.Sprint(r.trainer.Network().NumParams()) })
	row("network memory", "-", func(r *trainResult) string { return formatBytes(networkMemory(r.trainer.Network())) })
	row("peak heap", "-", func(r *trainResult) string { return formatBytes(int64(r.peakHeap)) })
	tw.Flush()
	fmt.Fprintln(stdout, "\nnetwork memory: weights, gradients, Adam moments and workspaces (qnet Memory);")
	fmt.Fprintln(stdout, "peak heap: the largest live heap sampled after each training tick (runtime/metrics).")
	fmt.Fprintf(stdout, "\nFiles in %s and %s\n", filepath.Join(out, models[0]), filepath.Join(out, models[1]))
	return nil
}
