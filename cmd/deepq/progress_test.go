package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/deepq-go/deepq/dqn"
)

func TestProgressBarOnTerminal(t *testing.T) {
	var b bytes.Buffer
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := &progressReporter{w: &b, label: "lstm", terminal: true, now: func() time.Time { return clock }}
	r.timeLeft(dqn.Progress{EnvSteps: 800, TotalSteps: 3200, TrainSteps: 1})
	clock = clock.Add(20 * time.Second)
	// 400 steps in 20 s leave 2000 steps for 100 s.
	r.report(dqn.Progress{Episode: 2, Episodes: 4, Tick: 50, Ticks: 100, EnvSteps: 1200, TotalSteps: 3200, TrainSteps: 100,
		Epsilon: 0.5, Loss: 0.001, StepsPerSecond: 20, Remaining: time.Second})
	r.finish()
	out := b.String()
	for _, want := range []string{"\rlstm [#########...............]", "episode 2/4", "step 50/100", "eps 0.500", "loss 0.00100", "20 steps/s", "1m40s left"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress bar %q lacks %q", out, want)
		}
	}
	if !strings.HasSuffix(out, "\n") {
		t.Errorf("finish did not end the bar's line: %q", out)
	}
}

func TestProgressLogWithoutTerminal(t *testing.T) {
	var b bytes.Buffer
	r := newProgressReporter(&b, "dense")
	r.report(dqn.Progress{Episode: 1, Episodes: 2, Tick: 3, Ticks: 10})
	if b.Len() != 0 {
		t.Errorf("a tick inside an episode logged %q, expected nothing", b.String())
	}
	r.report(dqn.Progress{Episode: 1, Episodes: 2, Stats: &dqn.EpisodeStats{Episode: 1, EnvSteps: 80}})
	if out := b.String(); !strings.Contains(out, "episode done") || !strings.Contains(out, "model=dense") || !strings.Contains(out, "env_steps=80") {
		t.Errorf("episode log line is %q, expected the model, episode and step count", out)
	}
}

func TestProgressTimeLeftIgnoresWarmup(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := &progressReporter{now: func() time.Time { return clock }}
	// Warm-up: 400 steps in 1 s, no training steps yet.
	clock = clock.Add(time.Second)
	if got := r.timeLeft(dqn.Progress{EnvSteps: 400, TotalSteps: 3200, Remaining: 7 * time.Second}); got != "unknown" {
		t.Errorf("time left during the warm-up is %s, expected unknown", got)
	}
	if got := r.timeLeft(dqn.Progress{EnvSteps: 408, TotalSteps: 3200, TrainSteps: 1}); got != "unknown" {
		t.Errorf("time left at the first training step is %s, expected unknown", got)
	}
	// Training runs 8 steps per second, so the 2784 steps left take 348 s.
	clock = clock.Add(time.Second)
	if got := r.timeLeft(dqn.Progress{EnvSteps: 416, TotalSteps: 3200, TrainSteps: 2}); got != "5m48s" {
		t.Errorf("time left after one training second is %s, expected 5m48s", got)
	}
}
