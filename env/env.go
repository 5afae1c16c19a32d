package env

import (
	"fmt"
	"math"
)

// Actions. An action that cannot change the position (Buy while long, Sell
// while flat) acts as Hold.
const (
	Hold = 0 // keep the position
	Buy  = 1 // go long with the whole portfolio when flat
	Sell = 2 // go flat when long
)

// NumActions is the number of actions, the size of a Q-network's output.
const NumActions = 3

// Env is one trading episode over a Series: a single long-or-flat position
// in the series' close price.
//
// At bar t the agent observes the Window bars ending at t, then acts at the
// close of t. The reward of the step is the log return of the portfolio from
// the close of t to the close of t+1, net of the cost of any position change
// at t. An episode runs from the start bar to the last bar of the series, or
// for at most Config.MaxEpisodeSteps steps.
//
// An Env is not safe for concurrent use. Observe, Step and Reset allocate
// nothing.
type Env struct {
	cfg      Config
	series   *Series
	features []float32 // normalised market features, marketFeatures per bar
	cost     float64   // log return charged per position change
	record   bool      // whether Step appends to equityCurve and positions

	start, t, end int // first bar, current bar and last bar of the episode
	started       bool
	position      int
	logEquity     float64
	entryEquity   float64 // portfolio value before the cost of the open trade's buy
	trades        int
	closedTrades  int
	wins          int
	longSteps     int
	equityCurve   []float64 // portfolio value at bars start..t, starting at 1
	positions     []int8    // position held over each step
}

// NewEnv returns an environment over s with features normalised by norm.
// The series needs at least Window+1 bars. Call Reset before the first Step.
func NewEnv(s *Series, norm *Normalizer, cfg Config) (*Env, error) {
	features, err := prepare(s, norm, cfg)
	if err != nil {
		return nil, err
	}
	return newEnv(s, features, cfg, true), nil
}

// prepare validates the inputs and computes the normalised features.
func prepare(s *Series, norm *Normalizer, cfg Config) ([]float32, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if s == nil {
		return nil, fmt.Errorf("env: series is nil")
	}
	if s.Len() < cfg.Window+1 {
		return nil, fmt.Errorf("env: series %q has %d bars, need at least Window+1 = %d for one step",
			s.Name, s.Len(), cfg.Window+1)
	}
	return norm.Transform(s)
}

func newEnv(s *Series, features []float32, cfg Config, record bool) *Env {
	e := &Env{cfg: cfg, series: s, features: features, cost: cfg.costLogReturn(), record: record}
	if record {
		e.equityCurve = make([]float64, 0, s.Len())
		e.positions = make([]int8, 0, s.Len())
	}
	return e
}

// Reset starts an episode at bar start, flat and with portfolio value 1.
// Start must be in [Window-1, Len-2] so that a full window and one step exist.
func (e *Env) Reset(start int) error {
	n := e.series.Len()
	if start < e.cfg.Window-1 || start > n-2 {
		return fmt.Errorf("env: Reset(%d): start must be in [%d, %d] for a window of %d bars over %d bars",
			start, e.cfg.Window-1, n-2, e.cfg.Window, n)
	}
	e.start, e.t, e.end = start, start, n-1
	if e.cfg.MaxEpisodeSteps > 0 {
		e.end = min(e.end, start+e.cfg.MaxEpisodeSteps)
	}
	e.started = true
	e.position = 0
	e.logEquity = 0
	e.entryEquity = 0
	e.trades, e.closedTrades, e.wins, e.longSteps = 0, 0, 0, 0
	if e.record {
		e.equityCurve = append(e.equityCurve[:0], 1)
		e.positions = e.positions[:0]
	}
	return nil
}

// Observe writes the observation at the current bar t into dst, which must
// have length Window*Features: dst[k*Features+f] is feature f of bar
// t-Window+1+k, oldest first, with the current position (0 or 1) as the
// last feature of every bar.
func (e *Env) Observe(dst []float32) error {
	if !e.started {
		return fmt.Errorf("env: Observe before Reset")
	}
	if len(dst) != e.cfg.ObservationSize() {
		return fmt.Errorf("env: Observe: len(dst) is %d, expected Window*Features = %d", len(dst), e.cfg.ObservationSize())
	}
	e.observe(dst)
	return nil
}

