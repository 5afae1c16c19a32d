package lstm

import (
	"fmt"
	"math/rand/v2"

	"github.com/deepq-go/deepq/kernels"
	"github.com/deepq-go/deepq/tensor"
)

// Layer is one LSTM layer. Its parameter and gradient slices are views that
// the owner binds with Bind, so a network can keep all its parameters in one
// contiguous buffer and update them with a single kernel call.
//
// Forward only reads the parameters, so many goroutines may run Forward on
// one Layer at once, each with its own Arena and Cache. Backward adds into
// the gradient views and must not run concurrently with another Backward.
type Layer struct {
	In              int  // features per timestep
	Hidden          int  // hidden units H
	ReturnSequences bool // output every step's h ([T][B][H]) rather than the last ([B][H])

	W []float32 // kernel, In x 4H
	U []float32 // recurrent kernel, H x 4H
	B []float32 // bias, 4H

	DW, DU, DB []float32 // gradients, same shapes as W, U and B
}

// New returns a layer with unbound parameters. It returns an error if a size
// is not positive.
func New(in, hidden int, returnSequences bool) (*Layer, error) {
	if in <= 0 || hidden <= 0 {
		return nil, fmt.Errorf("lstm: input size %d and hidden size %d must both be positive", in, hidden)
	}
	return &Layer{In: in, Hidden: hidden, ReturnSequences: returnSequences}, nil
}

// NumParams returns the number of float32 parameters: (In+H+1)*4H.
func (l *Layer) NumParams() int {
	return (l.In + l.Hidden + 1) * 4 * l.Hidden
}

// Bind points W, U, B at params and DW, DU, DB at grads. Both hold exactly
// NumParams values, laid out as W, then U, then B. grads may be nil for a
// layer that only runs Forward; Backward then panics.
func (l *Layer) Bind(params, grads []float32) {
	n := l.NumParams()
	if len(params) != n || (grads != nil && len(grads) != n) {
		panic(fmt.Sprintf("lstm: Bind: got %d params and %d grads, need %d", len(params), len(grads), n))
	}
	g4 := 4 * l.Hidden
	w, u := l.In*g4, l.Hidden*g4
	l.W, l.U, l.B = params[:w:w], params[w:w+u:w+u], params[w+u:]
	l.DW, l.DU, l.DB = nil, nil, nil
	if grads != nil {
		l.DW, l.DU, l.DB = grads[:w:w], grads[w:w+u:w+u], grads[w+u:]
	}
}

// Init draws the Keras default initial weights: Glorot-uniform kernel,
// orthogonal recurrent kernel, zero bias except 1 on the forget gate.
func (l *Layer) Init(rng *rand.Rand) {
	h := l.Hidden
	GlorotUniform(l.W, l.In, 4*h, rng)
	Orthogonal(l.U, h, 4*h, rng)
	clear(l.B)
	for j := h; j < 2*h; j++ {
		l.B[j] = 1
	}
}

// OutputSize returns the floats Forward returns for a batch of sequences.
func (l *Layer) OutputSize(batch, steps int) int {
	if l.ReturnSequences {
		return steps * batch * l.Hidden
	}
	return batch * l.Hidden
}

// Cache holds what Forward stored for Backward. Its buffers come from the
// Arena passed to Forward and stay valid until that Arena is reset.
type Cache struct {
	batch, steps int
	x            []float32 // input, [T][B][In]; not copied
	gates        []float32 // activated gates, [T][B][4H]
	c            []float32 // cell states, [T][B][H]
	tanhC        []float32 // tanh of the cell states, [T][B][H]
	h            []float32 // hidden states, [T][B][H]
	zeros        []float32 // the initial state h_{-1} = c_{-1} = 0, [B][H]

	// U packed for the per-step products of forward, kept across passes so
	// that repacking allocates nothing. Backward multiplies by Uᵀ unpacked:
	// on the generic level, SGEMM's unpacked A·Bᵀ path measured faster for
	// these shapes than a packed Uᵀ.
	packedU kernels.PackedB
}

// ForwardFloats returns the floats Forward takes from its Arena, counted as
// tensor.SizeOf rounds them.
func (l *Layer) ForwardFloats(batch, steps int) int {
	bh := batch * l.Hidden
	return tensor.SizeOf(steps*bh*4) + 3*tensor.SizeOf(steps*bh) + tensor.SizeOf(bh)
}

// BackwardFloats returns the floats Backward takes from its Arena; wantDX
// is the flag passed to Backward.
func (l *Layer) BackwardFloats(batch, steps int, wantDX bool) int {
	bh := batch * l.Hidden
	n := tensor.SizeOf(steps*bh*4) + 2*tensor.SizeOf(bh)
	if wantDX {
		n += tensor.SizeOf(steps * batch * l.In)
	}
	return n
}

