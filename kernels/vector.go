package kernels

// Axpy computes y[i] += alpha*x[i] for every index of y. x must have at
// least len(y) values, and y may be x itself but must not partially overlap
// it.
func Axpy(y []float32, alpha float32, x []float32) {
	checkLen("Axpy", "x", x, len(y))
	x = x[:len(y)]
	checkSameOrDisjoint("Axpy", "y", y, "x", x)
	impl().axpy(y, alpha, x)
}

// Scale computes x[i] *= alpha.
func Scale(x []float32, alpha float32) {
	impl().scale(x, alpha)
}

// Mul computes dst[i] = x[i]*y[i] for every index of dst. Dropout applies
// its mask with it. x and y must have at least len(dst) values, and dst may
// be x or y itself but must not partially overlap either.
func Mul(dst, x, y []float32) {
	checkLen("Mul", "x", x, len(dst))
	checkLen("Mul", "y", y, len(dst))
	x, y = x[:len(dst)], y[:len(dst)]
	checkSameOrDisjoint("Mul", "dst", dst, "x", x)
	checkSameOrDisjoint("Mul", "dst", dst, "y", y)
	impl().mul(dst, x, y)
}

// SumSquares returns the sum of x[i]*x[i]. The generic level accumulates in
// float64, so for up to 2^24 values the sum's relative error (at most
// n*2^-53) stays below 2^-29, far under the final rounding to float32.
func SumSquares(x []float32) float32 {
	return impl().sumSquares(x)
}

func axpyGeneric(y []float32, alpha float32, x []float32) {
	x = x[:len(y)]
	for i := range y {
		y[i] += alpha * x[i]
	}
}

func scaleGeneric(x []float32, alpha float32) {
	for i := range x {
		x[i] *= alpha
	}
}

func mulGeneric(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] * y[i]
	}
}

func sumSquaresGeneric(x []float32) float32 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return float32(s)
}
