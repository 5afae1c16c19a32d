package kernels

import "fmt"

// PackedB is a B operand of SGEMM packed once into the active level's panel
// layout, so that SgemmPacked can multiply many A matrices by it without
// packing B again. The LSTM uses it for the recurrent kernel U, which every
// timestep of a forward pass multiplies unchanged.
//
// The zero value is empty; PackB fills it. A PackedB does not refer to the
// B it was packed from, so later changes to B need another PackB. It must
// be packed again after Use selects another level. A PackedB may be read by
// concurrent SgemmPacked calls but not while PackB writes it.
type PackedB struct {
	lvl    *level
	k, n   int
	nr, kc int
	buf    []float32
}

// Dims returns the k x n shape of op(B) that p holds, or 0, 0 before the
// first PackB.
func (p *PackedB) Dims() (k, n int) {
	return p.k, p.n
}

// PackB packs op(B), a k x n matrix, into dst for SgemmPacked. transB means
// B is stored n x k. ldb must be at least max(1, columns of the stored
// matrix). PackB reuses dst's buffer when it is large enough, so repacking
// a B of the same shape allocates nothing.
func PackB(dst *PackedB, transB bool, k, n int, b []float32, ldb int) {
	if dst == nil {
		panic("kernels: PackB: dst is nil")
	}
	checkDims("PackB", "k, n", k, n)
	bRows, bCols := k, n
	if transB {
		bRows, bCols = n, k
	}
	checkMatrix("PackB", "b", b, bRows, bCols, ldb)

	l := impl()
	g := &l.gemm
	npad := roundUp(n, g.nr)
	dst.lvl, dst.k, dst.n, dst.nr, dst.kc = l, k, n, g.nr, g.kc
	dst.buf = grow(dst.buf, npad*k)
	for pc := 0; pc < k; pc += g.kc {
		kb := min(g.kc, k-pc)
		packB(dst.buf[pc*npad:pc*npad+npad*kb], transB, b, ldb, pc, 0, kb, n, g.nr)
	}
}

// SgemmPacked computes C = alpha*op(A)*op(B) + beta*C like Sgemm, with
// op(B) taken from pb, which PackB must have filled as a k x n matrix under
// the active level. With m == 1 it runs as a vector-matrix product over the
// packed panels and packs nothing. It is allocation-free in steady state.
// C must not overlap A. SgemmPacked panics on any violation before it
// writes to C.
func SgemmPacked(transA bool, m, n, k int, alpha float32, a []float32, lda int, pb *PackedB, beta float32, c []float32, ldc int) {
	checkDims("SgemmPacked", "m, n, k", m, n, k)
	if pb == nil {
		panic("kernels: SgemmPacked: pb is nil")
	}
	if pb.lvl == nil {
		panic("kernels: SgemmPacked: pb is empty; fill it with PackB first")
	}
	if pb.k != k || pb.n != n {
		panic(fmt.Sprintf("kernels: SgemmPacked: pb contains a %dx%d op(B), need %dx%d; call PackB with the new shape", pb.k, pb.n, k, n))
	}
	l := impl()
	if pb.lvl != l {
		panic(fmt.Sprintf("kernels: SgemmPacked: pb was packed for level %q, active level is %q; call PackB again", pb.lvl.name, l.name))
	}
	aRows, aCols := m, k
	if transA {
		aRows, aCols = k, m
	}
	aSpan := checkMatrix("SgemmPacked", "a", a, aRows, aCols, lda)
	cSpan := checkMatrix("SgemmPacked", "c", c, m, n, ldc)
	checkDisjoint("SgemmPacked", "c", c[:cSpan], "a", a[:aSpan])

	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleMatrix(m, n, beta, c, ldc)
		return
	}
	g := &l.gemm
	if m == 1 {
		incx := 1
		if transA {
			incx = lda
		}
		g.packedMV(alpha, a[:aSpan], incx, pb, beta, c[:n])
		return
	}

	ws := getWorkspace()
	defer putWorkspace(ws)
	ws.a = grow(ws.a, roundUp(min(g.mc, m), g.mr)*min(g.kc, k))
	ws.tile = grow(ws.tile, g.mr*g.nr)
	npad := roundUp(n, g.nr)
	for pc := 0; pc < k; pc += g.kc {
		kb := min(g.kc, k-pc)
		bp := pb.buf[pc*npad : pc*npad+npad*kb]
		blockBeta := beta
		if pc > 0 {
			blockBeta = 1
		}
		for ic := 0; ic < m; ic += g.mc {
			mb := min(g.mc, m-ic)
			ap := ws.a[:roundUp(mb, g.mr)*kb]
			packA(ap, transA, a, lda, ic, pc, mb, kb, g.mr)
			sgemmMacro(g, mb, n, kb, alpha, ap, bp, blockBeta, c[ic*ldc:], ldc, ws.tile)
		}
	}
}

// sgemvPackedGeneric computes y = alpha*x·B + beta*y for a PackedB with
// nr == 4, where x holds k values at stride incx. It accumulates each
// column over all of k before it writes y.
func sgemvPackedGeneric(alpha float32, x []float32, incx int, pb *PackedB, beta float32, y []float32) {
	k, n, kc := pb.k, pb.n, pb.kc
	npad := roundUp(n, 4)
	for jr := 0; jr < n; jr += 4 {
		var s0, s1, s2, s3 float32
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			panel := pb.buf[pc*npad+jr*kb : pc*npad+(jr+4)*kb]
			if incx == 1 {
				s0, s1, s2, s3 = panelDot4(panel, x[pc:pc+kb], s0, s1, s2, s3)
				continue
			}
			for p := 0; p < kb; p++ {
				xv := x[(pc+p)*incx]
				q := panel[4*p : 4*p+4 : 4*p+4]
				s0 += xv * q[0]
				s1 += xv * q[1]
				s2 += xv * q[2]
				s3 += xv * q[3]
			}
		}
		if jr+4 <= n {
			storeRow4(y[jr:jr+4], alpha, beta, s0, s1, s2, s3)
			continue
		}
		sums := [4]float32{s0, s1, s2, s3}
		for j := range y[jr:n] {
			if beta == 0 {
				y[jr+j] = alpha * sums[j]
			} else {
				y[jr+j] = alpha*sums[j] + beta*y[jr+j]
			}
		}
	}
}

// panelDot4 adds x·panel to the four column sums of a packed B panel
// (len(x) steps of 4 values). It runs two steps per iteration into
// separate sums, which halves the dependency chains.
func panelDot4(panel, x []float32, s0, s1, s2, s3 float32) (float32, float32, float32, float32) {
	var t0, t1, t2, t3 float32
	panel = panel[:4*len(x)]
	p := 0
	for ; p+2 <= len(x); p += 2 {
		q := panel[4*p : 4*p+8 : 4*p+8]
		x0, x1 := x[p], x[p+1]
		s0 += x0 * q[0]
		s1 += x0 * q[1]
		s2 += x0 * q[2]
		s3 += x0 * q[3]
		t0 += x1 * q[4]
		t1 += x1 * q[5]
		t2 += x1 * q[6]
		t3 += x1 * q[7]
	}
	if p < len(x) {
		q := panel[4*p : 4*p+4 : 4*p+4]
		xv := x[p]
		s0 += xv * q[0]
		s1 += xv * q[1]
		s2 += xv * q[2]
		s3 += xv * q[3]
	}
	return s0 + t0, s1 + t1, s2 + t2, s3 + t3
}
