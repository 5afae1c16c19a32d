package env

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Common bar frequencies, in bars per year.
const (
	TradingDaysPerYear    = 252                                        // daily bars of an exchange closed on weekends and holidays
	BusinessDaysPerYear   = 260                                        // nominal daily frequency of R's EuStockMarkets data
	CalendarDaysPerYear   = 365                                        // daily bars of a market that trades every day
	FiveMinuteBarsPerDay  = 24 * 60 / 5                                // five-minute bars in a 24-hour day
	FiveMinuteBarsPerYear = CalendarDaysPerYear * FiveMinuteBarsPerDay // 105120
)

// snapTolerance is the relative distance within which a measured daily or
// slower rate is rounded to a common frequency.
const snapTolerance = 0.04

// DetectPeriodsPerYear estimates the number of bars per year from strictly
// increasing time stamps.
//
// When the median gap between bars is under 20 hours, the bars are taken as
// intraday bars of a market that trades around the clock, and the result is
// 365 days divided by the median gap (105120 for five-minute bars). Set the
// frequency by hand for intraday bars of a market with trading sessions.
//
// Otherwise the result is the number of gaps per 365.25-day year over the
// whole span, rounded to the nearest of 252, 260, 365, 52 or 12 when it is
// within 4 % of it. Daily stock data with weekends and holidays gives 252.
func DetectPeriodsPerYear(times []time.Time) (float64, error) {
	if len(times) < 2 {
		return 0, fmt.Errorf("env: detect bar frequency: need at least 2 time stamps, got %d", len(times))
	}
	gaps := make([]time.Duration, len(times)-1)
	for i := range gaps {
		gaps[i] = times[i+1].Sub(times[i])
		if gaps[i] <= 0 {
			return 0, fmt.Errorf("env: detect bar frequency: time %d (%s) is not after time %d (%s)",
				i+1, times[i+1].Format(time.RFC3339), i, times[i].Format(time.RFC3339))
		}
	}
	slices.Sort(gaps)
	median := gaps[len(gaps)/2]
	if median < 20*time.Hour {
		return float64(CalendarDaysPerYear*24*time.Hour) / float64(median), nil
	}

	years := times[len(times)-1].Sub(times[0]).Hours() / 24 / 365.25
	rate := float64(len(gaps)) / years
	best, bestDistance := rate, math.Inf(1)
	for _, common := range [...]float64{TradingDaysPerYear, BusinessDaysPerYear, CalendarDaysPerYear, 52, 12} {
		distance := math.Abs(rate-common) / common
		if distance <= snapTolerance && distance < bestDistance {
			best, bestDistance = common, distance
		}
	}
	return best, nil
}
