package kernels

import (
	"fmt"
	"math"
)

// TODO: these are the plain loops that fix the API; blocked SGEMM, accurate
// activations and run-time level selection replace them.

func Impl() string { return "generic" }

// Sgemm computes C = alpha*op(A)*op(B) + beta*C where op(A) is m x k, op(B)
// is k x n and C is m x n, all row-major with leading dimensions lda, ldb and
// ldc. transA means A is stored k x m, transB means B is stored n x k. With
// beta 0, C is overwritten and its old contents (even NaN) are ignored.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
			}
		}
	}
}

// Sgemv computes y = alpha*op(A)*x + beta*y with A stored m x n row-major.
// Without trans, x has n values and y has m; with trans, x has m and y has n.
func Sgemv(trans bool, m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32) {
	if trans {
		Sgemm(true, false, n, 1, m, alpha, a, lda, x, 1, beta, y, 1)
	} else {
		Sgemm(false, false, m, 1, n, alpha, a, lda, x, 1, beta, y, 1)
	}
}

// Axpy computes y[i] += alpha*x[i].
func Axpy(y []float32, alpha float32, x []float32) {
	for i := range y {
		y[i] += alpha * x[i]
	}
}

// Scale computes x[i] *= alpha.
func Scale(x []float32, alpha float32) {
	for i := range x {
		x[i] *= alpha
	}
}

// Mul computes dst[i] = x[i]*y[i]; dropout applies its mask with it.
func Mul(dst, x, y []float32) {
	for i := range dst {
		dst[i] = x[i] * y[i]
	}
}

// AddBias adds bias[j] to every row of the rows x cols matrix c.
func AddBias(c []float32, rows, cols, ldc int, bias []float32) {
	for i := 0; i < rows; i++ {
		row := c[i*ldc : i*ldc+cols]
		for j := range row {
			row[j] += bias[j]
		}
	}
}

// ColSum adds the column sums of the rows x cols matrix a to dst.
func ColSum(dst []float32, a []float32, rows, cols, lda int) {
	for i := 0; i < rows; i++ {
		row := a[i*lda : i*lda+cols]
		for j := range row {
			dst[j] += row[j]
		}
	}
}

// ReLU computes dst[i] = max(x[i], 0).
func ReLU(dst, x []float32) {
	for i := range dst {
		dst[i] = max(x[i], 0)
	}
}

// ReLUBackward computes dx[i] = dy[i] where y[i] > 0 and 0 elsewhere, with y
// the ReLU output.
func ReLUBackward(dx, dy, y []float32) {
	for i := range dx {
		if y[i] > 0 {
			dx[i] = dy[i]
		} else {
			dx[i] = 0
		}
	}
}

// Sigmoid computes dst[i] = 1/(1+exp(-x[i])).
func Sigmoid(dst, x []float32) {
	for i := range dst {
		dst[i] = float32(1 / (1 + math.Exp(-float64(x[i]))))
	}
}

// Tanh computes dst[i] = tanh(x[i]).
func Tanh(dst, x []float32) {
	for i := range dst {
		dst[i] = float32(math.Tanh(float64(x[i])))
	}
}

// LSTMForward runs one LSTM cell step for batch rows of hidden units.
//
// gates holds batch rows of 4*hidden pre-activations in the order input,
// forget, cell candidate, output; it is overwritten with the activated gates
// i, f, g, o that LSTMBackward needs. cPrev is the previous cell state; c,
// tanhC and h receive c = f*cPrev + i*g, tanh(c) and h = o*tanh(c). c may
// alias cPrev. All state slices are batch x hidden, contiguous.
func LSTMForward(gates, cPrev, c, tanhC, h []float32, batch, hidden int) {
	checkLSTM("LSTMForward", gates, batch, hidden, cPrev, c, tanhC, h)
	for b := 0; b < batch; b++ {
		z := gates[b*4*hidden : (b+1)*4*hidden]
		Sigmoid(z[:2*hidden], z[:2*hidden])
		Tanh(z[2*hidden:3*hidden], z[2*hidden:3*hidden])
		Sigmoid(z[3*hidden:], z[3*hidden:])
		for j := 0; j < hidden; j++ {
			k := b*hidden + j
			cNew := z[hidden+j]*cPrev[k] + z[j]*z[2*hidden+j]
			c[k] = cNew
			tc := float32(math.Tanh(float64(cNew)))
			tanhC[k] = tc
			h[k] = z[3*hidden+j] * tc
		}
	}
}

// LSTMBackward runs the backward pass of one LSTM cell step.
//
// gates, cPrev and tanhC are what LSTMForward stored for this step. dh is the
// gradient of the loss with respect to h. dc holds the gradient with respect
// to c on entry and is overwritten with the gradient with respect to cPrev.
// dz receives batch rows of 4*hidden gradients with respect to the gate
// pre-activations, in gate order.
func LSTMBackward(dz, dh, dc, gates, cPrev, tanhC []float32, batch, hidden int) {
	checkLSTM("LSTMBackward", gates, batch, hidden, dh, dc, cPrev, tanhC)
	if len(dz) < batch*4*hidden {
		panic(fmt.Sprintf("kernels: LSTMBackward: len(dz)=%d, need >= %d", len(dz), batch*4*hidden))
	}
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

func checkLSTM(name string, gates []float32, batch, hidden int, state ...[]float32) {
	if batch < 0 || hidden < 0 {
		panic(fmt.Sprintf("kernels: %s: negative batch %d or hidden %d", name, batch, hidden))
	}
	if len(gates) < batch*4*hidden {
		panic(fmt.Sprintf("kernels: %s: len(gates)=%d, need >= %d", name, len(gates), batch*4*hidden))
	}
	for _, s := range state {
		if len(s) < batch*hidden {
			panic(fmt.Sprintf("kernels: %s: state slice has %d values, need >= %d", name, len(s), batch*hidden))
		}
	}
}

// SumSquares returns the sum of x[i]*x[i].
func SumSquares(x []float32) float32 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return float32(s)
}

// Adam applies one fused Adam update to param in the form Keras uses:
//
//	g = scale*grad[i]
//	m[i] = beta1*m[i] + (1-beta1)*g
//	v[i] = beta2*v[i] + (1-beta2)*g*g
//	param[i] -= alpha*m[i]/(sqrt(v[i])+eps)
//
// alpha is the bias-corrected step size lr*sqrt(1-beta2^t)/(1-beta1^t) and
// scale is the gradient-clipping factor (1 when no clipping applies).
func Adam(param, grad, m, v []float32, alpha, beta1, beta2, eps, scale float32) {
	for i := range param {
		g := scale * grad[i]
		m[i] = beta1*m[i] + (1-beta1)*g
		v[i] = beta2*v[i] + (1-beta2)*g*g
		param[i] -= alpha * m[i] / (float32(math.Sqrt(float64(v[i]))) + eps)
	}
}
