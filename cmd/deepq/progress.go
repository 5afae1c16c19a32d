package main

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"strings"
	"time"

	"github.com/deepq-go/deepq/dqn"
)

// progressReporter shows training progress: a bar redrawn in place when
// the output is a terminal, and one log line per episode otherwise.
type progressReporter struct {
	w        io.Writer
	label    string
	terminal bool
	logger   *slog.Logger
	lastDraw time.Time
	drawn    bool

	// now is the clock of the time-left estimate; nil means time.Now.
	now func() time.Time
	// trainingSince and trainingFrom are the time and the environment step
	// count of the first report with training steps, zero before it.
	trainingSince time.Time
	trainingFrom  int64
}

// newProgressReporter returns a reporter writing to w (normally stderr).
func newProgressReporter(w io.Writer, label string) *progressReporter {
	r := &progressReporter{w: w, label: label, now: time.Now}
	if f, ok := w.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			r.terminal = true
		}
	}
	if !r.terminal {
		r.logger = slog.New(slog.NewTextHandler(w, nil))
	}
	return r
}

// timeLeft estimates the time left from the environment steps per second
// since the first report with training steps. Before that it returns
// "unknown", because warm-up steps, which do not train, run many times
// faster than training steps and would make the estimate far too short.
func (r *progressReporter) timeLeft(p dqn.Progress) string {
	now := time.Now
	if r.now != nil {
		now = r.now
	}
	if p.TrainSteps == 0 {
		return "unknown"
	}
	if r.trainingSince.IsZero() {
		r.trainingSince, r.trainingFrom = now(), p.EnvSteps
		return "unknown"
	}
	elapsed := now().Sub(r.trainingSince).Seconds()
	if elapsed <= 0 || p.EnvSteps <= r.trainingFrom {
		return "unknown"
	}
	rate := float64(p.EnvSteps-r.trainingFrom) / elapsed
	left := float64(max(p.TotalSteps-p.EnvSteps, 0)) / rate
	return time.Duration(left * float64(time.Second)).Round(time.Second).String()
}

// report is the dqn.Options.Progress callback.
func (r *progressReporter) report(p dqn.Progress) {
	eta := r.timeLeft(p)
	if !r.terminal {
		if p.Stats != nil {
			s := p.Stats
			attrs := []any{"model", r.label, "episode", s.Episode, "episodes", p.Episodes,
				"env_steps", s.EnvSteps, "train_steps", s.TrainSteps, "epsilon", round(s.Epsilon, 3),
				"loss", round(s.MeanLoss, 6), "return", round(s.Return, 4),
				"steps_per_s", round(p.StepsPerSecond, 1), "eta", eta}
			r.logger.Info("episode done", attrs...)
		}
		return
	}
	if p.Stats == nil && time.Since(r.lastDraw) < 200*time.Millisecond {
		return
	}
	r.lastDraw = time.Now()
	const width = 24
	done := 0
	if p.TotalSteps > 0 {
		done = int(width * p.EnvSteps / p.TotalSteps)
	}
	bar := strings.Repeat("#", done) + strings.Repeat(".", width-done)
	// The padding overwrites the end of a longer previous line.
	fmt.Fprintf(r.w, "\r%s [%s] episode %d/%d step %d/%d  eps %.3f  loss %.5f  %.0f steps/s  %-15s",
		r.label, bar, p.Episode, p.Episodes, p.Tick, p.Ticks, p.Epsilon, p.Loss, p.StepsPerSecond, eta+" left")
	r.drawn = true
}

// finish ends the bar's line.
func (r *progressReporter) finish() {
	if r.drawn {
		fmt.Fprintln(r.w)
		r.drawn = false
	}
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}
