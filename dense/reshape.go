package dense

import "fmt"

// Reshape converts between flat observation windows and time-major
// sequences. A flat window of one sample holds Steps rows of Features values,
// oldest first: obs[t*Features+f]. The LSTM wants the batch as
// [Steps][batch][Features], so Forward transposes the batch and time axes and
// keeps the temporal order of every sample.
type Reshape struct {
	Steps, Features int
}

// NewReshape returns a Reshape, or an error if a size is not positive.
func NewReshape(steps, features int) (*Reshape, error) {
	if steps <= 0 || features <= 0 {
		return nil, fmt.Errorf("dense: reshape to %d steps x %d features: both must be positive", steps, features)
	}
	return &Reshape{Steps: steps, Features: features}, nil
}

// Forward writes dst[t][b][f] = src[b][t*Features+f] for a batch of flat
// windows. dst and src have batch*Steps*Features values and must not overlap.
func (r *Reshape) Forward(dst, src []float32, batch int) {
	r.check("Forward", dst, src, batch)
	f := r.Features
	for b := 0; b < batch; b++ {
		for t := 0; t < r.Steps; t++ {
			copy(dst[(t*batch+b)*f:(t*batch+b+1)*f], src[(b*r.Steps+t)*f:])
		}
	}
}

// Backward is the inverse permutation: dst[b][t*Features+f] = src[t][b][f].
func (r *Reshape) Backward(dst, src []float32, batch int) {
	r.check("Backward", dst, src, batch)
	f := r.Features
	for b := 0; b < batch; b++ {
		for t := 0; t < r.Steps; t++ {
			copy(dst[(b*r.Steps+t)*f:(b*r.Steps+t+1)*f], src[(t*batch+b)*f:])
		}
	}
}

func (r *Reshape) check(name string, dst, src []float32, batch int) {
	n := batch * r.Steps * r.Features
	if len(dst) != n || len(src) != n {
		panic(fmt.Sprintf("dense: Reshape.%s: len(dst)=%d, len(src)=%d, need %d", name, len(dst), len(src), n))
	}
}
