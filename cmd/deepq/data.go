package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/deepq-go/deepq/env"
)

// loadSeries reads a price file, or the embedded data when path is empty.
// The command checks the number of bars itself with checkBars, so the
// loader's own minimum is lowered to the 2 bars it needs to detect the bar
// frequency. Rows with missing values are skipped, and warn receives one
// line naming them.
func loadSeries(path, column string, window int, warn io.Writer) (*env.Series, error) {
	if path == "" {
		if column == "" {
			column = "DAX"
		}
		return env.Embedded(column)
	}
	s, err := env.Load(path, env.LoadOptions{Column: column, SkipNullRows: true, MinRows: 2})
	if err != nil {
		return nil, rephraseLoadError(err, window)
	}
	reportSkipped(warn, path, s.SkippedLines)
	return s, nil
}

// reportSkipped writes one warning line listing the skipped rows of path,
// the first ten of them by line number.
func reportSkipped(warn io.Writer, path string, lines []int) {
	if len(lines) == 0 {
		return
	}
	shown := make([]string, 0, 10)
	for _, l := range lines[:min(len(lines), 10)] {
		shown = append(shown, strconv.Itoa(l))
	}
	more := ""
	if len(lines) > 10 {
		more = fmt.Sprintf(" and %d more", len(lines)-10)
	}
	fmt.Fprintf(warn, "deepq: warning: %s: skipped %d rows with missing values (null, empty or NaN) at lines %s%s\n",
		path, len(lines), strings.Join(shown, ", "), more)
}

// rephraseLoadError replaces the loader's advice to set
// env.LoadOptions.MinRows, which a command-line user cannot do, with the
// number of bars the command needs.
func rephraseLoadError(err error, window int) error {
	var de *env.DataError
	if !errors.As(err, &de) || !strings.Contains(de.Reason, "LoadOptions") {
		return err
	}
	short := *de
	short.Reason = fmt.Sprintf("has fewer than 2 usable rows, but deepq needs at least %d bars (--window %d plus 2)", window+2, window)
	return &short
}

// checkBars checks that s is long enough for observations of window bars.
// name describes s in the message, such as "--data prices.csv".
func checkBars(name string, s *env.Series, window int) error {
	if s.Len() >= window+2 {
		return nil
	}
	return fmt.Errorf("%s has %d bars, but deepq needs at least %d (--window %d plus 2); use a longer file or a smaller --window",
		name, s.Len(), window+2, window)
}

// loadTrainTest returns the training and test spans the data flags select,
// each with enough bars for observations of window bars.
func loadTrainTest(d dataFlags, window int, warn io.Writer) (train, test *env.Series, err error) {
	if d.testData != "" && d.split != "" {
		return nil, nil, usagef("--split and --test-data are exclusive: the test span is either a part of --data or a separate file")
	}
	all, err := loadSeries(d.data, d.priceColumn, window, warn)
	if err != nil {
		return nil, nil, err
	}
	if d.data != "" {
		if err := checkBars("--data "+d.data, all, window); err != nil {
			return nil, nil, err
		}
	}
	if d.testData != "" {
		test, err = loadSeries(d.testData, d.priceColumn, window, warn)
		if err != nil {
			return nil, nil, explainTestDataError(err, d)
		}
		if test.HasOHLCV != all.HasOHLCV {
			return nil, nil, fmt.Errorf("--data %s and --test-data %s differ in kind (OHLCV or close-only); use files of the same format", all.Name, test.Name)
		}
		train = all
	} else if train, test, err = splitSeries(all, d.split, d.data == ""); err != nil {
		return nil, nil, err
	}

	trainName, testName := "the training span of "+all.Name, "the test span of "+all.Name
	if d.testData != "" {
		trainName, testName = "--data "+d.data, "--test-data "+d.testData
	}
	if err := checkBars(trainName, train, window); err != nil {
		return nil, nil, err
	}
	if err := checkBars(testName, test, window); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// explainTestDataError adds to a missing-column error of the --test-data
// file that --price-column, or its absence, applies to both files.
func explainTestDataError(err error, d dataFlags) error {
	var de *env.DataError
	if !errors.As(err, &de) || !strings.Contains(de.Reason, "not found") {
		return err
	}
	column := "no --price-column, so both files are read as Yahoo CSVs or OHLCV JSON"
	if d.priceColumn != "" {
		column = fmt.Sprintf("--price-column %q is read from both files", d.priceColumn)
	}
	return fmt.Errorf("--test-data: %w (--test-data is read like --data: %s; use files with the same columns)", err, column)
}

// splitSeries splits s at a date or a fraction. An empty split uses the
// default of the embedded data or 0.8.
func splitSeries(s *env.Series, split string, embedded bool) (train, test *env.Series, err error) {
	switch {
	case split == "" && embedded:
		return env.SplitEuStock(s)
	case split == "":
		return s.SplitFraction(0.8)
	}
	if t, err := time.Parse(time.DateOnly, split); err == nil {
		return s.SplitAt(t)
	}
	f, err := strconv.ParseFloat(split, 64)
	if err != nil || strings.ContainsAny(split, "xX") {
		return nil, nil, usagef("--split is %q, expected a date YYYY-MM-DD or a fraction such as 0.8", split)
	}
	return s.SplitFraction(f)
}
