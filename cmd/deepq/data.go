package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/deepq-go/deepq/env"
)

// loadSeries reads a price file, or the embedded data when path is empty.
func loadSeries(path, column string) (*env.Series, error) {
	if path == "" {
		if column == "" {
			column = "DAX"
		}
		return env.Embedded(column)
	}
	return env.Load(path, env.LoadOptions{Column: column, SkipNullRows: true})
}

// loadTrainTest returns the training and test spans the data flags select.
func loadTrainTest(d dataFlags) (train, test *env.Series, err error) {
	all, err := loadSeries(d.data, d.priceColumn)
	if err != nil {
		return nil, nil, err
	}
	if d.testData != "" {
		if d.split != "" {
			return nil, nil, usagef("--split and --test-data are exclusive: the test span is either a part of --data or a separate file")
		}
		test, err := loadSeries(d.testData, d.priceColumn)
		if err != nil {
			return nil, nil, err
		}
		if test.HasOHLCV != all.HasOHLCV {
			return nil, nil, fmt.Errorf("--data %s and --test-data %s differ in kind (OHLCV or close-only); use files of the same format", all.Name, test.Name)
		}
		return all, test, nil
	}
	return splitSeries(all, d.split, d.data == "")
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
