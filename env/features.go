package env

import "math"

// marketFeatures is the number of features computed from prices per bar;
// the position channel is the last of the NumFeatures.
const marketFeatures = NumFeatures - 1

// positionFeature is the index of the position channel within a bar.
const positionFeature = marketFeatures

// featureHorizon is the longest look-back of any feature, in bars. A feature
// whose look-back reaches before the first bar is 0, so bars 0 to
// featureHorizon-1 carry some zeros, and normalisation statistics are taken
// from the bars after them.
const featureHorizon = 20

// FeatureNames returns the names of the NumFeatures features per bar, in
// observation order, for an OHLCV or a close-only series.
//
// OHLCV series:
//   - log_return: log(Close[t]/Close[t-1]); 0 at the first bar
//   - range: (High[t]-Low[t])/Close[t]
//   - open_close_return: log(Close[t]/Open[t])
//   - relative_volume: log1p(Volume[t]/m) where m is the mean volume of
//     bars t-19..t; 0 when m is 0 or fewer than 20 bars exist
//   - position: 1 when long, 0 when flat
//
// Close-only series:
//   - return_1, return_5, return_20: log(Close[t]/Close[t-k]) for k = 1, 5,
//     20; 0 while t < k
//   - volatility_20: population standard deviation of the 20 one-bar log
//     returns ending at t; 0 while t < 20
//   - position: 1 when long, 0 when flat
//
// Every feature at bar t uses only bars 0..t.
func FeatureNames(hasOHLCV bool) []string {
	if hasOHLCV {
		return []string{"log_return", "range", "open_close_return", "relative_volume", "position"}
	}
	return []string{"return_1", "return_5", "return_20", "volatility_20", "position"}
}

// rawFeatures returns the market features of every bar before
// normalisation, row-major with marketFeatures values per bar.
func rawFeatures(s *Series) []float64 {
	out := make([]float64, s.Len()*marketFeatures)
	if s.HasOHLCV {
		ohlcvFeatures(s, out)
	} else {
		closeFeatures(s.Close, out)
	}
	return out
}

func ohlcvFeatures(s *Series, out []float64) {
	for t := range s.Len() {
		row := out[t*marketFeatures : (t+1)*marketFeatures]
		row[0] = logReturn(s.Close, t, 1)
		row[1] = (s.High[t] - s.Low[t]) / s.Close[t]
		row[2] = math.Log(s.Close[t] / s.Open[t])
		row[3] = relativeVolume(s.Volume, t)
	}
}

// relativeVolume compares a bar's volume with the mean over the 20 bars
// ending at it. The ratio is at most 20, so the result stays finite, and
// zero-volume stretches give 0 instead of dividing by zero.
func relativeVolume(volume []float64, t int) float64 {
	if t+1 < featureHorizon {
		return 0
	}
	var sum float64
	for _, v := range volume[t+1-featureHorizon : t+1] {
		sum += v
	}
	mean := sum / featureHorizon
	if mean <= 0 {
		return 0
	}
	return math.Log1p(volume[t] / mean)
}

func closeFeatures(close []float64, out []float64) {
	for t := range close {
		row := out[t*marketFeatures : (t+1)*marketFeatures]
		row[0] = logReturn(close, t, 1)
		row[1] = logReturn(close, t, 5)
		row[2] = logReturn(close, t, featureHorizon)
		row[3] = volatility(close, t)
	}
}

// logReturn returns log(close[t]/close[t-k]), or 0 when t < k.
func logReturn(close []float64, t, k int) float64 {
	if t < k {
		return 0
	}
	return math.Log(close[t] / close[t-k])
}

// volatility returns the population standard deviation of the
// featureHorizon one-bar log returns ending at t, or 0 when t < featureHorizon.
func volatility(close []float64, t int) float64 {
	if t < featureHorizon {
		return 0
	}
	var sum, sumSquares float64
	for i := t + 1 - featureHorizon; i <= t; i++ {
		r := math.Log(close[i] / close[i-1])
		sum += r
		sumSquares += r * r
	}
	mean := sum / featureHorizon
	return math.Sqrt(max(sumSquares/featureHorizon-mean*mean, 0))
}
