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
}

// newProgressReporter returns a reporter writing to w (normally stderr).
func newProgressReporter(w io.Writer, label string) *progressReporter {
	r := &progressReporter{w: w, label: label}
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

// report is the dqn.Options.Progress callback.
func (r *progressReporter) report(p dqn.Progress) {
	if !r.terminal {
		if p.Stats != nil {
			s := p.Stats
			attrs := []any{"model", r.label, "episode", s.Episode, "episodes", p.Episodes,
				"env_steps", s.EnvSteps, "train_steps", s.TrainSteps, "epsilon", round(s.Epsilon, 3),
				"loss", round(s.MeanLoss, 6), "return", round(s.Return, 4),
				"steps_per_s", round(p.StepsPerSecond, 1), "eta", p.Remaining.Round(time.Second).String()}
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
	fmt.Fprintf(r.w, "\r%s [%s] episode %d/%d step %d/%d  eps %.3f  loss %.5f  %.0f steps/s  %s left ",
		r.label, bar, p.Episode, p.Episodes, p.Tick, p.Ticks, p.Epsilon, p.Loss, p.StepsPerSecond, p.Remaining.Round(time.Second))
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
