package env

import (
	"errors"
	"strings"
	"testing"
)

func TestBacktestAlwaysLong(t *testing.T) {
	s := ohlcvSeries(100)
	cfg := DefaultConfig()
	cfg.MaxEpisodeSteps = 5 // Backtest ignores the cap
	norm, err := FitNormalizer(s)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	r, err := Backtest(s, norm, cfg, func(obs []float32) (int, error) {
		calls++
		if len(obs) != cfg.ObservationSize() {
			t.Fatalf("policy got %d values, expected %d", len(obs), cfg.ObservationSize())
		}
		return Buy, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	first := cfg.Window - 1
	m := r.Metrics
	if calls != 100-cfg.Window || m.Steps != calls || m.Start != first || m.End != 99 {
		t.Errorf("calls %d, Steps %d, Start %d, End %d", calls, m.Steps, m.Start, m.End)
	}
	if want := 0.999*s.Close[99]/s.Close[first] - 1; !near(m.TotalReturn, want) {
		t.Errorf("TotalReturn = %v, expected buy-and-hold less one cost, %v", m.TotalReturn, want)
	}
	if want := s.Close[99]/s.Close[first] - 1; !near(m.BuyHoldReturn, want) {
		t.Errorf("BuyHoldReturn = %v, expected %v", m.BuyHoldReturn, want)
	}
	if m.Exposure != 1 || m.Trades != 1 || m.ClosedTrades != 0 || m.WinRate != 0 {
		t.Errorf("Exposure %v, Trades %d, ClosedTrades %d, WinRate %v", m.Exposure, m.Trades, m.ClosedTrades, m.WinRate)
	}
	if len(r.Times) != m.Steps+1 || len(r.Equity) != m.Steps+1 || len(r.BuyHoldEquity) != m.Steps+1 || len(r.Positions) != m.Steps {
		t.Fatalf("curve lengths %d, %d, %d, %d", len(r.Times), len(r.Equity), len(r.BuyHoldEquity), len(r.Positions))
	}
	if !r.Times[0].Equal(s.Times[first]) || r.BuyHoldEquity[0] != 1 || r.Equity[0] != 1 {
		t.Errorf("curves start at %v, %v, %v", r.Times[0], r.Equity[0], r.BuyHoldEquity[0])
	}
	for i := 1; i < len(r.Equity); i++ {
		if !near(r.Equity[i], 0.999*r.BuyHoldEquity[i]) {
			t.Fatalf("Equity[%d] = %v, expected 0.999 * buy-and-hold %v", i, r.Equity[i], r.BuyHoldEquity[i])
		}
	}
	if !near(m.MaxDrawdown, m.BuyHoldMaxDrawdown) {
		t.Errorf("MaxDrawdown %v differs from buy-and-hold %v when always long", m.MaxDrawdown, m.BuyHoldMaxDrawdown)
	}
}

func TestBacktestPolicyErrors(t *testing.T) {
	s := ohlcvSeries(60)
	norm, err := FitNormalizer(s)
	if err != nil {
		t.Fatal(err)
	}
	failure := errors.New("model not loaded")
	_, err = Backtest(s, norm, DefaultConfig(), func([]float32) (int, error) { return 0, failure })
	if !errors.Is(err, failure) || !strings.Contains(err.Error(), "bar 29") {
		t.Errorf("policy error: %v", err)
	}
	_, err = Backtest(s, norm, DefaultConfig(), func([]float32) (int, error) { return 7, nil })
	if err == nil || !strings.Contains(err.Error(), "Step(7): invalid action") {
		t.Errorf("invalid action: %v", err)
	}
	if _, err := Backtest(s, norm, DefaultConfig(), nil); err == nil {
		t.Error("nil policy: no error")
	}
}
