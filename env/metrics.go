package env

import (
	"math"
	"time"
)

// Metrics summarises an episode. Returns are fractions (0.05 is 5 %), and
// the buy-and-hold figures hold the series from the close of the start bar
// to the close of the end bar without transaction costs.
type Metrics struct {
	Start     int       `json:"start"`      // first bar of the episode
	End       int       `json:"end"`        // last bar reached
	StartTime time.Time `json:"start_time"` // time of bar Start
	EndTime   time.Time `json:"end_time"`   // time of bar End
	Steps     int       `json:"steps"`      // End - Start

	// TotalReturn is the final portfolio value over the initial one, minus 1,
	// net of transaction costs.
	TotalReturn float64 `json:"total_return"`
	// Sharpe is the annualised Sharpe ratio of the per-step simple returns
	// with a zero risk-free rate; see SharpeRatio.
	Sharpe float64 `json:"sharpe"`
	// MaxDrawdown is the largest fall from a running peak of portfolio
	// value, as a fraction of that peak; see MaxDrawdown.
	MaxDrawdown float64 `json:"max_drawdown"`
	// Trades is the number of position changes, each charged the cost.
	Trades int `json:"trades"`
	// ClosedTrades is the number of round trips closed by a sell; a position
	// still open at the end is not counted.
	ClosedTrades int `json:"closed_trades"`
	// WinRate is the fraction of closed trades whose value at the sell,
	// after both costs, exceeds the value before the buy; 0 without trades.
	WinRate float64 `json:"win_rate"`
	// Exposure is the fraction of steps spent long.
	Exposure float64 `json:"exposure"`

	BuyHoldReturn      float64 `json:"buy_hold_return"`
	BuyHoldSharpe      float64 `json:"buy_hold_sharpe"`
	BuyHoldMaxDrawdown float64 `json:"buy_hold_max_drawdown"`
}

// SharpeRatio returns mean(returns) / std(returns) * sqrt(periodsPerYear),
// with the sample standard deviation (n-1 in the denominator) and a zero
// risk-free rate. It returns 0 for fewer than two returns or a zero
// standard deviation.
func SharpeRatio(returns []float64, periodsPerYear float64) float64 {
	n := len(returns)
	if n < 2 {
		return 0
	}
	var sum float64
	for _, r := range returns {
		sum += r
	}
	mean := sum / float64(n)
	var squares float64
	for _, r := range returns {
		squares += (r - mean) * (r - mean)
	}
	return sharpe(mean, squares, n, periodsPerYear)
}

// curveSharpe is SharpeRatio of the simple returns between consecutive
// values of a positive curve, computed without allocating.
func curveSharpe(curve []float64, periodsPerYear float64) float64 {
	n := len(curve) - 1
	if n < 2 {
		return 0
	}
	var sum float64
	for i := range n {
		sum += curve[i+1]/curve[i] - 1
	}
	mean := sum / float64(n)
	var squares float64
	for i := range n {
		d := curve[i+1]/curve[i] - 1 - mean
		squares += d * d
	}
	return sharpe(mean, squares, n, periodsPerYear)
}

func sharpe(mean, squares float64, n int, periodsPerYear float64) float64 {
	std := math.Sqrt(squares / float64(n-1))
	if std == 0 {
		return 0
	}
	return mean / std * math.Sqrt(periodsPerYear)
}

// MaxDrawdown returns the largest fall of a positive curve from its running
// peak, as a fraction of the peak: 0.25 means the value dropped 25 % below
// an earlier high. It returns 0 for a curve that never falls.
func MaxDrawdown(curve []float64) float64 {
	var peak, worst float64
	for _, v := range curve {
		peak = max(peak, v)
		if peak > 0 {
			worst = max(worst, 1-v/peak)
		}
	}
	return worst
}
