package env

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LoadOptions controls how a price file is read and checked.
// The zero value is valid and rejects every questionable row.
type LoadOptions struct {
	// SkipNullRows drops rows that contain "null", "NaN" or empty values
	// in a column the loader reads, as Yahoo Finance writes for days without
	// trading, and records their line numbers in Series.SkippedLines.
	// Without it such rows are an error. Rows with other bad values are
	// errors either way.
	SkipNullRows bool

	// MinRows is the minimum number of bars after skipping. Zero means
	// DefaultConfig().Window+1, one full observation window and one step.
	MinRows int

	// PeriodsPerYear sets the bar frequency. Zero means detect it from the
	// time stamps with DetectPeriodsPerYear.
	PeriodsPerYear float64

	// TimeColumn names the time column of a close-only CSV. Empty means
	// "Date" if present, else "Time". Yahoo CSVs always use "Date".
	TimeColumn string

	// Column names the price column that Load reads from a close-only CSV.
	// Empty means the file is a Yahoo CSV or, with a .json extension, an
	// OHLCV JSON file.
	Column string

	// Name overrides Series.Name. Empty means the file's base name without
	// extension, followed by ":" and the column for close-only CSVs.
	Name string
}

func (o LoadOptions) minRows() int {
	if o.MinRows > 0 {
		return o.MinRows
	}
	return DefaultConfig().Window + 1
}

// Load reads a price file, choosing the format from opts and the path: a
// close-only CSV when opts.Column is set, OHLCV JSON for a .json extension,
// and a Yahoo-style CSV otherwise.
func Load(path string, opts LoadOptions) (*Series, error) {
	switch {
	case opts.Column != "":
		return LoadCloseCSV(path, opts.Column, opts)
	case strings.EqualFold(filepath.Ext(path), ".json"):
		return LoadOHLCVJSON(path, opts)
	default:
		return LoadYahooCSV(path, opts)
	}
}

func openData(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("env: open price data: %w", err)
	}
	return f, nil
}

func baseName(path string) string {
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// finishSeries checks the row count and order, and sets the frequency.
// orderError builds the error for bar i, whose time relation ("is earlier
// than" or "duplicates") to bar i-1 breaks the strictly increasing order.
func finishSeries(s *Series, orderError func(i int, relation string) error, opts LoadOptions) (*Series, error) {
	if n := s.Len(); n < opts.minRows() {
		return nil, &DataError{File: s.Source, Reason: fmt.Sprintf(
			"has %d usable rows, need at least %d (one observation window of %d bars and one step; set LoadOptions.MinRows to change)",
			n, opts.minRows(), opts.minRows()-1)}
	}
	for i := 1; i < s.Len(); i++ {
		if s.Times[i].After(s.Times[i-1]) {
			continue
		}
		relation := "is earlier than"
		if s.Times[i].Equal(s.Times[i-1]) {
			relation = "duplicates"
		}
		return nil, orderError(i, relation)
	}
	if opts.PeriodsPerYear != 0 {
		s.PeriodsPerYear = opts.PeriodsPerYear
	} else {
		ppy, err := DetectPeriodsPerYear(s.Times)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Source, err)
		}
		s.PeriodsPerYear = ppy
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Source, err)
	}
	return s, nil
}

// csvOrderError returns the order error builder of finishSeries for a CSV
// file, where lines holds the 1-based file line of each bar.
func csvOrderError(s *Series, lines []int) func(i int, relation string) error {
	return func(i int, relation string) error {
		return &DataError{File: s.Source, Line: lines[i], Reason: fmt.Sprintf(
			"time %s %s the time on line %d; rows must be in strictly increasing time order",
			formatTime(s.Times[i], s.SyntheticTimes), relation, lines[i-1])}
	}
}
