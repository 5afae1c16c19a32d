package env

import (
	"fmt"
	"math"
)

// DefaultClip is the bound, in standard deviations, that FitNormalizer sets
// for normalised features, so that crash days do not dominate the network's
// input. Unclipped, the DAX's 9 % drop of August 1991 has a one-bar return
// of -9.4 standard deviations over the embedded data.
const DefaultClip = 5

// minStd is the standard deviation below which a feature counts as constant.
// Such a feature is centred but not scaled, so it normalises to 0.
const minStd = 1e-12

// Normalizer maps market features to z-scores, (x - Mean) / Std, clipped to
// [-Clip, Clip]. It is fitted on a training span and applied unchanged to
// every other span, so no statistic of a test span leaks into training.
// The position channel is not normalised. The fields are plain numbers so a
// Normalizer can be stored as JSON next to a model.
type Normalizer struct {
	// OHLCV is true for a normaliser of the OHLCV features and false for
	// one of the close-only features; see FeatureNames.
	OHLCV bool `json:"ohlcv"`
	// Mean and Std hold one value per market feature (NumFeatures-1 values).
	Mean []float64 `json:"mean"`
	Std  []float64 `json:"std"`
	// Clip bounds the normalised values; it must be positive.
	Clip float64 `json:"clip"`
}

// FitNormalizer computes the mean and population standard deviation of each
// market feature over the bars of train after the first 20, whose features
// are still partly 0 because their look-back reaches before the first bar.
// A feature with a standard deviation below 1e-12 gets Std 1.
func FitNormalizer(train *Series) (*Normalizer, error) {
	if err := train.Validate(); err != nil {
		return nil, err
	}
	rows := train.Len() - featureHorizon
	if rows < 2 {
		return nil, fmt.Errorf("env: fit normaliser on %q: %d bars, need at least %d", train.Name, train.Len(), featureHorizon+2)
	}
	raw := rawFeatures(train)[featureHorizon*marketFeatures:]
	n := &Normalizer{
		OHLCV: train.HasOHLCV,
		Mean:  make([]float64, marketFeatures),
		Std:   make([]float64, marketFeatures),
		Clip:  DefaultClip,
	}
	for f := range marketFeatures {
		var sum float64
		for t := range rows {
			sum += raw[t*marketFeatures+f]
		}
		mean := sum / float64(rows)
		var squares float64
		for t := range rows {
			d := raw[t*marketFeatures+f] - mean
			squares += d * d
		}
		std := math.Sqrt(squares / float64(rows))
		if std < minStd {
			std = 1
		}
		n.Mean[f], n.Std[f] = mean, std
	}
	return n, nil
}

// Validate checks the lengths and values of the fields, as needed after
// decoding a stored Normalizer.
func (n *Normalizer) Validate() error {
	if n == nil {
		return fmt.Errorf("env: normaliser is nil")
	}
	if len(n.Mean) != marketFeatures || len(n.Std) != marketFeatures {
		return fmt.Errorf("env: normaliser has %d means and %d standard deviations, expected %d of each",
			len(n.Mean), len(n.Std), marketFeatures)
	}
	for f := range marketFeatures {
		if math.IsNaN(n.Mean[f]) || math.IsInf(n.Mean[f], 0) {
			return fmt.Errorf("env: normaliser mean %d is %v, expected a finite number", f, n.Mean[f])
		}
		if !(n.Std[f] > 0) || math.IsInf(n.Std[f], 0) {
			return fmt.Errorf("env: normaliser standard deviation %d is %v, expected a positive finite number", f, n.Std[f])
		}
	}
	if !(n.Clip > 0) {
		return fmt.Errorf("env: normaliser Clip is %v, expected a positive number such as %d", n.Clip, DefaultClip)
	}
	return nil
}

// Transform returns the normalised market features of every bar of s,
// row-major with NumFeatures-1 values per bar in the order of FeatureNames.
// The series must have the kind (OHLCV or close-only) the normaliser was
// fitted on.
func (n *Normalizer) Transform(s *Series) ([]float32, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if n.OHLCV != s.HasOHLCV {
		return nil, fmt.Errorf("env: normaliser was fitted on %s features but series %q has %s features",
			featureKind(n.OHLCV), s.Name, featureKind(s.HasOHLCV))
	}
	raw := rawFeatures(s)
	out := make([]float32, len(raw))
	for i, x := range raw {
		f := i % marketFeatures
		z := (x - n.Mean[f]) / n.Std[f]
		out[i] = float32(min(max(z, -n.Clip), n.Clip))
	}
	return out, nil
}

func featureKind(ohlcv bool) string {
	if ohlcv {
		return "OHLCV"
	}
	return "close-only"
}
