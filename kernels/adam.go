package kernels

import "math"

// Adam applies one fused Adam update to param in the form Keras uses:
//
//	g = scale*grad[i]
//	m[i] = beta1*m[i] + (1-beta1)*g
//	v[i] = beta2*v[i] + (1-beta2)*g*g
//	param[i] -= alpha*m[i]/(sqrt(v[i])+eps)
//
// alpha is the bias-corrected step size lr*sqrt(1-beta2^t)/(1-beta1^t) and
// scale is the gradient-clipping factor (1 when no clipping applies).
// grad, m and v must have at least len(param) values, and param, grad, m
// and v must not overlap one another.
func Adam(param, grad, m, v []float32, alpha, beta1, beta2, eps, scale float32) {
	n := len(param)
	checkLen("Adam", "grad", grad, n)
	checkLen("Adam", "m", m, n)
	checkLen("Adam", "v", v, n)
	grad, m, v = grad[:n], m[:n], v[:n]
	checkDisjoint("Adam", "param", param, "grad", grad)
	checkDisjoint("Adam", "param", param, "m", m)
	checkDisjoint("Adam", "param", param, "v", v)
	checkDisjoint("Adam", "m", m, "grad", grad)
	checkDisjoint("Adam", "m", m, "v", v)
	checkDisjoint("Adam", "v", v, "grad", grad)
	impl().adam(param, grad, m, v, alpha, beta1, beta2, eps, scale)
}

// adamGeneric takes the square root in float64 and rounds it to float32,
// which gives the correctly rounded float32 square root.
func adamGeneric(param, grad, m, v []float32, alpha, beta1, beta2, eps, scale float32) {
	n := len(param)
	grad, m, v = grad[:n], m[:n], v[:n]
	for i := range param {
		g := scale * grad[i]
		m[i] = beta1*m[i] + (1-beta1)*g
		v[i] = beta2*v[i] + (1-beta2)*g*g
		param[i] -= alpha * m[i] / (float32(math.Sqrt(float64(v[i]))) + eps)
	}
}
