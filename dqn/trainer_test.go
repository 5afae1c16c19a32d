package dqn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/deepq-go/deepq/qnet"
)

func newTinyTrainer(t *testing.T, dir string, episodes int) *Trainer {
	t.Helper()
	train, test := daxSplit(t)
	cfg := tinyConfig()
	cfg.Episodes = episodes
	tr, err := NewTrainer(tinyLSTM(t), train, Options{Config: cfg, Env: testEnvConfig(), Test: test, CheckpointDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// stripTimes drops wall times, the only fields that differ between runs.
func stripTimes(h []EpisodeStats) []EpisodeStats {
	out := append([]EpisodeStats(nil), h...)
	for i := range out {
		out[i].Seconds = 0
	}
	return out
}

func TestTrainerIsDeterministic(t *testing.T) {
	a := newTinyTrainer(t, "", 2)
	b := newTinyTrainer(t, "", 2)
	for _, tr := range []*Trainer{a, b} {
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if !equalFloats(probeQ(t, a.Network()), probeQ(t, b.Network())) {
		t.Error("two runs with the same seed end with different weights")
	}
	if !reflect.DeepEqual(stripTimes(a.History()), stripTimes(b.History())) {
		t.Errorf("two runs with the same seed have different histories:\n%+v\n%+v", a.History(), b.History())
	}
	if a.Agent().TrainSteps() == 0 {
		t.Error("the run made no training steps")
	}
}

func TestResumeEqualsUninterruptedRun(t *testing.T) {
	whole := newTinyTrainer(t, t.TempDir(), 4)
	if err := whole.Run(context.Background()); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	first := newTinyTrainer(t, dir, 2)
	if err := first.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	train, test := daxSplit(t)
	resumed, err := Resume(dir, train, Options{Config: Config{Episodes: 4}, Test: test})
	if err != nil {
		t.Fatal(err)
	}
	if resumed.Episode() != 2 {
		t.Fatalf("resumed at episode %d, expected 2", resumed.Episode())
	}
	if !equalFloats(probeQ(t, resumed.Network()), probeQ(t, first.Network())) {
		t.Fatal("resumed weights differ from the saved run's weights")
	}
	if err := resumed.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !equalFloats(probeQ(t, resumed.Network()), probeQ(t, whole.Network())) {
		t.Error("resumed run ends with weights that differ from the uninterrupted run")
	}
	if !reflect.DeepEqual(stripTimes(resumed.History()), stripTimes(whole.History())) {
		t.Errorf("resumed history differs from the uninterrupted run:\n%+v\n%+v", resumed.History(), whole.History())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 4 {
		names := []string{}
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("checkpoint directory holds %v, expected checkpoint.json and one model, target and replay file", names)
	}
}

func TestResumeRejectsOtherSeriesAndMissingFiles(t *testing.T) {
	dir := t.TempDir()
	tr := newTinyTrainer(t, dir, 1)
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, test := daxSplit(t)
	if _, err := Resume(dir, test, Options{}); err == nil {
		t.Error("Resume accepted a different training series")
	}
	if _, err := Resume(t.TempDir(), test, Options{}); err == nil {
		t.Error("Resume accepted a directory without a checkpoint")
	}
	train, _ := daxSplit(t)
	var st checkpointState
	raw, err := os.ReadFile(filepath.Join(dir, CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, st.ReplayFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := Resume(dir, train, Options{}); err == nil {
		t.Error("Resume accepted a checkpoint whose replay file is missing")
	}
}

func TestNonFiniteLossKeepsLastCheckpoint(t *testing.T) {
	dir := t.TempDir()
	tr := newTinyTrainer(t, dir, 4)
	var afterTwo []float32
	tr.opts.Progress = func(p Progress) {
		if p.Stats != nil && p.Stats.Episode == 2 {
			afterTwo = probeQ(t, tr.Network())
		}
	}
	// Episode 3 has ticks 41..60 of 4 environments, steps 161..240: the
	// training step at step 200 is inside it.
	tr.agent.trainHook = func(loss float32, err error) (float32, error) {
		if tr.agent.envSteps >= 200 {
			return float32(math.Inf(1)), fmt.Errorf("injected: %w", qnet.ErrNonFinite)
		}
		return loss, err
	}
	err := tr.Run(context.Background())
	if !errors.Is(err, qnet.ErrNonFinite) {
		t.Fatalf("Run returned %v, expected an error wrapping qnet.ErrNonFinite", err)
	}
	if tr.Episode() != 2 {
		t.Errorf("Episode() = %d after the failure, expected 2", tr.Episode())
	}
	train, _ := daxSplit(t)
	resumed, err := Resume(dir, train, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if resumed.Episode() != 2 {
		t.Errorf("checkpoint holds episode %d, expected 2", resumed.Episode())
	}
	if afterTwo == nil || !equalFloats(probeQ(t, resumed.Network()), afterTwo) {
		t.Error("checkpointed weights differ from the weights after episode 2")
	}
}

func TestRunReportsProgressAndStops(t *testing.T) {
	tr := newTinyTrainer(t, "", 2)
	var last Progress
	calls, episodes := 0, 0
	tr.opts.Progress = func(p Progress) {
		calls++
		if p.Stats != nil {
			episodes++
		}
		last = p
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if calls != 2*20+2 || episodes != 2 {
		t.Errorf("Progress called %d times with %d episode ends, expected 42 and 2", calls, episodes)
	}
	if last.EnvSteps != 160 || last.TotalSteps != 160 || last.Remaining != 0 {
		t.Errorf("last progress = %+v, expected 160 of 160 steps and nothing remaining", last)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := newTinyTrainer(t, "", 1).Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Run with a cancelled context returned %v, expected context.Canceled", err)
	}
}

func TestTrainOnDAXEndToEnd(t *testing.T) {
	start := time.Now()
	train, test := daxSplit(t)
	cfg := tinyConfig()
	cfg.Envs, cfg.EpisodeTicks, cfg.Episodes = 8, 40, 3
	tr, err := NewTrainer(tinyLSTM(t), train, Options{Config: cfg, Env: testEnvConfig(), Test: test})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := tr.History()
	if len(h) != 3 {
		t.Fatalf("history has %d episodes, expected 3", len(h))
	}
	for _, e := range h {
		if e.Test == nil || e.Test.Steps != test.Len()-testWindow {
			t.Fatalf("episode %d test metrics = %+v, expected a backtest of %d steps", e.Episode, e.Test, test.Len()-testWindow)
		}
		if math.IsNaN(e.MeanLoss) || math.IsNaN(e.Return) {
			t.Errorf("episode %d has loss %v and return %v, expected finite numbers", e.Episode, e.MeanLoss, e.Return)
		}
	}
	if h[2].EnvSteps != 3*40*8 || h[2].TrainSteps != (960-32)/2+1 {
		t.Errorf("last episode reports %d environment and %d training steps, expected 960 and %d", h[2].EnvSteps, h[2].TrainSteps, (960-32)/2+1)
	}
	res, err := Evaluate(tr.Network(), test, tr.Normalizer(), tr.EnvConfig())
	if err != nil {
		t.Fatal(err)
	}
	if res.Metrics != *h[2].Test {
		t.Errorf("Evaluate after training = %+v, expected the last episode's test metrics %+v", res.Metrics, *h[2].Test)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("the short run took %v, expected a few seconds", d)
	}
}