// Forward runs the layer over x, a [steps][batch][In] time-major sequence
// starting from a zero state, and returns the output: [steps][batch][H] with
// ReturnSequences, else the last step's [batch][H]. The output and cache
// buffers come from ar. x must stay unchanged until Backward has run.
func (l *Layer) Forward(ar *tensor.Arena, cache *Cache, x []float32, batch, steps int) []float32 {
	h, g4, rows := l.Hidden, 4*l.Hidden, steps*batch
	if batch <= 0 || steps <= 0 {
		panic(fmt.Sprintf("lstm: Forward: batch %d and steps %d must both be positive", batch, steps))
	}
	if len(x) != rows*l.In {
		panic(fmt.Sprintf("lstm: Forward: len(x)=%d, need %d (steps %d x batch %d x input %d)", len(x), rows*l.In, steps, batch, l.In))
	}
	bh := batch * h
	cache.batch, cache.steps, cache.x = batch, steps, x
	cache.gates = ar.AllocNoZero(rows * g4)
	cache.c = ar.AllocNoZero(rows * h)
	cache.tanhC = ar.AllocNoZero(rows * h)
	cache.h = ar.AllocNoZero(rows * h)
	cache.zeros = ar.Alloc(bh)

	// Project every timestep's input at once: Zx = X·W + b.
	kernels.Sgemm(false, false, rows, g4, l.In, 1, x, l.In, l.W, g4, 0, cache.gates, g4)
	kernels.AddBias(cache.gates, rows, g4, g4, l.B)

	// Step through time: Z_t += H_{t-1}·U, then the fused cell. U is
	// packed once, since the weights do not change inside a pass.
	if steps > 1 {
		kernels.PackB(&cache.packedU, false, h, g4, l.U, g4)
	}
	hPrev, cPrev := cache.zeros, cache.zeros
	for t := 0; t < steps; t++ {
		z := cache.gates[t*batch*g4 : (t+1)*batch*g4]
		if t > 0 {
			kernels.SgemmPacked(false, batch, g4, h, 1, hPrev, h, &cache.packedU, 1, z, g4)
		}
		ct, tc, ht := cache.c[t*bh:(t+1)*bh], cache.tanhC[t*bh:(t+1)*bh], cache.h[t*bh:(t+1)*bh]
		kernels.LSTMForward(z, cPrev, ct, tc, ht, batch, h)
		hPrev, cPrev = ht, ct
	}

	if l.ReturnSequences {
		return cache.h
	}
	return cache.h[(steps-1)*bh:]
}

// Backward takes dy, the gradient of the loss with respect to Forward's
// output (same shape), and adds the parameter gradients into DW, DU and DB.
// With wantDX it returns the gradient with respect to x, [steps][batch][In],
// from ar. Without wantDX it skips that GEMM and returns nil, because the
// first layer of a network needs no input gradient.
func (l *Layer) Backward(ar *tensor.Arena, cache *Cache, dy []float32, wantDX bool) []float32 {
	batch, steps := cache.batch, cache.steps
	h, g4, rows := l.Hidden, 4*l.Hidden, steps*batch
	bh := batch * h
	if len(dy) != l.OutputSize(batch, steps) {
		panic(fmt.Sprintf("lstm: Backward: len(dy)=%d, need %d", len(dy), l.OutputSize(batch, steps)))
	}
	dz := ar.AllocNoZero(rows * g4)
	dh := ar.AllocNoZero(bh)
	dc := ar.Alloc(bh)

	// The gradient reaching h_{T-1} comes only from the output.
	if l.ReturnSequences {
		copy(dh, dy[(steps-1)*bh:])
	} else {
		copy(dh, dy)
	}

	// Only the dH recurrence is sequential: dZ_t from the fused kernel, then
	// dH_{t-1} = dZ_t·Uᵀ plus the output gradient at t-1.
	for t := steps - 1; t >= 0; t-- {
		cPrev := cache.zeros
		if t > 0 {
			cPrev = cache.c[(t-1)*bh : t*bh]
		}
		dzt := dz[t*batch*g4 : (t+1)*batch*g4]
		kernels.LSTMBackward(dzt, dh, dc, cache.gates[t*batch*g4:(t+1)*batch*g4], cPrev, cache.tanhC[t*bh:(t+1)*bh], batch, h)
		if t == 0 {
			break
		}
		beta := float32(0)
		if l.ReturnSequences {
			copy(dh, dy[(t-1)*bh:t*bh])
			beta = 1
		}
		kernels.Sgemm(false, true, batch, h, g4, 1, dzt, g4, l.U, g4, beta, dh, h)
	}

	// Large GEMMs over all steps: dW += Xᵀ·dZ, dU += H_prevᵀ·dZ, db += Σ dZ,
	// dX = dZ·Wᵀ.
	kernels.Sgemm(true, false, l.In, g4, rows, 1, cache.x, l.In, dz, g4, 1, l.DW, g4)
	if steps > 1 {
		kernels.Sgemm(true, false, h, g4, rows-batch, 1, cache.h, h, dz[batch*g4:], g4, 1, l.DU, g4)
	}
	kernels.ColSum(l.DB, dz, rows, g4, g4)
	if !wantDX {
		return nil
	}
	dx := ar.AllocNoZero(rows * l.In)
	kernels.Sgemm(false, true, rows, l.In, g4, 1, dz, g4, l.W, g4, 0, dx, l.In)
	return dx
}
