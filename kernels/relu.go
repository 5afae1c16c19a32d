package kernels

// ReLU computes dst[i] = max(x[i], 0) for every index of dst. NaN stays NaN
// and -0 becomes +0. x must have at least len(dst) values, and dst may be x
// itself but must not partially overlap it.
func ReLU(dst, x []float32) {
	checkLen("ReLU", "x", x, len(dst))
	x = x[:len(dst)]
	checkSameOrDisjoint("ReLU", "dst", dst, "x", x)
	impl().relu(dst, x)
}

// ReLUBackward computes dx[i] = dy[i] where y[i] > 0 and 0 elsewhere, with y
// the ReLU output. dy and y must have at least len(dx) values, and dx may be
// dy or y itself but must not partially overlap either.
func ReLUBackward(dx, dy, y []float32) {
	checkLen("ReLUBackward", "dy", dy, len(dx))
	checkLen("ReLUBackward", "y", y, len(dx))
	dy, y = dy[:len(dx)], y[:len(dx)]
	checkSameOrDisjoint("ReLUBackward", "dx", dx, "dy", dy)
	checkSameOrDisjoint("ReLUBackward", "dx", dx, "y", y)
	impl().reluBackward(dx, dy, y)
}

func reluGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = max(x[i], 0)
	}
}

func reluBackwardGeneric(dx, dy, y []float32) {
	dy, y = dy[:len(dx)], y[:len(dx)]
	for i := range dx {
		if y[i] > 0 {
			dx[i] = dy[i]
		} else {
			dx[i] = 0
		}
	}
}
