package kernels

// sgemmMicroGeneric2x4 is the generic level's micro-kernel: it computes the
// 2 x 4 tile C = alpha*A·B + beta*C from a packed A panel (kc steps of 2
// values) and a packed B panel (kc steps of 4 values), ignoring the old C
// when beta is 0. The tile is 2 x 4 because 8 accumulators, 4 values of B
// and 1 of A fit in the 15 floating-point registers that Go code can use on
// amd64. A 4 x 4 tile spills to the stack and ran about a third slower in a
// micro-benchmark on an AMD EPYC.
func sgemmMicroGeneric2x4(kc int, alpha float32, a, b []float32, beta float32, c []float32, ldc int) {
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	a = a[:2*kc]
	b = b[:4*kc]
	for p := 0; p < kc; p++ {
		ap := a[2*p : 2*p+2 : 2*p+2]
		bp := b[4*p : 4*p+4 : 4*p+4]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		av := ap[0]
		c00 += av * b0
		c01 += av * b1
		c02 += av * b2
		c03 += av * b3
		av = ap[1]
		c10 += av * b0
		c11 += av * b1
		c12 += av * b2
		c13 += av * b3
	}
	storeRow4(c[0:4:4], alpha, beta, c00, c01, c02, c03)
	storeRow4(c[ldc:ldc+4:ldc+4], alpha, beta, c10, c11, c12, c13)
}

// storeRow4 computes row = alpha*(v0..v3) + beta*row, ignoring the old row
// when beta is 0.
func storeRow4(row []float32, alpha, beta, v0, v1, v2, v3 float32) {
	row = row[:4]
	if beta == 0 {
		row[0] = alpha * v0
		row[1] = alpha * v1
		row[2] = alpha * v2
		row[3] = alpha * v3
		return
	}
	row[0] = alpha*v0 + beta*row[0]
	row[1] = alpha*v1 + beta*row[1]
	row[2] = alpha*v2 + beta*row[2]
	row[3] = alpha*v3 + beta*row[3]
}
