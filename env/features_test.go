package env

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

// checkFinite fails when any value is NaN or infinite.
func checkFinite(t *testing.T, name string, values []float32) {
	t.Helper()
	for i, v := range values {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("%s: value %d (bar %d, feature %d) is %v", name, i, i/marketFeatures, i%marketFeatures, v)
		}
	}
}

// ohlcvSeries builds a valid daily OHLCV series of n bars with a wavy close
// and volume that is zero on every third bar.
func ohlcvSeries(n int) *Series {
	s := &Series{Name: "ohlcv", HasOHLCV: true, PeriodsPerYear: TradingDaysPerYear}
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		c := 100 + 10*math.Sin(float64(i)/4) + float64(i)/10
		s.Times = append(s.Times, day.AddDate(0, 0, i))
		s.Open = append(s.Open, c*0.995)
		s.High = append(s.High, c*1.01)
		s.Low = append(s.Low, c*0.98)
		s.Close = append(s.Close, c)
		s.Volume = append(s.Volume, float64(i%3*1000))
	}
	return s
}

// identityNormalizer leaves features unchanged apart from clipping to ±1e9.
func identityNormalizer(ohlcv bool) *Normalizer {
	return &Normalizer{OHLCV: ohlcv, Mean: make([]float64, marketFeatures), Std: []float64{1, 1, 1, 1}, Clip: 1e9}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*max(1, math.Abs(b)) }

func TestOHLCVFeaturesByHand(t *testing.T) {
	s := ohlcvSeries(30)
	raw := rawFeatures(s)
	const bar = 25
	row := raw[bar*marketFeatures : (bar+1)*marketFeatures]
	var volumeSum float64
	for _, v := range s.Volume[bar-19 : bar+1] {
		volumeSum += v
	}
	want := []float64{
		math.Log(s.Close[bar] / s.Close[bar-1]),
		(s.High[bar] - s.Low[bar]) / s.Close[bar],
		math.Log(s.Close[bar] / s.Open[bar]),
		math.Log1p(s.Volume[bar] / (volumeSum / 20)),
	}
	for f := range want {
		if !near(row[f], want[f]) {
			t.Errorf("feature %s at bar %d = %v, expected %v", FeatureNames(true)[f], bar, row[f], want[f])
		}
	}
	if raw[0] != 0 {
		t.Errorf("log_return at bar 0 = %v, expected 0", raw[0])
	}
	if raw[18*marketFeatures+3] != 0 {
		t.Errorf("relative_volume at bar 18 = %v, expected 0 before 20 bars exist", raw[18*marketFeatures+3])
	}
}

func TestRelativeVolumeZeroVolume(t *testing.T) {
	s := ohlcvSeries(60)
	for i := range s.Volume {
		s.Volume[i] = 0
	}
	s.Volume[45] = 7
	raw := rawFeatures(s)
	for bar := range s.Len() {
		v := raw[bar*marketFeatures+3]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("relative_volume at bar %d is %v", bar, v)
		}
		if (bar < 45 || bar > 64) && v != 0 {
			t.Errorf("relative_volume at bar %d = %v with a zero trailing mean, expected 0", bar, v)
		}
	}
	if want := math.Log1p(20); !near(raw[45*marketFeatures+3], want) {
		t.Errorf("relative_volume at the only traded bar = %v, expected log1p(20) = %v", raw[45*marketFeatures+3], want)
	}
}

func TestCloseFeaturesByHand(t *testing.T) {
	prices := make([]float64, 40)
	for i := range prices {
		prices[i] = 50 * math.Exp(0.01*float64(i)+0.02*math.Sin(float64(i)))
	}
	raw := rawFeatures(closeSeries(prices...))
	const bar = 30
	var sum, squares float64
	for i := bar - 19; i <= bar; i++ {
		r := math.Log(prices[i] / prices[i-1])
		sum += r
		squares += r * r
	}
	mean := sum / 20
	want := []float64{
		math.Log(prices[bar] / prices[bar-1]),
		math.Log(prices[bar] / prices[bar-5]),
		math.Log(prices[bar] / prices[bar-20]),
		math.Sqrt(squares/20 - mean*mean),
	}
	for f := range want {
		if !near(raw[bar*marketFeatures+f], want[f]) {
			t.Errorf("feature %s at bar %d = %v, expected %v", FeatureNames(false)[f], bar, raw[bar*marketFeatures+f], want[f])
		}
	}
	for _, c := range []struct{ bar, feature int }{{0, 0}, {4, 1}, {19, 2}, {19, 3}} {
		if v := raw[c.bar*marketFeatures+c.feature]; v != 0 {
			t.Errorf("feature %s at bar %d = %v, expected 0 before its horizon", FeatureNames(false)[c.feature], c.bar, v)
		}
	}
	if raw[5*marketFeatures+1] == 0 || raw[20*marketFeatures+2] == 0 || raw[20*marketFeatures+3] == 0 {
		t.Error("features are 0 at the first bar where their horizon is available")
	}
}

