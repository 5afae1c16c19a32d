package env

import (
	"math"
	"testing"
	"time"
)

// TestRealYahooFiles loads the four Yahoo Finance daily files (S&P 500 and
// GOOG, each a training span and the following test year) and checks row
// counts, dates, frequency and features. The GOOG files have no final
// newline, and their last rows (2017-08-09 and 2018-08-10) must still count:
// they hold 1761 and 253 data rows after the header.
func TestRealYahooFiles(t *testing.T) {
	cases := []struct {
		file        string
		rows        int
		first, last string
	}{
		{"sp500_2001-01-02_2010-12-31.csv", 2515, "2001-01-02", "2010-12-31"},
		{"sp500_2011-01-03_2011-12-30.csv", 252, "2011-01-03", "2011-12-30"},
		{"goog_2010-08-12_2017-08-09.csv", 1761, "2010-08-12", "2017-08-09"},
		{"goog_2017-08-10_2018-08-10.csv", 253, "2017-08-10", "2018-08-10"},
	}
	series := map[string]*Series{}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			s, err := LoadYahooCSV(sharedData(t, "data", c.file), LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if s.Len() != c.rows {
				t.Errorf("Len = %d, expected %d", s.Len(), c.rows)
			}
			if got := s.Times[0].Format(time.DateOnly); got != c.first {
				t.Errorf("first date %s, expected %s", got, c.first)
			}
			if got := s.Times[s.Len()-1].Format(time.DateOnly); got != c.last {
				t.Errorf("last date %s, expected %s", got, c.last)
			}
			if s.PeriodsPerYear != TradingDaysPerYear {
				t.Errorf("PeriodsPerYear = %v, expected %d", s.PeriodsPerYear, TradingDaysPerYear)
			}
			series[c.file] = s
		})
	}

	// Fit on each training file and apply to it and to its test year.
	for _, pair := range [][2]string{
		{"sp500_2001-01-02_2010-12-31.csv", "sp500_2011-01-03_2011-12-30.csv"},
		{"goog_2010-08-12_2017-08-09.csv", "goog_2017-08-10_2018-08-10.csv"},
	} {
		train, test := series[pair[0]], series[pair[1]]
		if train == nil || test == nil {
			continue
		}
		norm, err := FitNormalizer(train)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []*Series{train, test} {
			z, err := norm.Transform(s)
			if err != nil {
				t.Fatal(err)
			}
			checkFinite(t, s.Name, z)
		}
		r, err := Backtest(test, norm, DefaultConfig(), func([]float32) (int, error) { return Buy, nil })
		if err != nil {
			t.Fatal(err)
		}
		if want := test.Len() - DefaultConfig().Window; r.Metrics.Steps != want {
			t.Errorf("%s: backtest has %d steps, expected %d", test.Name, r.Metrics.Steps, want)
		}
		for i, v := range r.Equity {
			if !(v > 0) || math.IsInf(v, 0) {
				t.Fatalf("%s: Equity[%d] = %v, expected a positive finite value", test.Name, i, v)
			}
		}
	}
}

// TestRealCryptoJSON loads 17400 five-minute bars, more than half of them
// with zero volume, from the JSON export of the earlier Python system.
func TestRealCryptoJSON(t *testing.T) {
	s, err := LoadOHLCVJSON(sharedData(t, "origin", "wirt_5min_ohlcv.json"), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 17400 {
		t.Errorf("Len = %d, expected 17400", s.Len())
	}
	if s.PeriodsPerYear != FiveMinuteBarsPerYear {
		t.Errorf("PeriodsPerYear = %v, expected %d", s.PeriodsPerYear, FiveMinuteBarsPerYear)
	}
	zeros := 0
	for _, v := range s.Volume {
		if v == 0 {
			zeros++
		}
	}
	if zeros != 10380 {
		t.Errorf("%d zero-volume bars, expected 10380", zeros)
	}
	train, test, err := s.SplitFraction(0.8)
	if err != nil {
		t.Fatal(err)
	}
	norm, err := FitNormalizer(train)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []*Series{train, test} {
		z, err := norm.Transform(part)
		if err != nil {
			t.Fatal(err)
		}
		checkFinite(t, "crypto features", z)
	}
}

// TestRealEuStockFile reads the shared copy of the EuStockMarkets export
// through the public CSV loader, as a user with that file would.
func TestRealEuStockFile(t *testing.T) {
	s, err := LoadCloseCSV(sharedData(t, "data", "eustockmarkets_1991-1998.csv"), "FTSE", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 1860 || s.PeriodsPerYear != BusinessDaysPerYear || s.Close[0] != 2443.6 {
		t.Errorf("Len %d, PeriodsPerYear %v, first close %v", s.Len(), s.PeriodsPerYear, s.Close[0])
	}
}
