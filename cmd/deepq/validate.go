package main

import (
	"flag"
	"math"
	"strconv"
	"time"

	"github.com/deepq-go/deepq/dqn"
	"github.com/deepq-go/deepq/qnet"
)

// maxReplay is the largest replay capacity dqn.Config.Validate accepts.
const maxReplay = 1 << 24

// validate checks every flag of train and compare and returns a usage error
// naming the first invalid flag, its value and the accepted range. The
// library's own Validate methods still run afterwards as a second check,
// but their messages name Go struct fields, which a command-line user
// cannot map to flags.
func (f *trainFlags) validate() error {
	for _, c := range []struct {
		name  string
		value int
		min   int
	}{
		{"envs", f.envs, 1},
		{"episodes", f.episodes, 1},
		{"episode-steps", f.episodeTicks, 1},
		{"window", f.window, 1},
		{"batch", f.batch, 1},
		{"warmup", f.warmup, 0},
		{"train-every", f.trainEvery, 1},
	} {
		if c.value < c.min {
			return usagef("--%s is %d, expected a whole number of at least %d", c.name, c.value, c.min)
		}
	}
	if f.replay < f.batch || f.replay > maxReplay {
		return usagef("--replay is %d, expected a number of transitions from --batch (%d) to %d", f.replay, f.batch, maxReplay)
	}
	if f.epsilonDecay < 0 {
		return usagef("--epsilon-decay is %d, expected 0 (three quarters of the run's environment steps) or a positive number of environment steps", f.epsilonDecay)
	}

	for _, c := range []struct {
		name   string
		value  float64
		lo, hi float64
	}{
		{"gamma", f.gamma, 0, 1},
		{"tau", f.tau, 0, 1},
		{"epsilon-start", f.epsilonStart, 0, 1},
		{"epsilon-end", f.epsilonEnd, 0, 1},
	} {
		if !(c.value >= c.lo && c.value <= c.hi) {
			return usagef("--%s is %v, expected a number in [%v, %v]", c.name, c.value, c.lo, c.hi)
		}
	}
	if err := validateSplit(f.split); err != nil {
		return err
	}
	if total := f.envs * f.episodeTicks * f.episodes; !f.resume && f.warmup >= total {
		return usagef("--warmup is %d, but the run has only %d environment steps (--envs %d x --episode-steps %d x --episodes %d), so no training step would run",
			f.warmup, total, f.envs, f.episodeTicks, f.episodes)
	}
	if f.tau == 0 && f.targetUpdate < 1 {
		return usagef("--target-update is %d, expected at least 1 environment step (or set --tau for soft updates)", f.targetUpdate)
	}
	if !(f.lr > 0) || math.IsInf(f.lr, 0) {
		return usagef("--lr is %v, expected a positive finite learning rate such as 0.001", f.lr)
	}
	if !(f.costBps >= 0 && f.costBps < 1e4) {
		return usagef("--cost-bps is %v, expected basis points in [0, 10000)", f.costBps)
	}

	// compare leaves --model empty and sets each model itself.
	switch f.model {
	case "lstm", "dense", "":
	default:
		return usagef("--model is %q, expected lstm or dense", f.model)
	}
	if _, err := qnet.ParseLoss(f.loss); err != nil {
		return usagef("--loss is %q, expected mse or huber", f.loss)
	}
	schedule, err := dqn.ParseSchedule(f.epsilonSched)
	if err != nil {
		return usagef("--epsilon-schedule is %q, expected linear or exponential", f.epsilonSched)
	}
	if schedule == dqn.Exponential && (f.epsilonStart == 0 || f.epsilonEnd == 0) {
		return usagef("--epsilon-schedule exponential needs positive --epsilon-start and --epsilon-end, got %v and %v", f.epsilonStart, f.epsilonEnd)
	}
	return nil
}

// validateSplit checks --split: empty, a date YYYY-MM-DD, or a training
// fraction strictly between 0 and 1.
func validateSplit(split string) error {
	if split == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, split); err == nil {
		return nil
	}
	v, err := strconv.ParseFloat(split, 64)
	if err != nil || !(v > 0 && v < 1) {
		return usagef("--split is %q, expected a date YYYY-MM-DD or a training fraction in (0, 1) such as 0.8", split)
	}
	return nil
}

// resumeFlags are the train flags that still apply with --resume: the data
// and the output, and --episodes to extend the run. The checkpoint fixes
// every other setting.
var resumeFlags = map[string]bool{
	"data": true, "test-data": true, "split": true, "price-column": true,
	"out": true, "episodes": true, "resume": true,
}

// checkResumeFlags rejects, with --resume, any flag the checkpoint fixes,
// so that a value the user gave is never silently ignored.
func checkResumeFlags(fs *flag.FlagSet, f *trainFlags) error {
	if !f.resume {
		return nil
	}
	var fixed []string
	fs.Visit(func(fl *flag.Flag) {
		if !resumeFlags[fl.Name] {
			fixed = append(fixed, "--"+fl.Name)
		}
	})
	if len(fixed) > 0 {
		return usagef("%s cannot be combined with --resume: the checkpoint fixes the network, the settings and the normaliser; only --data, --test-data, --split, --price-column, --out and --episodes apply", fixed[0])
	}
	return nil
}
