package env

import (
	"math"
	"strings"
	"testing"
)

// scriptedSeries is a close-only series whose bars 1..6 are the prices of
// the hand-computed episode in TestEnvScriptedEpisode.
func scriptedSeries() *Series {
	prices := []float64{100, 100, 110, 99, 99, 90, 108}
	for len(prices) < 30 {
		prices = append(prices, 108)
	}
	return closeSeries(prices...)
}

func TestEnvScriptedEpisode(t *testing.T) {
	cfg := Config{Window: 2, Features: NumFeatures, CostBps: 10, MaxEpisodeSteps: 5}
	e, err := NewEnv(scriptedSeries(), identityNormalizer(false), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Reset(1); err != nil {
		t.Fatal(err)
	}
	cost := math.Log(1 - 10.0/1e4)
	steps := []struct {
		action int
		reward float64
	}{
		{Buy, cost + math.Log(110.0/100)}, // buy at 100, hold to 110
		{Sell, cost},                      // sell at 110: a winning trade
		{Buy, cost},                       // buy at 99, price unchanged
		{Hold, math.Log(90.0 / 99)},       // hold long to 90
		{Sell, cost},                      // sell at 90: a losing trade
	}
	for i, s := range steps {
		reward, done, err := e.Step(s.action)
		if err != nil {
			t.Fatal(err)
		}
		if !near(reward, s.reward) {
			t.Errorf("step %d reward = %v, expected %v", i, reward, s.reward)
		}
		if done != (i == len(steps)-1) {
			t.Errorf("step %d done = %v", i, done)
		}
	}
	if _, _, err := e.Step(Hold); err == nil || !strings.Contains(err.Error(), "call Reset") {
		t.Errorf("Step after the episode ended: error %v", err)
	}

	m := e.Metrics()
	if m.Steps != 5 || m.Start != 1 || m.End != 6 {
		t.Errorf("Steps %d, Start %d, End %d, expected 5 steps over bars 1..6", m.Steps, m.Start, m.End)
	}
	if want := math.Pow(0.999, 4) - 1; !near(m.TotalReturn, want) {
		t.Errorf("TotalReturn = %v, expected four costs and no net price change, %v", m.TotalReturn, want)
	}
	if m.Trades != 4 || m.ClosedTrades != 2 || m.WinRate != 0.5 {
		t.Errorf("Trades %d, ClosedTrades %d, WinRate %v, expected 4, 2, 0.5", m.Trades, m.ClosedTrades, m.WinRate)
	}
	if m.Exposure != 0.6 {
		t.Errorf("Exposure = %v, expected 3 long steps of 5", m.Exposure)
	}
	if want := 1 - math.Pow(0.999, 3)/1.1; !near(m.MaxDrawdown, want) {
		t.Errorf("MaxDrawdown = %v, expected %v", m.MaxDrawdown, want)
	}
	returns := []float64{0.999*1.1 - 1, 0.999 - 1, 0.999 - 1, 90.0/99 - 1, 0.999 - 1}
	if want := SharpeRatio(returns, TradingDaysPerYear); !near(m.Sharpe, want) {
		t.Errorf("Sharpe = %v, expected %v", m.Sharpe, want)
	}
	if !near(m.BuyHoldReturn, 0.08) || !near(m.BuyHoldMaxDrawdown, 1-90.0/110) {
		t.Errorf("buy-and-hold return %v, drawdown %v, expected 0.08 and %v", m.BuyHoldReturn, m.BuyHoldMaxDrawdown, 1-90.0/110)
	}
	bhReturns := []float64{0.1, 99.0/110 - 1, 0, 90.0/99 - 1, 108.0/90 - 1}
	if want := SharpeRatio(bhReturns, TradingDaysPerYear); !near(m.BuyHoldSharpe, want) {
		t.Errorf("BuyHoldSharpe = %v, expected %v", m.BuyHoldSharpe, want)
	}
	if curve := e.EquityCurve(); len(curve) != 6 || curve[0] != 1 || !near(curve[5], e.Equity()) {
		t.Errorf("EquityCurve = %v", curve)
	}
}

func TestEnvInvalidActionsHold(t *testing.T) {
	cfg := Config{Window: 2, Features: NumFeatures, CostBps: 10}
	e, err := NewEnv(scriptedSeries(), identityNormalizer(false), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Reset(1); err != nil {
		t.Fatal(err)
	}
	if r, _, _ := e.Step(Sell); r != 0 || e.Position() != 0 {
		t.Errorf("sell while flat: reward %v, position %d, expected a hold", r, e.Position())
	}
	if _, _, err := e.Step(Buy); err != nil {
		t.Fatal(err)
	}
	if r, _, _ := e.Step(Buy); !near(r, math.Log(99.0/99)) || e.Position() != 1 {
		t.Errorf("buy while long: reward %v, position %d, expected a hold without cost", r, e.Position())
	}
	if m := e.Metrics(); m.Trades != 1 {
		t.Errorf("Trades = %d, expected 1", m.Trades)
	}
}

func TestEnvErrors(t *testing.T) {
	cfg := Config{Window: 5, Features: NumFeatures, CostBps: 10}
	s := scriptedSeries()
	e, err := NewEnv(s, identityNormalizer(false), cfg)
	if err != nil {
		t.Fatal(err)
	}
	obs := make([]float32, cfg.ObservationSize())
	if err := e.Observe(obs); err == nil {
		t.Error("Observe before Reset: no error")
	}
	if _, _, err := e.Step(Hold); err == nil {
		t.Error("Step before Reset: no error")
	}
	for _, start := range []int{-1, 3, s.Len() - 1} {
		if err := e.Reset(start); err == nil || !strings.Contains(err.Error(), "[4, 28]") {
			t.Errorf("Reset(%d): error %v, expected one naming the range [4, 28]", start, err)
		}
	}
	if err := e.Reset(4); err != nil {
		t.Fatal(err)
	}
	if err := e.Observe(obs[1:]); err == nil || !strings.Contains(err.Error(), "expected Window*Features = 25") {
		t.Errorf("Observe with a short buffer: error %v", err)
	}
	for _, action := range []int{-1, 3} {
		if _, _, err := e.Step(action); err == nil || !strings.Contains(err.Error(), "invalid action") {
			t.Errorf("Step(%d): error %v", action, err)
		}
	}
	if e.Index() != 4 {
		t.Errorf("Index = %d after rejected steps, expected 4", e.Index())
	}
}

func TestNewEnvErrors(t *testing.T) {
	norm := identityNormalizer(false)
	short := closeSeries(1, 2, 3)
	if _, err := NewEnv(short, norm, DefaultConfig()); err == nil || !strings.Contains(err.Error(), "need at least Window+1 = 31") {
		t.Errorf("short series: error %v", err)
	}
	bad := scriptedSeries()
	bad.Close[3] = -1
	if _, err := NewEnv(bad, norm, Config{Window: 2, Features: 5}); err == nil || !strings.Contains(err.Error(), "bar 3 Close is -1") {
		t.Errorf("negative price: error %v", err)
	}
	if _, err := NewEnv(scriptedSeries(), nil, Config{Window: 2, Features: 5}); err == nil {
		t.Error("nil normaliser: no error")
	}
	if _, err := NewEnv(nil, norm, Config{Window: 2, Features: 5}); err == nil {
		t.Error("nil series: no error")
	}
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig: %v", err)
	}
	if d := DefaultConfig(); d.Window != 30 || d.Features != 5 || d.CostBps != 10 || d.ObservationSize() != 150 {
		t.Errorf("DefaultConfig = %+v", d)
	}
	cases := map[string]Config{
		"Window":          {Window: 0, Features: 5},
		"Features":        {Window: 30, Features: 4},
		"CostBps":         {Window: 30, Features: 5, CostBps: -1},
		"MaxEpisodeSteps": {Window: 30, Features: 5, MaxEpisodeSteps: -2},
	}
	for field, cfg := range cases {
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "Config."+field) {
			t.Errorf("invalid %s: error %v", field, err)
		}
	}
	nan := Config{Window: 30, Features: 5, CostBps: math.NaN()}
	if err := nan.Validate(); err == nil {
		t.Error("NaN CostBps: no error")
	}
}

func TestEnvMaxEpisodeSteps(t *testing.T) {
	cfg := Config{Window: 2, Features: NumFeatures, MaxEpisodeSteps: 3}
	e, err := NewEnv(scriptedSeries(), identityNormalizer(false), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ start, end int }{{1, 4}, {27, 29}} {
		if err := e.Reset(c.start); err != nil {
			t.Fatal(err)
		}
		steps := 0
		for done := false; !done; steps++ {
			if _, done, err = e.Step(Hold); err != nil {
				t.Fatal(err)
			}
		}
		if e.End() != c.end || steps != c.end-c.start {
			t.Errorf("Reset(%d): End %d after %d steps, expected end %d", c.start, e.End(), steps, c.end)
		}
	}
}
