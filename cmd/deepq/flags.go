package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/deepq-go/deepq/dqn"
	"github.com/deepq-go/deepq/env"
	"github.com/deepq-go/deepq/qnet"
)

// errHelp is returned after --help printed a command's usage.
var errHelp = errors.New("help requested")

// usageError reports a bad command line, for which run exits with code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// newFlagSet returns a flag set whose --help prints usage and the flags to
// stdout. A command without flags gets no "Flags:" section.
func newFlagSet(name, usage string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("deepq "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		flags := 0
		fs.VisitAll(func(*flag.Flag) { flags++ })
		if flags == 0 {
			fmt.Fprintf(stdout, "Usage: deepq %s\n\n%s\n", name, usage)
			return
		}
		fmt.Fprintf(stdout, "Usage: deepq %s [flags]\n\n%s\n\nFlags:\n", name, usage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args and turns flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	// The flag package also calls Usage on a parse error, so the help text
	// is printed here, only for --help, and the error alone reaches stderr.
	printHelp := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		printHelp()
		return errHelp
	}
	if err != nil {
		return &usageError{msg: err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; every setting is a flag", fs.Arg(0))
	}
	return nil
}

// dataFlags select the price data and the train/test split.
type dataFlags struct {
	data        string
	testData    string
	split       string
	priceColumn string
}

func (d *dataFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.data, "data", "", "training price `file`: Yahoo-style CSV (Date,Open,High,Low,Close,...), a CSV with --price-column, or OHLCV JSON (.json); empty uses the embedded EuStockMarkets DAX series (1991-1998), rows with null values are skipped")
	fs.StringVar(&d.testData, "test-data", "", "test price `file` in the same formats; empty splits --data with --split")
	fs.StringVar(&d.split, "split", "", "train/test split of --data when --test-data is empty: a date (YYYY-MM-DD, the test span starts there) or a fraction of the bars in (0, 1) for training; empty means the first 1560 bars (6 years) of the embedded data or 0.8 of a file")
	fs.StringVar(&d.priceColumn, "price-column", "", "price `column` to trade, e.g. \"Adj Close\" in a Yahoo CSV or SMI in the embedded data; the series is then close-only; empty uses Close (or DAX for the embedded data)")
}

// trainFlags are the flags of train and compare.
type trainFlags struct {
	dataFlags
	model        string
	envs         int
	episodes     int
	episodeTicks int
	seed         uint64
	out          string
	gamma        float64
	batch        int
	replay       int
	warmup       int
	targetUpdate int
	tau          float64
	trainEvery   int
	lr           float64
	epsilonStart float64
	epsilonEnd   float64
	epsilonDecay int
	epsilonSched string
	costBps      float64
	window       int
	loss         string
	resume       bool
	force        bool
}

// Defaults of the train command: 3 200 environment steps and 551 training
// steps of batch 64. With the generic (pure-Go) kernels, the default LSTM
// run took 2 min 57 s and 3 min 8 s in two runs on a 2-core AMD EPYC
// virtual machine shared with other jobs. A training step of the LSTM
// network took about 0.3 s there.
const (
	defaultEnvs         = 8
	defaultEpisodes     = 4
	defaultEpisodeTicks = 100
)

func (f *trainFlags) register(fs *flag.FlagSet, withModel bool) {
	f.dataFlags.register(fs)
	d := dqn.DefaultConfig()
	if withModel {
		fs.StringVar(&f.model, "model", "lstm", "Q-network: lstm (LSTM(64) -> LSTM(32) -> Dense(64)) or dense (Dense(64) -> Dense(32) -> Dense(8))")
		fs.BoolVar(&f.resume, "resume", false, "continue the checkpoint in --out/checkpoint up to --episodes episodes; the network, settings and normaliser come from the checkpoint, so only --data, --test-data, --split, --price-column, --out and --episodes may be given")
	}
	fs.BoolVar(&f.force, "force", false, "start a new run even if --out/checkpoint holds an earlier run's checkpoint, deleting that checkpoint's files")
	fs.IntVar(&f.envs, "envs", defaultEnvs, "environments stepped in lockstep, each from its own random start bar")
	fs.IntVar(&f.episodes, "episodes", defaultEpisodes, "training episodes; a checkpoint is written after each")
	fs.IntVar(&f.episodeTicks, "episode-steps", defaultEpisodeTicks, "steps per environment per episode, so an episode has envs x episode-steps environment steps")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the network's initial weights, dropout, exploration, replay sampling and start bars")
	outUsage := "output `directory` for the model, metrics.json, normalizer.json, SVG charts and checkpoints"
	if !withModel {
		outUsage = "output `directory`: the dense and lstm subdirectories each get the files train writes (model, metrics.json, normalizer.json, SVG charts and checkpoints)"
	}
	fs.StringVar(&f.out, "out", "out", outUsage)
	fs.Float64Var(&f.gamma, "gamma", d.Gamma, "discount factor of future rewards, in [0, 1]")
	fs.IntVar(&f.batch, "batch", d.BatchSize, "transitions per training step")
	fs.IntVar(&f.replay, "replay", d.ReplayCapacity, "replay buffer capacity in transitions (12 bytes each)")
	fs.IntVar(&f.warmup, "warmup", d.WarmupSteps, "environment steps before the first training step")
	fs.IntVar(&f.trainEvery, "train-every", d.TrainEvery, "environment steps per training step")
	fs.IntVar(&f.targetUpdate, "target-update", d.TargetUpdateEvery, "environment steps between hard copies of the online weights into the target network")
	fs.Float64Var(&f.tau, "tau", 0, "soft target update rate in (0, 1] applied after every training step instead of hard copies; 0 uses --target-update")
	fs.Float64Var(&f.lr, "lr", qnet.DefaultConfig().LearningRate, "Adam learning rate")
	fs.Float64Var(&f.epsilonStart, "epsilon-start", d.EpsilonStart, "initial probability of a random action")
	fs.Float64Var(&f.epsilonEnd, "epsilon-end", d.EpsilonEnd, "final probability of a random action")
	fs.IntVar(&f.epsilonDecay, "epsilon-decay", 0, "environment steps over which epsilon falls from --epsilon-start to --epsilon-end; 0 means three quarters of the run's environment steps")
	fs.StringVar(&f.epsilonSched, "epsilon-schedule", "linear", "epsilon schedule: linear or exponential")
	fs.Float64Var(&f.costBps, "cost-bps", env.DefaultConfig().CostBps, "transaction cost per position change, in basis points of portfolio value")
	fs.IntVar(&f.window, "window", env.DefaultConfig().Window, "bars per observation")
	fs.StringVar(&f.loss, "loss", "mse", "training loss: mse or huber")
}

// configs turns the flags into the network, environment and DQN settings.
func (f *trainFlags) configs() (qnet.Config, env.Config, dqn.Config, error) {
	if err := f.validate(); err != nil {
		return qnet.Config{}, env.Config{}, dqn.Config{}, err
	}
	e := env.DefaultConfig()
	e.Window, e.CostBps = f.window, f.costBps
	if err := e.Validate(); err != nil {
		return qnet.Config{}, env.Config{}, dqn.Config{}, usagef("%v", err)
	}

	q := qnet.DefaultConfig()
	q.Window, q.Features, q.Actions = e.Window, e.Features, env.NumActions
	q.LearningRate, q.Seed = f.lr, f.seed
	loss, err := qnet.ParseLoss(f.loss)
	if err != nil {
		return qnet.Config{}, env.Config{}, dqn.Config{}, usagef("--loss: %v", err)
	}
	q.Loss = loss
	switch f.model {
	case "lstm", "":
	case "dense":
		q.DenseUnits = qnet.DefaultDenseUnits
	default:
		return qnet.Config{}, env.Config{}, dqn.Config{}, usagef("--model is %q, expected lstm or dense", f.model)
	}

	d := dqn.DefaultConfig()
	d.Gamma, d.BatchSize, d.ReplayCapacity = f.gamma, f.batch, f.replay
	d.WarmupSteps, d.TrainEvery, d.TargetUpdateEvery, d.Tau = f.warmup, f.trainEvery, f.targetUpdate, f.tau
	d.EpsilonStart, d.EpsilonEnd = f.epsilonStart, f.epsilonEnd
	d.Envs, d.Episodes, d.EpisodeTicks, d.Seed = f.envs, f.episodes, f.episodeTicks, f.seed
	if d.EpsilonSchedule, err = dqn.ParseSchedule(f.epsilonSched); err != nil {
		return qnet.Config{}, env.Config{}, dqn.Config{}, usagef("--epsilon-schedule: %v", err)
	}
	d.EpsilonDecaySteps = f.epsilonDecay
	if f.epsilonDecay == 0 {
		d.EpsilonDecaySteps = int(max(d.TotalSteps()*3/4, 1))
	}
	if err := d.Validate(); err != nil {
		return qnet.Config{}, env.Config{}, dqn.Config{}, usagef("%s", strings.TrimPrefix(err.Error(), "dqn: "))
	}
	return q, e, d, nil
}

// buildNetwork builds the Q-network the --model flag names.
func buildNetwork(model string, cfg qnet.Config) (*qnet.Network, error) {
	if model == "dense" {
		return qnet.BuildDense(cfg)
	}
	return qnet.BuildLSTM(cfg)
}

// parseTrainFlags registers, parses and validates the flags that train and
// compare share; withModel adds train's --model, --resume and --force.
func parseTrainFlags(name, usage string, args []string, stdout io.Writer, withModel bool) (*trainFlags, *flag.FlagSet, error) {
	f := &trainFlags{}
	fs := newFlagSet(name, usage, stdout)
	f.register(fs, withModel)
	if err := parseFlags(fs, args); err != nil {
		return nil, nil, err
	}
	if err := f.validate(); err != nil {
		return nil, nil, err
	}
	return f, fs, nil
}
