package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/metrics"
	"time"

	"github.com/deepq-go/deepq/dqn"
	"github.com/deepq-go/deepq/env"
	"github.com/deepq-go/deepq/qnet"
)

const trainUsage = `Train a Q-network with Double DQN on the training span and backtest it
greedily on the test span. With no flags it trains the LSTM Q-network on the
embedded DAX series (1991-1998) and tests on its last 300 bars.

Writes to --out: model.safetensors, normalizer.json (the feature
normaliser and environment settings that eval needs), metrics.json,
equity.svg, training.svg and checkpoint/ (resumable trainer state).
A new run rejects an --out whose checkpoint/ holds an earlier run's
checkpoint: pass --resume to continue that run, --force to delete its
checkpoint files, or another --out.`

func runTrain(args []string, stdout, stderr io.Writer) error {
	f, fs, err := parseTrainFlags("train", trainUsage, args, stdout, true)
	if err != nil {
		return err
	}
	if err := checkResumeFlags(fs, f); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	train, test, err := loadTrainTest(f.dataFlags, f.window, stderr)
	if err != nil {
		return err
	}
	if err := prepareOutDir(f.out, f.resume, f.force); err != nil {
		return err
	}
	reporter := newProgressReporter(stderr, f.model)
	res, err := trainModel(ctx, f, f.model, train, test, reporter.report)
	reporter.finish()
	if err != nil {
		return err
	}
	if err := writeRunFiles(f.out, res, f, train, test); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Test span %s: %d bars from %s\n", test.Name, test.Len(), spanDates(test))
	printMetricsTable(stdout, res.backtest.Metrics)
	total := ""
	if f.resume {
		total = fmt.Sprintf(", %d since the run began", res.trainer.Agent().TrainSteps())
	}
	fmt.Fprintf(stdout, "\nTrained %s in %s (%.0f environment steps/s, %d training steps%s). Files in %s\n",
		res.model(), res.wall.Round(time.Second), res.envStepsPerSecond(), res.trainSteps(), total, f.out)
	return nil
}

// trainResult is one finished training run.
type trainResult struct {
	trainer  *dqn.Trainer
	backtest *env.BacktestResult
	wall     time.Duration // time of this session's training
	peakHeap uint64        // largest heap object bytes seen after a tick

	// Step counts when this session began: zero for a new run, the
	// checkpoint's counts for a resumed one. Rates cover this session only.
	startEnvSteps, startTrainSteps int64
}

func (r *trainResult) envStepsPerSecond() float64 {
	return float64(r.trainer.Agent().EnvSteps()-r.startEnvSteps) / r.wall.Seconds()
}

func (r *trainResult) trainSteps() int64 {
	return r.trainer.Agent().TrainSteps() - r.startTrainSteps
}

func (r *trainResult) trainStepsPerSecond() float64 {
	return float64(r.trainSteps()) / r.wall.Seconds()
}

// model returns the trained network's kind, which a resumed run takes from
// its checkpoint.
func (r *trainResult) model() string {
	return r.trainer.Network().Architecture().Model
}

// trainModel builds the model, trains it on train and backtests it on test.
// The caller has checked the flags, the bar counts and f.out with
// prepareOutDir.
func trainModel(ctx context.Context, f *trainFlags, model string, train, test *env.Series, progress func(dqn.Progress)) (*trainResult, error) {
	f.model = model
	qcfg, ecfg, dcfg, err := f.configs()
	if err != nil {
		return nil, err
	}
	net, err := buildNetwork(model, qcfg)
	if err != nil {
		return nil, err
	}

	heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	res := &trainResult{}
	opts := dqn.Options{
		Config:        dcfg,
		Env:           ecfg,
		Test:          test,
		CheckpointDir: filepath.Join(f.out, checkpointDir),
		Progress: func(p dqn.Progress) {
			metrics.Read(heap)
			res.peakHeap = max(res.peakHeap, heap[0].Value.Uint64())
			if progress != nil {
				progress(p)
			}
		},
	}
	start := time.Now()
	if f.resume {
		res.trainer, err = dqn.Resume(opts.CheckpointDir, train, opts)
	} else {
		res.trainer, err = dqn.NewTrainer(net, train, opts)
	}
	if err != nil {
		return nil, err
	}
	if f.resume && res.trainer.Episode() >= dcfg.Episodes {
		return nil, usagef("the checkpoint in %s has already run %d episodes; pass --episodes above %d to train further",
			opts.CheckpointDir, res.trainer.Episode(), res.trainer.Episode())
	}
	res.startEnvSteps = res.trainer.Agent().EnvSteps()
	res.startTrainSteps = res.trainer.Agent().TrainSteps()
	if err := res.trainer.Run(ctx); err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, fmt.Errorf("interrupted after %d complete episodes; %s contains the checkpoint of the last one", res.trainer.Episode(), opts.CheckpointDir)
		}
		return nil, err
	}
	res.wall = time.Since(start)

	res.backtest, err = dqn.Evaluate(res.trainer.Network(), test, res.trainer.Normalizer(), res.trainer.EnvConfig())
	if err != nil {
		return nil, fmt.Errorf("backtest on the test span: %w", err)
	}
	return res, nil
}

// spanDates returns the first and last date of s.
func spanDates(s *env.Series) string {
	span := s.Times[0].Format(time.DateOnly) + " to " + s.Times[s.Len()-1].Format(time.DateOnly)
	if s.SyntheticTimes {
		span += " (dates derived from decimal years)"
	}
	return span
}

// networkMemory returns the bytes the network holds.
func networkMemory(n *qnet.Network) int64 { return n.Memory().Total() }
