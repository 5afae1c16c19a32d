package env

import (
	"fmt"
	"math"
	"time"
)

// Series is a price series with one bar per row, oldest first.
//
// Loaders return validated series. A Series built by hand must pass Validate
// before use; NewEnv, NewVecEnv, FitNormalizer and Backtest call it. The
// environment only reads a Series, and Slice and the Split methods share the
// backing arrays, so a Series must not be modified after it is in use.
type Series struct {
	// Name identifies the series in messages, for example the file's base name.
	Name string
	// Source is the path or resource the series was read from.
	Source string

	// Times holds the bar time stamps, strictly increasing. Yahoo CSV dates
	// are midnight UTC. See SyntheticTimes for series without calendar dates.
	Times []time.Time
	// SyntheticTimes is true when Times were derived from decimal years
	// (R's time-series time stamps such as 1991.496154) and are not real
	// trading dates. They are still strictly increasing, so SplitAt works.
	SyntheticTimes bool

	// HasOHLCV is true when Open, High, Low and Volume are present. A
	// close-only series has nil Open, High, Low and Volume.
	HasOHLCV bool
	Open     []float64
	High     []float64
	Low      []float64
	Close    []float64 // positive and finite, one per bar
	Volume   []float64 // non-negative and finite, in the units of the source

	// PeriodsPerYear is the number of bars in one year, used to annualise
	// the Sharpe ratio: 252 for daily stock bars, 105120 (365*24*12) for
	// five-minute bars that trade around the clock.
	PeriodsPerYear float64

	// SkippedLines lists the 1-based file lines that LoadOptions.SkipNullRows
	// dropped because they contained null or empty values.
	SkippedLines []int
}

// Len returns the number of bars.
func (s *Series) Len() int { return len(s.Close) }

// Validate checks the invariants the environment relies on: equal lengths,
// at least two bars, strictly increasing times, positive finite prices,
// High >= Low, non-negative finite volume, and a positive PeriodsPerYear.
func (s *Series) Validate() error {
	if s == nil {
		return fmt.Errorf("env: series is nil")
	}
	n := len(s.Close)
	if n < 2 {
		return fmt.Errorf("env: series %q has %d bars, need at least 2", s.Name, n)
	}
	if len(s.Times) != n {
		return fmt.Errorf("env: series %q has %d times for %d closes", s.Name, len(s.Times), n)
	}
	if s.HasOHLCV {
		for _, column := range [...]struct {
			name   string
			values []float64
		}{{"Open", s.Open}, {"High", s.High}, {"Low", s.Low}, {"Volume", s.Volume}} {
			if len(column.values) != n {
				return fmt.Errorf("env: series %q has %d %s values for %d closes", s.Name, len(column.values), column.name, n)
			}
		}
	}
	if !(s.PeriodsPerYear > 0) || math.IsInf(s.PeriodsPerYear, 0) {
		return fmt.Errorf("env: series %q: PeriodsPerYear is %v, expected a positive number such as 252", s.Name, s.PeriodsPerYear)
	}
	for i := range n {
		if err := s.validateRow(i); err != nil {
			return err
		}
	}
	return nil
}

func (s *Series) validateRow(i int) error {
	if i > 0 && !s.Times[i].After(s.Times[i-1]) {
		return fmt.Errorf("env: series %q: bar %d time %s is not after bar %d time %s",
			s.Name, i, s.Times[i].Format(time.RFC3339), i-1, s.Times[i-1].Format(time.RFC3339))
	}
	if !isPositivePrice(s.Close[i]) {
		return fmt.Errorf("env: series %q: bar %d Close is %v, expected a positive finite price", s.Name, i, s.Close[i])
	}
	if !s.HasOHLCV {
		return nil
	}
	for _, p := range [...]struct {
		name  string
		value float64
	}{{"Open", s.Open[i]}, {"High", s.High[i]}, {"Low", s.Low[i]}} {
		if !isPositivePrice(p.value) {
			return fmt.Errorf("env: series %q: bar %d %s is %v, expected a positive finite price", s.Name, i, p.name, p.value)
		}
	}
	if s.High[i] < s.Low[i] {
		return fmt.Errorf("env: series %q: bar %d High %v is below Low %v", s.Name, i, s.High[i], s.Low[i])
	}
	if v := s.Volume[i]; !(v >= 0) || math.IsInf(v, 0) {
		return fmt.Errorf("env: series %q: bar %d Volume is %v, expected a non-negative finite number", s.Name, i, v)
	}
	return nil
}

func isPositivePrice(p float64) bool { return p > 0 && !math.IsInf(p, 0) }

// Slice returns bars [from, to) as a Series that shares s's arrays.
// It keeps the name, source and frequency and drops SkippedLines.
func (s *Series) Slice(from, to int) (*Series, error) {
	if from < 0 || to > s.Len() || from >= to {
		return nil, fmt.Errorf("env: series %q: slice [%d, %d) is out of range for %d bars", s.Name, from, to, s.Len())
	}
	out := &Series{
		Name:           s.Name,
		Source:         s.Source,
		Times:          s.Times[from:to:to],
		SyntheticTimes: s.SyntheticTimes,
		HasOHLCV:       s.HasOHLCV,
		Close:          s.Close[from:to:to],
		PeriodsPerYear: s.PeriodsPerYear,
	}
	if s.HasOHLCV {
		out.Open = s.Open[from:to:to]
		out.High = s.High[from:to:to]
		out.Low = s.Low[from:to:to]
		out.Volume = s.Volume[from:to:to]
	}
	return out, nil
}
