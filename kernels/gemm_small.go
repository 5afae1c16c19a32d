package kernels

// sgemmSmall computes Sgemm with direct loops and no packing, for problems
// too small to repay it and for the row or column cases with strided
// vectors. It expects validated arguments with m, n, k > 0 and alpha != 0.
func sgemmSmall(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if !transB {
		sgemmSmallRows(transA, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	// B is stored n x k, so C(i,j) is a dot product with B row j.
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		for j := range row {
			bj := b[j*ldb : j*ldb+k]
			var s float32
			if transA {
				for p, bv := range bj {
					s += a[p*lda+i] * bv
				}
			} else {
				s = dotGeneric(a[i*lda:i*lda+k], bj)
			}
			if beta == 0 {
				row[j] = alpha * s
			} else {
				row[j] = alpha*s + beta*row[j]
			}
		}
	}
}

// sgemmSmallRows computes C = alpha*op(A)*B + beta*C one row at a time, as
// the sum over p of op(A)(i,p) times row p of B. It multiplies by alpha
// after summing, like the packed path, because scaling op(A)(i,p) first can
// round a subnormal to 0 and turn 0*Inf into NaN. With alpha != 1 the sums
// go to a scratch row from the workspace free list.
func sgemmSmallRows(transA bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	var ws *gemmWorkspace
	if alpha != 1 {
		ws = getWorkspace()
		defer putWorkspace(ws)
		ws.tile = grow(ws.tile, n)
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		sums := row
		if alpha == 1 {
			scaleRow(row, beta)
		} else {
			sums = ws.tile[:n]
			clear(sums)
		}
		for p := 0; p < k; p++ {
			var av float32
			if transA {
				av = a[p*lda+i]
			} else {
				av = a[i*lda+p]
			}
			axpyGeneric(sums, av, b[p*ldb:p*ldb+n])
		}
		if alpha != 1 {
			mergeTile(1, n, sums, n, alpha, beta, row, n)
		}
	}
}

// scaleRow computes row *= beta, writing zeros when beta is 0.
func scaleRow(row []float32, beta float32) {
	switch beta {
	case 0:
		clear(row)
	case 1:
	default:
		scaleGeneric(row, beta)
	}
}

// sgemmDirectGeneric reports whether the generic level should run an SGEMM
// with sgemmSmall. Measured with the package benchmarks on an AMD EPYC
// (amd64): packing does not pay off for tiny problems or k <= 8 without
// transB, and for A·Bᵀ the dot-product loop beats the 2 x 4 micro-kernel
// while B (n x k) fits in 256 KB of cache.
func sgemmDirectGeneric(transA, transB bool, m, n, k int) bool {
	switch {
	case m*n*k <= 4096:
		return true
	case !transB:
		return k <= 8
	case !transA:
		return n*k <= 1<<16
	}
	return false
}
