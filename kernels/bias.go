package kernels

// AddBias adds bias[j] to every row of the rows x cols matrix c with leading
// dimension ldc. ldc must be at least max(1, cols), bias must have at least
// cols values and must not overlap c.
func AddBias(c []float32, rows, cols, ldc int, bias []float32) {
	checkDims("AddBias", "rows, cols", rows, cols)
	cSpan := checkMatrix("AddBias", "c", c, rows, cols, ldc)
	checkLen("AddBias", "bias", bias, cols)
	checkDisjoint("AddBias", "c", c[:cSpan], "bias", bias[:cols])
	if rows == 0 || cols == 0 {
		return
	}
	impl().addBias(c, rows, cols, ldc, bias[:cols])
}

// ColSum adds the column sums of the rows x cols matrix a (leading
// dimension lda) to dst[0:cols]. LSTM and Dense backward passes get bias
// gradients from it. lda must be at least max(1, cols), dst must have at
// least cols values and must not overlap a.
func ColSum(dst []float32, a []float32, rows, cols, lda int) {
	checkDims("ColSum", "rows, cols", rows, cols)
	aSpan := checkMatrix("ColSum", "a", a, rows, cols, lda)
	checkLen("ColSum", "dst", dst, cols)
	checkDisjoint("ColSum", "dst", dst[:cols], "a", a[:aSpan])
	if rows == 0 || cols == 0 {
		return
	}
	impl().colSum(dst[:cols], a, rows, cols, lda)
}

func addBiasGeneric(c []float32, rows, cols, ldc int, bias []float32) {
	for i := 0; i < rows; i++ {
		axpyGeneric(c[i*ldc:i*ldc+cols], 1, bias)
	}
}

func colSumGeneric(dst []float32, a []float32, rows, cols, lda int) {
	for i := 0; i < rows; i++ {
		axpyGeneric(dst, 1, a[i*lda:i*lda+cols])
	}
}
