package kernels

import "testing"

func callSgemm(tc gemmCase, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
}

func TestSgemmAgainstReference(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		runGemmSweep(t, 1, callSgemm)
	})
}

func TestSgemmPackedAgainstReference(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		var pb PackedB
		runGemmSweep(t, 2, func(tc gemmCase, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
			PackB(&pb, tc.transB, tc.k, tc.n, b, ldb)
			SgemmPacked(tc.transA, tc.m, tc.n, tc.k, tc.alpha, a, lda, &pb, tc.beta, c, ldc)
		})
	})
}

// TestSgemmBlockedSmallBlocking runs the packed path with tiny cache
// blocks, so small shapes cross every mc, kc and nc boundary and hit every
// kind of edge tile.
func TestSgemmBlockedSmallBlocking(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		g := impl().gemm
		g.mc, g.kc, g.nc = 2*g.mr, 5, 3*g.nr
		call := func(tc gemmCase, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
			if tc.m == 0 || tc.n == 0 || tc.k == 0 || tc.alpha == 0 {
				callSgemm(tc, a, lda, b, ldb, c, ldc)
				return
			}
			sgemmBlocked(&g, tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
		}

		r := newRand(3)
		seed := uint64(3000)
		for _, m := range []int{1, 3, 4, 7, 8, 9, 13} {
			for _, n := range []int{1, 3, 4, 11, 12, 13, 25} {
				for _, k := range []int{1, 4, 5, 6, 11} {
					for tr := range 4 {
						sc := gemmScalars[(m+n+k+tr)%len(gemmScalars)]
						seed++
						checkGemm(t, seed, gemmCase{
							transA: tr&1 != 0, transB: tr&2 != 0, m: m, n: n, k: k,
							alpha: sc.alpha, beta: sc.beta, nanC: sc.nanC,
							padA: r.IntN(3), padB: r.IntN(3), padC: r.IntN(3),
							offA: r.IntN(16), offB: r.IntN(16), offC: r.IntN(16),
						}, call)
					}
				}
			}
		}
	})
}

func TestSgemmZeroAllocs(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		shapes := [][3]int{{64, 256, 64}, {300, 70, 260}, {1, 256, 64}, {64, 1, 64}, {3, 3, 3}, {100, 64, 5}}
		for _, s := range shapes {
			m, n, k := s[0], s[1], s[2]
			for tr := range 4 {
				tA, tB := tr&1 != 0, tr&2 != 0
				a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
				lda, ldb := k, n
				if tA {
					lda = m
				}
				if tB {
					ldb = k
				}
				for _, alpha := range []float32{1, -0.5} {
					allocs := testing.AllocsPerRun(5, func() {
						Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, 0.5, c, n)
					})
					if allocs != 0 {
						t.Errorf("Sgemm tA=%v tB=%v alpha=%v %dx%dx%d: %v allocations per call, want 0", tA, tB, alpha, m, n, k, allocs)
					}
				}
			}
		}
	})
}

func TestSgemmPackedZeroAllocs(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		for _, s := range [][3]int{{64, 256, 64}, {1, 256, 64}, {1, 128, 32}, {200, 128, 300}} {
			m, n, k := s[0], s[1], s[2]
			a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
			var pb PackedB
			PackB(&pb, false, k, n, b, n)
			allocs := testing.AllocsPerRun(5, func() {
				PackB(&pb, false, k, n, b, n)
				SgemmPacked(false, m, n, k, 1, a, k, &pb, 1, c, n)
			})
			if allocs != 0 {
				t.Errorf("PackB+SgemmPacked %dx%dx%d: %v allocations per call, want 0", m, n, k, allocs)
			}
		}
	})
}

func TestPackedBDims(t *testing.T) {
	var pb PackedB
	if k, n := pb.Dims(); k != 0 || n != 0 {
		t.Errorf("zero PackedB Dims() = %d, %d, want 0, 0", k, n)
	}
	PackB(&pb, true, 3, 5, make([]float32, 15), 3)
	if k, n := pb.Dims(); k != 3 || n != 5 {
		t.Errorf("Dims() = %d, %d after PackB of a 3x5 op(B), want 3, 5", k, n)
	}
}

// TestSgemmConcurrentCallsAgree runs Sgemm from several goroutines at once
// on disjoint outputs, sharing the packing workspaces, and requires results
// bit-identical to a sequential run.
func TestSgemmConcurrentCallsAgree(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		const workers, m, n, k = 4, 70, 90, 100
		r := newRand(900)
		a, b := make([]float32, m*k), make([]float32, k*n)
		for i := range a {
			a[i] = randValue(r)
		}
		for i := range b {
			b[i] = randValue(r)
		}
		want := make([]float32, m*n)
		Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, want, n)
		got := make([][]float32, workers)
		done := make(chan struct{})
		for w := range workers {
			got[w] = make([]float32, m*n)
			go func() {
				defer func() { done <- struct{}{} }()
				for range 20 {
					Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, got[w], n)
				}
			}()
		}
		for range workers {
			<-done
		}
		for w := range workers {
			if !sameBits(got[w], want) {
				t.Errorf("worker %d: result differs from the sequential run", w)
			}
		}
	})
}
