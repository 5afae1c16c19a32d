package dense

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/deepq-go/deepq/kernels"
	"github.com/deepq-go/deepq/tensor"
)

// Activation selects the function a Dense layer applies to its output.
type Activation int

const (
	Linear Activation = iota // y = x·W + b
	ReLU                     // y = max(x·W + b, 0)
)

// String returns "linear" or "relu".
func (a Activation) String() string {
	switch a {
	case Linear:
		return "linear"
	case ReLU:
		return "relu"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// Dense is a fully connected layer y = act(x·W + b) on [batch][In] rows. W is
// stored In x Out as Keras stores it; PyTorch's Linear stores the transpose.
// Parameter and gradient slices are views bound with Bind.
type Dense struct {
	In, Out    int
	Activation Activation

	W  []float32 // In x Out
	B  []float32 // Out
	DW []float32 // gradient of W
	DB []float32 // gradient of B
}

// New returns a Dense layer with unbound parameters, or an error if a size is
// not positive or the activation is unknown.
func New(in, out int, act Activation) (*Dense, error) {
	if in <= 0 || out <= 0 {
		return nil, fmt.Errorf("dense: input size %d and output size %d must both be positive", in, out)
	}
	if act != Linear && act != ReLU {
		return nil, fmt.Errorf("dense: unknown activation %d; want Linear or ReLU", int(act))
	}
	return &Dense{In: in, Out: out, Activation: act}, nil
}

// NumParams returns (In+1)*Out.
func (d *Dense) NumParams() int { return (d.In + 1) * d.Out }

// Bind points W, B at params and DW, DB at grads. Each holds NumParams
// values, W first. grads may be nil for a layer that only runs Forward;
// Backward then panics.
func (d *Dense) Bind(params, grads []float32) {
	n := d.NumParams()
	if len(params) != n || (grads != nil && len(grads) != n) {
		panic(fmt.Sprintf("dense: Bind: got %d params and %d grads, need %d", len(params), len(grads), n))
	}
	w := d.In * d.Out
	d.W, d.B = params[:w:w], params[w:]
	d.DW, d.DB = nil, nil
	if grads != nil {
		d.DW, d.DB = grads[:w:w], grads[w:]
	}
}

// Init draws a Glorot-uniform kernel and a zero bias, the Keras defaults.
func (d *Dense) Init(rng *rand.Rand) {
	limit := math.Sqrt(6 / float64(d.In+d.Out))
	for i := range d.W {
		d.W[i] = float32((2*rng.Float64() - 1) * limit)
	}
	clear(d.B)
}

// Cache holds what Forward stored for Backward.
type Cache struct {
	batch int
	x, y  []float32 // input and output, not copied
}

// ForwardFloats returns the floats Forward takes from its Arena.
func (d *Dense) ForwardFloats(batch int) int { return tensor.SizeOf(batch * d.Out) }

// BackwardFloats returns the floats Backward takes from its Arena; wantDX
// is the flag passed to Backward.
func (d *Dense) BackwardFloats(batch int, wantDX bool) int {
	n := 0
	if wantDX {
		n += tensor.SizeOf(batch * d.In)
	}
	if d.Activation == ReLU {
		n += tensor.SizeOf(batch * d.Out)
	}
	return n
}

// Forward computes y = act(x·W + b) for x of [batch][In] and returns y, a
// [batch][Out] buffer from ar. x must stay unchanged until Backward has run.
func (d *Dense) Forward(ar *tensor.Arena, cache *Cache, x []float32, batch int) []float32 {
	if batch <= 0 || len(x) != batch*d.In {
		panic(fmt.Sprintf("dense: Forward: len(x)=%d, need batch %d x input %d", len(x), batch, d.In))
	}
	y := ar.AllocNoZero(batch * d.Out)
	kernels.Sgemm(false, false, batch, d.Out, d.In, 1, x, d.In, d.W, d.Out, 0, y, d.Out)
	kernels.AddBias(y, batch, d.Out, d.Out, d.B)
	if d.Activation == ReLU {
		kernels.ReLU(y, y)
	}
	*cache = Cache{batch: batch, x: x, y: y}
	return y
}

// Backward takes dy of [batch][Out] and adds the parameter gradients into DW
// and DB. With wantDX it returns dx of [batch][In] from ar; without, it
// returns nil and skips that GEMM.
func (d *Dense) Backward(ar *tensor.Arena, cache *Cache, dy []float32, wantDX bool) []float32 {
	batch := cache.batch
	if len(dy) != batch*d.Out {
		panic(fmt.Sprintf("dense: Backward: len(dy)=%d, need %d", len(dy), batch*d.Out))
	}
	if d.Activation == ReLU {
		masked := ar.AllocNoZero(batch * d.Out)
		kernels.ReLUBackward(masked, dy, cache.y)
		dy = masked
	}
	kernels.Sgemm(true, false, d.In, d.Out, batch, 1, cache.x, d.In, dy, d.Out, 1, d.DW, d.Out)
	kernels.ColSum(d.DB, dy, batch, d.Out, d.Out)
	if !wantDX {
		return nil
	}
	dx := ar.AllocNoZero(batch * d.In)
	kernels.Sgemm(false, true, batch, d.In, d.Out, 1, dy, d.Out, d.W, d.Out, 0, dx, d.In)
	return dx
}
