package dense

import (
	"fmt"
	"math/rand/v2"

	"github.com/deepq-go/deepq/kernels"
	"github.com/deepq-go/deepq/tensor"
)

// Dropout is inverted dropout: in training each value is kept with
// probability 1-Rate and scaled by 1/(1-Rate), so inference is the identity
// and needs no rescaling.
type Dropout struct {
	Rate float32 // probability of dropping a value, in [0, 1)
}

// NewDropout returns a Dropout layer, or an error if rate is outside [0, 1).
func NewDropout(rate float32) (*Dropout, error) {
	if !(rate >= 0 && rate < 1) {
		return nil, fmt.Errorf("dense: dropout rate %v is outside [0, 1)", rate)
	}
	return &Dropout{Rate: rate}, nil
}

// DropoutCache holds the mask Forward drew, for Backward.
type DropoutCache struct {
	mask []float32 // 0 or 1/(1-Rate) per value; nil when nothing was dropped
}

// ForwardFloats returns the floats Forward takes from its Arena in training.
func (d *Dropout) ForwardFloats(n int) int { return 2 * tensor.SizeOf(n) }

// BackwardFloats returns the floats Backward takes from its Arena.
func (d *Dropout) BackwardFloats(n int) int { return tensor.SizeOf(n) }

// Forward returns x unchanged unless train is set and Rate > 0; then it
// draws a mask from rng and returns x times the mask in a buffer from ar.
func (d *Dropout) Forward(ar *tensor.Arena, cache *DropoutCache, x []float32, train bool, rng *rand.Rand) []float32 {
	cache.mask = nil
	if !train || d.Rate == 0 {
		return x
	}
	mask := ar.AllocNoZero(len(x))
	keep, scale := 1-d.Rate, 1/(1-d.Rate)
	for i := range mask {
		if rng.Float32() < keep {
			mask[i] = scale
		} else {
			mask[i] = 0
		}
	}
	return d.ForwardMask(ar, cache, x, mask)
}

// ForwardMask applies a given mask: y = x*mask. Backward then multiplies by
// the same mask. Tests use it to fix the mask.
func (d *Dropout) ForwardMask(ar *tensor.Arena, cache *DropoutCache, x, mask []float32) []float32 {
	if len(mask) != len(x) {
		panic(fmt.Sprintf("dense: Dropout.ForwardMask: len(mask)=%d, need %d", len(mask), len(x)))
	}
	y := ar.AllocNoZero(len(x))
	kernels.Mul(y, x, mask)
	cache.mask = mask
	return y
}

// Backward returns dy times the mask Forward drew, or dy itself when Forward
// dropped nothing.
func (d *Dropout) Backward(ar *tensor.Arena, cache *DropoutCache, dy []float32) []float32 {
	if cache.mask == nil {
		return dy
	}
	dx := ar.AllocNoZero(len(dy))
	kernels.Mul(dx, dy, cache.mask)
	return dx
}
