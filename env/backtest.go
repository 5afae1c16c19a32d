package env

import (
	"fmt"
	"time"
)

// Policy chooses an action for an observation of Window*Features values.
// It must not keep obs, which the caller reuses.
type Policy func(obs []float32) (int, error)

// BacktestResult holds the metrics of a backtest and the curves for charts.
// Times, Equity and BuyHoldEquity have one entry per bar from the first
// decision bar to the last bar; both curves start at 1.
type BacktestResult struct {
	Metrics       Metrics     `json:"metrics"`
	Times         []time.Time `json:"times"`
	Equity        []float64   `json:"equity"`
	BuyHoldEquity []float64   `json:"buy_hold_equity"`
	// Positions holds the position (0 or 1) held over each step, one fewer
	// entry than Equity.
	Positions []int8 `json:"positions"`
}

// Backtest runs policy over s from the first full window, bar Window-1, to
// the last bar, ignoring Config.MaxEpisodeSteps, and returns the metrics and
// equity curves. An error from the policy, or an invalid action, stops the
// run and is returned with the bar it happened at.
func Backtest(s *Series, norm *Normalizer, cfg Config, policy Policy) (*BacktestResult, error) {
	if policy == nil {
		return nil, fmt.Errorf("env: Backtest: policy is nil")
	}
	cfg.MaxEpisodeSteps = 0
	e, err := NewEnv(s, norm, cfg)
	if err != nil {
		return nil, err
	}
	if err := e.Reset(cfg.Window - 1); err != nil {
		return nil, err
	}
	obs := make([]float32, cfg.ObservationSize())
	for !e.Done() {
		e.observe(obs)
		action, err := policy(obs)
		if err != nil {
			return nil, fmt.Errorf("env: Backtest on %q: policy at bar %d: %w", s.Name, e.t, err)
		}
		if _, _, err := e.Step(action); err != nil {
			return nil, fmt.Errorf("env: Backtest on %q at bar %d: %w", s.Name, e.t, err)
		}
	}

	r := &BacktestResult{
		Metrics:       e.Metrics(),
		Times:         append([]time.Time(nil), s.Times[e.start:e.t+1]...),
		Equity:        append([]float64(nil), e.equityCurve...),
		BuyHoldEquity: make([]float64, e.t-e.start+1),
		Positions:     append([]int8(nil), e.positions...),
	}
	for i := range r.BuyHoldEquity {
		r.BuyHoldEquity[i] = s.Close[e.start+i] / s.Close[e.start]
	}
	return r, nil
}