func (e *Env) observe(dst []float32) {
	position := float32(e.position)
	first := e.t + 1 - e.cfg.Window
	for k := range e.cfg.Window {
		bar := e.features[(first+k)*marketFeatures : (first+k+1)*marketFeatures]
		row := dst[k*NumFeatures : (k+1)*NumFeatures]
		copy(row, bar)
		row[positionFeature] = position
	}
}

// Step applies action at the close of the current bar, moves to the next
// bar and returns the step's reward as a log return. Done is true when the
// episode has reached its last bar; Step then returns an error until Reset.
func (e *Env) Step(action int) (reward float64, done bool, err error) {
	if !e.started {
		return 0, false, fmt.Errorf("env: Step before Reset")
	}
	if e.t >= e.end {
		return 0, true, fmt.Errorf("env: Step after the episode ended at bar %d; call Reset", e.end)
	}
	if action < 0 || action >= NumActions {
		return 0, false, fmt.Errorf("env: Step(%d): invalid action, expected 0 (hold), 1 (buy) or 2 (sell)", action)
	}
	return e.step(action), e.t >= e.end, nil
}

func (e *Env) step(action int) float64 {
	next := e.position
	if action == Buy {
		next = 1
	} else if action == Sell {
		next = 0
	}
	var reward float64
	if next != e.position {
		reward += e.cost
		e.trades++
		if next == 1 {
			e.entryEquity = math.Exp(e.logEquity)
		} else {
			e.closedTrades++
			if math.Exp(e.logEquity+e.cost) > e.entryEquity {
				e.wins++
			}
		}
		e.position = next
	}
	if e.position == 1 {
		reward += math.Log(e.series.Close[e.t+1] / e.series.Close[e.t])
		e.longSteps++
	}
	e.logEquity += reward
	e.t++
	if e.record {
		e.equityCurve = append(e.equityCurve, math.Exp(e.logEquity))
		e.positions = append(e.positions, int8(e.position))
	}
	return reward
}

// Position returns 1 when long and 0 when flat.
func (e *Env) Position() int { return e.position }

// Index returns the current bar, the newest bar of the next observation.
func (e *Env) Index() int { return e.t }

// Start returns the first bar of the episode.
func (e *Env) Start() int { return e.start }

// End returns the last bar of the episode.
func (e *Env) End() int { return e.end }

// Done reports whether the episode has reached its last bar.
func (e *Env) Done() bool { return e.started && e.t >= e.end }

// Equity returns the portfolio value, 1 at Reset.
func (e *Env) Equity() float64 { return math.Exp(e.logEquity) }

// EquityCurve returns the portfolio value at bars Start..Index, starting at
// 1. The slice is owned by the Env and changes with the next Step or Reset.
func (e *Env) EquityCurve() []float64 { return e.equityCurve }

// Config returns the configuration.
func (e *Env) Config() Config { return e.cfg }

// Series returns the series the environment trades.
func (e *Env) Series() *Series { return e.series }

// Metrics summarises the episode so far against buy-and-hold over the same bars.
func (e *Env) Metrics() Metrics {
	m := Metrics{
		Start:        e.start,
		End:          e.t,
		Steps:        e.t - e.start,
		Trades:       e.trades,
		ClosedTrades: e.closedTrades,
	}
	if !e.started || m.Steps == 0 {
		return m
	}
	s := e.series
	m.StartTime, m.EndTime = s.Times[e.start], s.Times[e.t]
	m.TotalReturn = e.Equity() - 1
	m.Sharpe = curveSharpe(e.equityCurve, s.PeriodsPerYear)
	m.MaxDrawdown = MaxDrawdown(e.equityCurve)
	if e.closedTrades > 0 {
		m.WinRate = float64(e.wins) / float64(e.closedTrades)
	}
	m.Exposure = float64(e.longSteps) / float64(m.Steps)
	closes := s.Close[e.start : e.t+1]
	m.BuyHoldReturn = closes[len(closes)-1]/closes[0] - 1
	m.BuyHoldSharpe = curveSharpe(closes, s.PeriodsPerYear)
	m.BuyHoldMaxDrawdown = MaxDrawdown(closes)
	return m
}
