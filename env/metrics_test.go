package env

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestSharpeRatioByHand(t *testing.T) {
	// mean 0.02, sample variance (0.0001+0.0001+0.0009+0.0009)/3
	returns := []float64{0.01, 0.03, -0.01, 0.05}
	want := 0.02 / math.Sqrt(0.002/3) * math.Sqrt(252)
	if got := SharpeRatio(returns, 252); !near(got, want) {
		t.Errorf("SharpeRatio = %v, expected %v", got, want)
	}
	if got := SharpeRatio([]float64{0.01}, 252); got != 0 {
		t.Errorf("SharpeRatio of one return = %v, expected 0", got)
	}
	if got := SharpeRatio([]float64{0.01, 0.01, 0.01}, 252); got != 0 {
		t.Errorf("SharpeRatio of constant returns = %v, expected 0", got)
	}
	curve := []float64{1, 1.01, 1.01 * 1.03, 1.01 * 1.03 * 0.99, 1.01 * 1.03 * 0.99 * 1.05}
	if got := curveSharpe(curve, 252); !near(got, want) {
		t.Errorf("curveSharpe = %v, expected %v", got, want)
	}
}

func TestMaxDrawdownByHand(t *testing.T) {
	cases := []struct {
		curve []float64
		want  float64
	}{
		{[]float64{1, 1.2, 0.9, 1.1, 0.6, 0.8}, 0.5},
		{[]float64{1, 2, 3}, 0},
		{[]float64{4, 3, 2, 1}, 0.75},
		{[]float64{1}, 0},
		{nil, 0},
	}
	for _, c := range cases {
		if got := MaxDrawdown(c.curve); !near(got, c.want) {
			t.Errorf("MaxDrawdown(%v) = %v, expected %v", c.curve, got, c.want)
		}
	}
}

func TestMetricsJSONNames(t *testing.T) {
	data, err := json.Marshal(Metrics{TotalReturn: 0.5, BuyHoldMaxDrawdown: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"total_return":0.5`, `"sharpe"`, `"max_drawdown"`, `"win_rate"`, `"trades"`,
		`"exposure"`, `"buy_hold_return"`, `"buy_hold_sharpe"`, `"buy_hold_max_drawdown":0.1`} {
		if !strings.Contains(string(data), key) {
			t.Errorf("JSON %s does not contain %s", data, key)
		}
	}
}
