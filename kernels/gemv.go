package kernels

// Sgemv computes y = alpha*op(A)*x + beta*y with A stored m x n row-major.
// Without trans, x has n values and y has m; with trans, x has m and y has n.
// x and y are contiguous. With beta 0, y is overwritten and its old contents
// (even NaN) are ignored. lda must be at least max(1, n), and y must not
// overlap A or x. Sgemv packs nothing, so it is the batch-1 inference path.
// It panics on misuse before it writes to y.
func Sgemv(trans bool, m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32) {
	checkDims("Sgemv", "m, n", m, n)
	aSpan := checkMatrix("Sgemv", "a", a, m, n, lda)
	xLen, yLen := n, m
	if trans {
		xLen, yLen = m, n
	}
	checkLen("Sgemv", "x", x, xLen)
	checkLen("Sgemv", "y", y, yLen)
	x, y = x[:xLen], y[:yLen]
	checkDisjoint("Sgemv", "y", y, "a", a[:aSpan])
	checkDisjoint("Sgemv", "y", y, "x", x)

	if yLen == 0 {
		return
	}
	if xLen == 0 || alpha == 0 {
		scaleRow(y, beta)
		return
	}
	if trans {
		impl().gemvT(m, n, alpha, a, lda, x, beta, y)
	} else {
		impl().gemvN(m, n, alpha, a, lda, x, beta, y)
	}
}

// sgemvNGeneric computes y = alpha*A*x + beta*y for A m x n, with one dot
// product per row of A.
func sgemvNGeneric(m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32) {
	y = y[:m]
	for i := range y {
		s := dotGeneric(a[i*lda:i*lda+n], x)
		if beta == 0 {
			y[i] = alpha * s
		} else {
			y[i] = alpha*s + beta*y[i]
		}
	}
}

// sgemvTGeneric computes y = alpha*Aᵀ*x + beta*y for A m x n by adding
// x[i] times row i of A into y, so A is read row by row. Like
// sgemmSmallRows it multiplies by alpha after summing, in a scratch row
// when alpha != 1.
func sgemvTGeneric(m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32) {
	sgemmSmallRows(true, 1, n, m, alpha, x, 1, a, lda, beta, y, n)
}

// dotGeneric returns the sum of x[i]*y[i] over len(x) values, in four
// interleaved float32 partial sums.
func dotGeneric(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xs := x[i : i+4 : i+4]
		ys := y[i : i+4 : i+4]
		s0 += xs[0] * ys[0]
		s1 += xs[1] * ys[1]
		s2 += xs[2] * ys[2]
		s3 += xs[3] * ys[3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}
