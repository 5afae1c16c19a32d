package kernels

// Sgemm computes C = alpha*op(A)*op(B) + beta*C where op(A) is m x k, op(B)
// is k x n and C is m x n, all row-major with leading dimensions lda, ldb and
// ldc. transA means A is stored k x m, transB means B is stored n x k. With
// beta 0, C is overwritten and its old contents (even NaN) are ignored.
//
// Each leading dimension must be at least max(1, columns of the stored
// matrix), and each slice must reach the last element of its matrix. C must
// not overlap A or B. Sgemm panics on any violation before it writes to C.
// With m == 1 or n == 1 it runs as a matrix-vector product without packing.
// Sgemm is safe for concurrent use on disjoint outputs.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkDims("Sgemm", "m, n, k", m, n, k)
	aRows, aCols := m, k
	if transA {
		aRows, aCols = k, m
	}
	bRows, bCols := k, n
	if transB {
		bRows, bCols = n, k
	}
	aSpan := checkMatrix("Sgemm", "a", a, aRows, aCols, lda)
	bSpan := checkMatrix("Sgemm", "b", b, bRows, bCols, ldb)
	cSpan := checkMatrix("Sgemm", "c", c, m, n, ldc)
	checkDisjoint("Sgemm", "c", c[:cSpan], "a", a[:aSpan])
	checkDisjoint("Sgemm", "c", c[:cSpan], "b", b[:bSpan])

	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleMatrix(m, n, beta, c, ldc)
		return
	}
	l := impl()
	switch {
	case m == 1 && (!transA || lda == 1):
		// C is one row and op(A) one contiguous row vector x: c = op(B)ᵀ·x.
		x, y := a[:k], c[:n]
		if transB {
			l.gemvN(n, k, alpha, b, ldb, x, beta, y)
		} else {
			l.gemvT(k, n, alpha, b, ldb, x, beta, y)
		}
	case n == 1 && ldc == 1 && (transB || ldb == 1):
		// C is one contiguous column and op(B) one contiguous column x.
		x, y := b[:k], c[:m]
		if transA {
			l.gemvT(k, m, alpha, a, lda, x, beta, y)
		} else {
			l.gemvN(m, k, alpha, a, lda, x, beta, y)
		}
	case m == 1 || n == 1 || l.gemm.direct(transA, transB, m, n, k):
		sgemmSmall(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	default:
		sgemmBlocked(&l.gemm, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

// scaleMatrix computes C = beta*C for an m x n matrix, writing zeros when
// beta is 0 so that NaN in C does not survive.
func scaleMatrix(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}
