package kernels

import "fmt"

// LSTMForward runs one LSTM cell step for batch rows of hidden units.
//
// gates contains batch rows of 4*hidden pre-activations in the order input,
// forget, cell candidate, output. LSTMForward overwrites it with the
// activated gates i, f, g, o that LSTMBackward needs. cPrev is the previous
// cell state. c, tanhC and h receive c = f*cPrev + i*g, tanh(c) and
// h = o*tanh(c). c may
// alias cPrev. All state slices are batch x hidden, contiguous.
//
// The gates use Sigmoid and Tanh, so they share those functions' error
// bounds. Apart from c being cPrev itself, gates, cPrev, c, tanhC and h must
// not overlap. LSTMForward panics on misuse before it writes anything.
func LSTMForward(gates, cPrev, c, tanhC, h []float32, batch, hidden int) {
	const fn = "LSTMForward"
	gates, state := checkLSTM(fn, gates, batch, hidden,
		[4]string{"cPrev", "c", "tanhC", "h"}, [4][]float32{cPrev, c, tanhC, h})
	cPrev, c, tanhC, h = state[0], state[1], state[2], state[3]
	checkSameOrDisjoint(fn, "c", c, "cPrev", cPrev)
	checkDisjoint(fn, "c", c, "gates", gates)
	checkDisjoint(fn, "c", c, "tanhC", tanhC)
	checkDisjoint(fn, "c", c, "h", h)
	checkDisjoint(fn, "tanhC", tanhC, "gates", gates)
	checkDisjoint(fn, "tanhC", tanhC, "cPrev", cPrev)
	checkDisjoint(fn, "tanhC", tanhC, "h", h)
	checkDisjoint(fn, "h", h, "gates", gates)
	checkDisjoint(fn, "h", h, "cPrev", cPrev)
	checkDisjoint(fn, "gates", gates, "cPrev", cPrev)
	impl().lstmForward(gates, cPrev, c, tanhC, h, batch, hidden)
}

// LSTMBackward runs the backward pass of one LSTM cell step.
//
// gates, cPrev and tanhC are what LSTMForward stored for this step. dh is the
// gradient of the loss with respect to h. dc holds the gradient with respect
// to c on entry and is overwritten with the gradient with respect to cPrev.
// dz receives batch rows of 4*hidden gradients with respect to the gate
// pre-activations, in gate order.
//
// dz and dc must not overlap each other or any input. LSTMBackward panics on
// misuse before it writes anything.
func LSTMBackward(dz, dh, dc, gates, cPrev, tanhC []float32, batch, hidden int) {
	const fn = "LSTMBackward"
	gates, state := checkLSTM(fn, gates, batch, hidden,
		[4]string{"dh", "dc", "cPrev", "tanhC"}, [4][]float32{dh, dc, cPrev, tanhC})
	dh, dc, cPrev, tanhC = state[0], state[1], state[2], state[3]
	checkLen(fn, "dz", dz, batch*4*hidden)
	dz = dz[:batch*4*hidden]
	checkDisjoint(fn, "dz", dz, "dh", dh)
	checkDisjoint(fn, "dz", dz, "dc", dc)
	checkDisjoint(fn, "dz", dz, "gates", gates)
	checkDisjoint(fn, "dz", dz, "cPrev", cPrev)
	checkDisjoint(fn, "dz", dz, "tanhC", tanhC)
	checkDisjoint(fn, "dc", dc, "dh", dh)
	checkDisjoint(fn, "dc", dc, "gates", gates)
	checkDisjoint(fn, "dc", dc, "cPrev", cPrev)
	checkDisjoint(fn, "dc", dc, "tanhC", tanhC)
	impl().lstmBackward(dz, dh, dc, gates, cPrev, tanhC, batch, hidden)
}

// checkLSTM validates batch and hidden, checks that gates holds
// batch*4*hidden values and each state slice batch*hidden, and returns them
// cut to those lengths.
func checkLSTM(fn string, gates []float32, batch, hidden int, names [4]string, state [4][]float32) ([]float32, [4][]float32) {
	if batch < 0 || hidden < 0 {
		panic(fmt.Sprintf("kernels: %s: negative batch %d or hidden %d", fn, batch, hidden))
	}
	checkLen(fn, "gates", gates, batch*4*hidden)
	for i, s := range state {
		checkLen(fn, names[i], s, batch*hidden)
		state[i] = s[:batch*hidden]
	}
	return gates[:batch*4*hidden], state
}

// lstmForwardGeneric activates each row's gates in place with the generic
// Sigmoid and Tanh, then updates the cell state.
func lstmForwardGeneric(gates, cPrev, c, tanhC, h []float32, batch, hidden int) {
	for b := 0; b < batch; b++ {
		z := gates[b*4*hidden : (b+1)*4*hidden]
		sigmoidGeneric(z[:2*hidden], z[:2*hidden])
		tanhGeneric(z[2*hidden:3*hidden], z[2*hidden:3*hidden])
		sigmoidGeneric(z[3*hidden:], z[3*hidden:])
		ig, fg, gg, og := z[:hidden], z[hidden:2*hidden], z[2*hidden:3*hidden], z[3*hidden:]
		cp := cPrev[b*hidden : (b+1)*hidden]
		cn := c[b*hidden : (b+1)*hidden]
		tc := tanhC[b*hidden : (b+1)*hidden]
		hn := h[b*hidden : (b+1)*hidden]
		for j := range cn {
			cn[j] = fg[j]*cp[j] + ig[j]*gg[j]
		}
		tanhGeneric(tc, cn)
		for j := range hn {
			hn[j] = og[j] * tc[j]
		}
	}
}

// lstmBackwardGeneric uses the activated gates, so each gate derivative is
// a product of stored values: sigmoid' = s*(1-s) and tanh' = 1-t*t.
func lstmBackwardGeneric(dz, dh, dc, gates, cPrev, tanhC []float32, batch, hidden int) {
	for b := 0; b < batch; b++ {
		z := gates[b*4*hidden : (b+1)*4*hidden]
		d := dz[b*4*hidden : (b+1)*4*hidden]
		for j := 0; j < hidden; j++ {
			k := b*hidden + j
			i, f, g, o := z[j], z[hidden+j], z[2*hidden+j], z[3*hidden+j]
			tc := tanhC[k]
			dct := dc[k] + dh[k]*o*(1-tc*tc)
			d[j] = dct * g * i * (1 - i)
			d[hidden+j] = dct * cPrev[k] * f * (1 - f)
			d[2*hidden+j] = dct * i * (1 - g*g)
			d[3*hidden+j] = dh[k] * tc * o * (1 - o)
			dc[k] = dct * f
		}
	}
}
