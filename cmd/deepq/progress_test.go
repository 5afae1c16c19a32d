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
	r := &progressReporter{w: &b, label: "lstm", terminal: true}
	r.report(dqn.Progress{Episode: 2, Episodes: 4, Tick: 50, Ticks: 100, EnvSteps: 1200, TotalSteps: 3200,
		Epsilon: 0.5, Loss: 0.001, StepsPerSecond: 20, Remaining: 100 * time.Second})
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
