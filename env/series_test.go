package env

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestSeriesValidate(t *testing.T) {
	cases := map[string]struct {
		edit     func(s *Series)
		fragment string
	}{
		"unsorted":        {func(s *Series) { s.Times[3] = s.Times[1] }, "bar 3 time"},
		"NaN close":       {func(s *Series) { s.Close[2] = math.NaN() }, "bar 2 Close is NaN"},
		"zero open":       {func(s *Series) { s.Open[4] = 0 }, "bar 4 Open is 0"},
		"high below low":  {func(s *Series) { s.High[5] = s.Low[5] / 2 }, "bar 5 High"},
		"negative volume": {func(s *Series) { s.Volume[6] = -1 }, "bar 6 Volume is -1"},
		"short volume":    {func(s *Series) { s.Volume = s.Volume[:3] }, "3 Volume values for 40 closes"},
		"short times":     {func(s *Series) { s.Times = s.Times[:3] }, "3 times for 40 closes"},
		"no frequency":    {func(s *Series) { s.PeriodsPerYear = 0 }, "PeriodsPerYear is 0"},
		"one bar":         {func(s *Series) { *s = *closeSeries(5) }, "need at least 2"},
	}
	for name, c := range cases {
		s := ohlcvSeries(40)
		c.edit(s)
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), c.fragment) {
			t.Errorf("%s: error %v, expected one containing %q", name, err, c.fragment)
		}
	}
	if err := ohlcvSeries(40).Validate(); err != nil {
		t.Errorf("valid series: %v", err)
	}
}

func TestSeriesSplits(t *testing.T) {
	s := ohlcvSeries(100)
	train, test, err := s.SplitIndex(70)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 70 || test.Len() != 30 || test.Close[0] != s.Close[70] || test.Volume[0] != s.Volume[70] {
		t.Errorf("SplitIndex(70): %d / %d bars", train.Len(), test.Len())
	}
	train, test, err = s.SplitAt(s.Times[40])
	if err != nil || train.Len() != 40 || !test.Times[0].Equal(s.Times[40]) {
		t.Errorf("SplitAt(bar 40 time): %v", err)
	}
	train, _, err = s.SplitFraction(0.25)
	if err != nil || train.Len() != 25 {
		t.Errorf("SplitFraction(0.25): %v", err)
	}
	// Appending to a part must not overwrite the other part.
	grown := append(train.Close, -1)
	if s.Close[25] == -1 || grown[25] != -1 {
		t.Error("appending to the training part overwrote the series")
	}

	for name, split := range map[string]func() error{
		"index 0":       func() error { _, _, err := s.SplitIndex(0); return err },
		"index Len":     func() error { _, _, err := s.SplitIndex(100); return err },
		"fraction 1":    func() error { _, _, err := s.SplitFraction(1); return err },
		"fraction NaN":  func() error { _, _, err := s.SplitFraction(math.NaN()); return err },
		"time before":   func() error { _, _, err := s.SplitAt(s.Times[0]); return err },
		"time after":    func() error { _, _, err := s.SplitAt(s.Times[99].Add(time.Hour)); return err },
		"slice reverse": func() error { _, err := s.Slice(5, 2); return err },
	} {
		if err := split(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestDetectPeriodsPerYear(t *testing.T) {
	start := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	every := func(n int, step time.Duration, skip func(time.Time) bool) []time.Time {
		var times []time.Time
		for t := start; len(times) < n; t = t.Add(step) {
			if skip == nil || !skip(t) {
				times = append(times, t)
			}
		}
		return times
	}
	weekend := func(t time.Time) bool { return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday }
	cases := []struct {
		name  string
		times []time.Time
		want  float64
	}{
		{"five-minute bars", every(500, 5*time.Minute, nil), 105120},
		{"hourly bars", every(500, time.Hour, nil), 8760},
		{"calendar days", every(400, 24*time.Hour, nil), 365},
		{"weekdays with holidays", every(600, 24*time.Hour, func(t time.Time) bool { return weekend(t) || t.YearDay()%30 == 0 }), 252},
		{"weeks", every(150, 7*24*time.Hour, nil), 52},
	}
	for _, c := range cases {
		got, err := DetectPeriodsPerYear(c.times)
		if err != nil || got != c.want {
			t.Errorf("%s: %v (%v), expected %v", c.name, got, err, c.want)
		}
	}
	if _, err := DetectPeriodsPerYear(every(1, time.Hour, nil)); err == nil {
		t.Error("one time stamp: no error")
	}
	if _, err := DetectPeriodsPerYear([]time.Time{start, start}); err == nil {
		t.Error("repeated time stamp: no error")
	}
}

func TestDecimalYearTime(t *testing.T) {
	got, err := DecimalYearTime(2021.5)
	if want := time.Date(2021, 7, 2, 12, 0, 0, 0, time.UTC); err != nil || !got.Equal(want) {
		t.Errorf("DecimalYearTime(2021.5) = %v (%v), expected %v", got, err, want)
	}
	for _, y := range []float64{0, -5, 10000, math.NaN(), math.Inf(1)} {
		if _, err := DecimalYearTime(y); err == nil {
			t.Errorf("DecimalYearTime(%v): no error", y)
		}
	}
}
