package dqn

import (
	"fmt"

	"github.com/deepq-go/deepq/env"
)

// marketFeatures is the number of normalised features per bar that
// env.Normalizer.Transform returns. The position channel follows them.
const marketFeatures = env.NumFeatures - 1

// Observer rebuilds observations from a bar index and a position, in the
// layout of env.Env.Observe: Window rows of NumFeatures values, oldest bar
// first, with the position as the last value of every row. It keeps the
// normalised features of the series once, 16 bytes per bar, so that replay
// transitions need not store windows.
//
// TODO: env has no public method that writes the observation at a given
// bar and position, so Observer repeats Env.Observe's documented layout
// from Normalizer.Transform. TestObserverMatchesVecEnv guards the match.
type Observer struct {
	features []float32 // marketFeatures values per bar
	window   int
	bars     int
}

// NewObserver returns an Observer over s with features normalised by norm,
// for observations of cfg.Window bars.
func NewObserver(s *env.Series, norm *env.Normalizer, cfg env.Config) (*Observer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	features, err := norm.Transform(s)
	if err != nil {
		return nil, err
	}
	if len(features) != s.Len()*marketFeatures {
		return nil, fmt.Errorf("dqn: normaliser returned %d features for %d bars, expected %d per bar",
			len(features), s.Len(), marketFeatures)
	}
	return &Observer{features: features, window: cfg.Window, bars: s.Len()}, nil
}

// Size returns the length of one observation, Window*NumFeatures.
func (o *Observer) Size() int { return o.window * env.NumFeatures }

// Observe writes the observation of the window ending at bar index with the
// given position (0 or 1) into dst, which must have length Size.
func (o *Observer) Observe(dst []float32, index, position int) error {
	if len(dst) != o.Size() {
		return fmt.Errorf("dqn: Observe: len(dst) is %d, expected Window*Features = %d", len(dst), o.Size())
	}
	if index < o.window-1 || index >= o.bars {
		return fmt.Errorf("dqn: Observe: bar %d is outside [%d, %d] for a window of %d bars", index, o.window-1, o.bars-1, o.window)
	}
	if position != 0 && position != 1 {
		return fmt.Errorf("dqn: Observe: position is %d, expected 0 (flat) or 1 (long)", position)
	}
	o.observe(dst, index, position)
	return nil
}

func (o *Observer) observe(dst []float32, index, position int) {
	p := float32(position)
	first := index + 1 - o.window
	for k := range o.window {
		row := dst[k*env.NumFeatures : (k+1)*env.NumFeatures]
		copy(row, o.features[(first+k)*marketFeatures:(first+k+1)*marketFeatures])
		row[marketFeatures] = p
	}
}

// observeBatch writes the observations before and after each transition
// into obs and next, Size values per transition. It checks every index so
// that a transition from another series cannot read out of range.
func (o *Observer) observeBatch(obs, next []float32, batch []Transition) error {
	size := o.Size()
	for i, t := range batch {
		index := int(t.Index)
		if index < o.window-1 || index+1 >= o.bars {
			return fmt.Errorf("dqn: transition at bar %d does not fit a series of %d bars with a window of %d", index, o.bars, o.window)
		}
		o.observe(obs[i*size:(i+1)*size], index, int(t.Position))
		o.observe(next[i*size:(i+1)*size], index+1, int(t.NextPosition))
	}
	return nil
}

// nextPosition returns the position after action, following env's rule that
// an action that cannot change the position acts as Hold.
func nextPosition(position, action int) int {
	switch action {
	case env.Buy:
		return 1
	case env.Sell:
		return 0
	}
	return position
}