func TestObservationLayout(t *testing.T) {
	s := ohlcvSeries(40)
	cfg := Config{Window: 4, Features: NumFeatures, CostBps: 10}
	e, err := NewEnv(s, identityNormalizer(true), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Reset(10); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Step(Buy); err != nil {
		t.Fatal(err)
	}
	obs := make([]float32, cfg.ObservationSize())
	if err := e.Observe(obs); err != nil {
		t.Fatal(err)
	}
	raw := rawFeatures(s)
	for k := range cfg.Window {
		bar := 11 - cfg.Window + 1 + k
		for f := range marketFeatures {
			if got, want := obs[k*NumFeatures+f], float32(raw[bar*marketFeatures+f]); got != want {
				t.Errorf("obs[%d*%d+%d] = %v, expected feature %d of bar %d = %v", k, NumFeatures, f, got, f, bar, want)
			}
		}
		if obs[k*NumFeatures+positionFeature] != 1 {
			t.Errorf("position channel of window row %d = %v, expected 1 after a buy", k, obs[k*NumFeatures+positionFeature])
		}
	}
}

// TestObservationCausal changes every bar after t and checks that the
// observation at t does not change, for both kinds of series.
func TestObservationCausal(t *testing.T) {
	const n, at = 120, 70
	prices := make([]float64, n)
	for i := range prices {
		prices[i] = 100 + 5*math.Sin(float64(i)/3)
	}
	for _, original := range []*Series{ohlcvSeries(n), closeSeries(prices...)} {
		t.Run(featureKind(original.HasOHLCV), func(t *testing.T) {
			norm, err := FitNormalizer(original)
			if err != nil {
				t.Fatal(err)
			}
			changed := cloneSeries(original)
			for i := at + 1; i < n; i++ {
				changed.Close[i] *= 1.5 + float64(i%7)/10
				if changed.HasOHLCV {
					changed.Open[i] *= 0.7
					changed.High[i] = 10 * changed.Close[i]
					changed.Low[i] = changed.Close[i] / 10
					changed.Volume[i] = 1e9
				}
			}
			before := observeAt(t, original, norm, at)
			after := observeAt(t, changed, norm, at)
			for i := range before {
				if before[i] != after[i] {
					t.Fatalf("obs[%d] at bar %d changed from %v to %v when only later bars changed", i, at, before[i], after[i])
				}
			}
			if next := observeAt(t, changed, norm, at+1); equalFloat32s(next, observeAt(t, original, norm, at+1)) {
				t.Fatal("observation at bar t+1 did not change, so the test does not exercise the changed bars")
			}
		})
	}
}

func observeAt(t *testing.T, s *Series, norm *Normalizer, bar int) []float32 {
	t.Helper()
	cfg := DefaultConfig()
	e, err := NewEnv(s, norm, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Reset(bar); err != nil {
		t.Fatal(err)
	}
	obs := make([]float32, cfg.ObservationSize())
	if err := e.Observe(obs); err != nil {
		t.Fatal(err)
	}
	return obs
}

func equalFloat32s(a, b []float32) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

func cloneSeries(s *Series) *Series {
	c := *s
	c.Times = append([]time.Time(nil), s.Times...)
	c.Close = append([]float64(nil), s.Close...)
	if s.HasOHLCV {
		c.Open = append([]float64(nil), s.Open...)
		c.High = append([]float64(nil), s.High...)
		c.Low = append([]float64(nil), s.Low...)
		c.Volume = append([]float64(nil), s.Volume...)
	}
	return &c
}

func TestNormalizerUsesTrainStatistics(t *testing.T) {
	s := ohlcvSeries(200)
	train, test, err := s.SplitIndex(120)
	if err != nil {
		t.Fatal(err)
	}
	norm, err := FitNormalizer(train)
	if err != nil {
		t.Fatal(err)
	}
	trainRaw := rawFeatures(train)[featureHorizon*marketFeatures:]
	for f := range marketFeatures {
		var sum float64
		for i := f; i < len(trainRaw); i += marketFeatures {
			sum += trainRaw[i]
		}
		if mean := sum / float64(len(trainRaw)/marketFeatures); !near(norm.Mean[f], mean) {
			t.Errorf("Mean[%d] = %v, expected the train mean %v", f, norm.Mean[f], mean)
		}
	}
	z, err := norm.Transform(test)
	if err != nil {
		t.Fatal(err)
	}
	testRaw := rawFeatures(test)
	const bar, f = 50, 1
	want := (testRaw[bar*marketFeatures+f] - norm.Mean[f]) / norm.Std[f]
	if !near(float64(z[bar*marketFeatures+f]), float64(float32(want))) {
		t.Errorf("normalised test feature = %v, expected (x - train mean) / train std = %v", z[bar*marketFeatures+f], want)
	}
}

func TestNormalizerClips(t *testing.T) {
	prices := make([]float64, 60)
	for i := range prices {
		prices[i] = 100 * (1 + 0.001*float64(i%2))
	}
	prices[50] = 300
	s := closeSeries(prices...)
	norm, err := FitNormalizer(s)
	if err != nil {
		t.Fatal(err)
	}
	norm.Clip = 2
	z, err := norm.Transform(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := z[50*marketFeatures]; got != 2 {
		t.Errorf("normalised return at the jump = %v, expected the clip bound 2", got)
	}
	if got := z[51*marketFeatures]; got != -2 {
		t.Errorf("normalised return after the jump = %v, expected -2", got)
	}
}

func TestNormalizerConstantFeature(t *testing.T) {
	prices := make([]float64, 40)
	for i := range prices {
		prices[i] = 10
	}
	norm, err := FitNormalizer(closeSeries(prices...))
	if err != nil {
		t.Fatal(err)
	}
	for f, std := range norm.Std {
		if std != 1 {
			t.Errorf("Std[%d] = %v for a constant feature, expected 1", f, std)
		}
	}
}

func TestNormalizerJSONRoundTrip(t *testing.T) {
	norm, err := FitNormalizer(ohlcvSeries(100))
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(norm)
	if err != nil {
		t.Fatal(err)
	}
	var restored Normalizer
	if err := json.Unmarshal(data, &restored); err != nil {
		t.Fatal(err)
	}
	a, err := norm.Transform(ohlcvSeries(80))
	if err != nil {
		t.Fatal(err)
	}
	b, err := restored.Transform(ohlcvSeries(80))
	if err != nil {
		t.Fatal(err)
	}
	if !equalFloat32s(a, b) {
		t.Error("a normaliser restored from JSON gives different features")
	}
}

func TestNormalizerErrors(t *testing.T) {
	if _, err := FitNormalizer(ohlcvSeries(21)); err == nil || !strings.Contains(err.Error(), "need at least 22") {
		t.Errorf("fit on 21 bars: error %v", err)
	}
	cases := map[string]*Normalizer{
		"short mean": {Mean: []float64{0}, Std: []float64{1, 1, 1, 1}, Clip: 5},
		"zero std":   {Mean: make([]float64, 4), Std: []float64{1, 0, 1, 1}, Clip: 5},
		"NaN mean":   {Mean: []float64{0, math.NaN(), 0, 0}, Std: []float64{1, 1, 1, 1}, Clip: 5},
		"zero clip":  {Mean: make([]float64, 4), Std: []float64{1, 1, 1, 1}},
	}
	for name, norm := range cases {
		if _, err := norm.Transform(ohlcvSeries(40)); err == nil {
			t.Errorf("%s: Transform returned no error", name)
		}
	}
	_, err := identityNormalizer(false).Transform(ohlcvSeries(40))
	if err == nil || !strings.Contains(err.Error(), "fitted on close-only features") {
		t.Errorf("kind mismatch: error %v", err)
	}
}
