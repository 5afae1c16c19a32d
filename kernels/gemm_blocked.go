package kernels

import "runtime"

// gemmConfig is one level's SGEMM micro-kernel with its register tile
// (mr x nr) and cache blocking. mc must be a multiple of mr and nc a
// multiple of nr.
type gemmConfig struct {
	mr, nr     int
	mc, kc, nc int

	// micro computes the mr x nr tile C = alpha*A·B + beta*C, where a is a
	// packed A panel (kc steps of mr values), b a packed B panel (kc steps
	// of nr values) and c starts at the tile's first element. With beta 0
	// the old C is ignored. It receives only full tiles: len(a) == mr*kc,
	// len(b) == nr*kc and len(c) >= (mr-1)*ldc + nr.
	micro func(kc int, alpha float32, a, b []float32, beta float32, c []float32, ldc int)

	// packedMV computes y = alpha*x·B + beta*y for a PackedB of this level,
	// where x holds k values at stride incx and y holds n values.
	packedMV func(alpha float32, x []float32, incx int, pb *PackedB, beta float32, y []float32)

	// direct reports whether Sgemm should skip packing for this problem
	// and run sgemmSmall, because the level's packed path is slower there.
	direct func(transA, transB bool, m, n, k int) bool
}

// gemmWorkspace holds the packing buffers of one Sgemm call. Buffers grow
// to the largest request and are reused, so steady-state calls allocate
// nothing.
type gemmWorkspace struct {
	a, b, tile []float32
}

// gemmWorkspaces is a free list of workspaces. Unlike a sync.Pool it keeps
// its buffers across garbage collections, so callers that allocate
// elsewhere still reuse them. It holds at most max(4, GOMAXPROCS at init)
// workspaces of at most (mc + nc) * kc floats plus a tile each (about
// 2.2 MB for the generic level). Concurrent calls beyond that allocate
// their own.
var gemmWorkspaces = make(chan *gemmWorkspace, max(4, runtime.GOMAXPROCS(0)))

// getWorkspace takes a workspace from the free list, or a new one when the
// list is empty.
func getWorkspace() *gemmWorkspace {
	select {
	case ws := <-gemmWorkspaces:
		return ws
	default:
		return new(gemmWorkspace)
	}
}

// putWorkspace returns ws to the free list, or drops it when the list is
// full.
func putWorkspace(ws *gemmWorkspace) {
	select {
	case gemmWorkspaces <- ws:
	default:
	}
}

// grow returns s resliced to n values, reallocating only when cap(s) < n.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// roundUp returns x rounded up to a multiple of m.
func roundUp(x, m int) int {
	return (x + m - 1) / m * m
}

// sgemmBlocked computes Sgemm by packing kc x nc blocks of op(B) and
// mc x kc blocks of op(A) and running the micro-kernel over each tile.
// It expects validated arguments with m, n, k > 0 and alpha != 0.
func sgemmBlocked(g *gemmConfig, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ws := getWorkspace()
	defer putWorkspace(ws)
	kcMax := min(g.kc, k)
	ws.a = grow(ws.a, roundUp(min(g.mc, m), g.mr)*kcMax)
	ws.b = grow(ws.b, roundUp(min(g.nc, n), g.nr)*kcMax)
	ws.tile = grow(ws.tile, g.mr*g.nr)

	for jc := 0; jc < n; jc += g.nc {
		nb := min(g.nc, n-jc)
		for pc := 0; pc < k; pc += g.kc {
			kb := min(g.kc, k-pc)
			bp := ws.b[:roundUp(nb, g.nr)*kb]
			packB(bp, transB, b, ldb, pc, jc, kb, nb, g.nr)
			blockBeta := beta
			if pc > 0 {
				blockBeta = 1
			}
			for ic := 0; ic < m; ic += g.mc {
				mb := min(g.mc, m-ic)
				ap := ws.a[:roundUp(mb, g.mr)*kb]
				packA(ap, transA, a, lda, ic, pc, mb, kb, g.mr)
				sgemmMacro(g, mb, nb, kb, alpha, ap, bp, blockBeta, c[ic*ldc+jc:], ldc, ws.tile)
			}
		}
	}
}

// sgemmMacro runs the micro-kernel over an mb x nb block of C from packed
// panels ap and bp. Edge tiles go through tile, an mr x nr scratch, so the
// micro-kernel never reads or writes outside C.
func sgemmMacro(g *gemmConfig, mb, nb, kb int, alpha float32, ap, bp []float32, beta float32, c []float32, ldc int, tile []float32) {
	mr, nr := g.mr, g.nr
	for jr := 0; jr < nb; jr += nr {
		nn := min(nr, nb-jr)
		bPanel := bp[jr*kb : (jr+nr)*kb]
		for ir := 0; ir < mb; ir += mr {
			mm := min(mr, mb-ir)
			aPanel := ap[ir*kb : (ir+mr)*kb]
			off := ir*ldc + jr
			if mm == mr && nn == nr {
				g.micro(kb, alpha, aPanel, bPanel, beta, c[off:off+(mr-1)*ldc+nr], ldc)
				continue
			}
			g.micro(kb, alpha, aPanel, bPanel, 0, tile, nr)
			mergeTile(mm, nn, tile, nr, 1, beta, c[off:], ldc)
		}
	}
}

// mergeTile computes C = alpha*T + beta*C for the mm x nn top-left part of
// the tile T, ignoring the old C when beta is 0.
func mergeTile(mm, nn int, t []float32, ldt int, alpha, beta float32, c []float32, ldc int) {
	for i := 0; i < mm; i++ {
		src := t[i*ldt : i*ldt+nn]
		dst := c[i*ldc : i*ldc+nn]
		switch {
		case beta == 0 && alpha == 1:
			copy(dst, src)
		case beta == 0:
			for j, v := range src {
				dst[j] = alpha * v
			}
		default:
			for j, v := range src {
				dst[j] = alpha*v + beta*dst[j]
			}
		}
	}
}
