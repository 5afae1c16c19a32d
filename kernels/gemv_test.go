package kernels

import (
	"fmt"
	"math"
	"testing"
)

func TestSgemvAgainstReference(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		r := newRand(10)
		var shapes [][2]int
		for v := 0; v <= 33; v++ {
			shapes = append(shapes, [2]int{v, r.IntN(34)}, [2]int{r.IntN(34), v})
		}
		shapes = append(shapes, [2]int{64, 256}, [2]int{257, 127}, [2]int{32, 128}, [2]int{1, 300}, [2]int{300, 1})
		seed := uint64(10000)
		for idx, s := range shapes {
			for _, trans := range []bool{false, true} {
				sc := gemmScalars[idx%len(gemmScalars)]
				seed++
				checkGemv(t, seed, trans, s[0], s[1], sc.alpha, sc.beta, sc.nanC, idx%4 == 0)
			}
		}
	})
}

// checkGemv runs Sgemv on random guarded operands and compares y with a
// float64 reference.
func checkGemv(t *testing.T, seed uint64, trans bool, m, n int, alpha, beta float32, nanY, special bool) {
	t.Helper()
	r := newRand(seed)
	where := fmt.Sprintf("trans=%v m=%d n=%d alpha=%g beta=%g nanY=%v special=%v, %s", trans, m, n, alpha, beta, nanY, special, seedMsg(seed))
	value := func() float32 { return randValue(r) }
	ga, lda := newMatrix(r, m, n, r.IntN(4), r.IntN(16), value)
	xLen, yLen := n, m
	if trans {
		xLen, yLen = m, n
	}
	gx := newGuarded(r.IntN(16), xLen, func(int) float32 { return randValue(r) })
	gy := newGuarded(r.IntN(16), yLen, func(int) float32 {
		if nanY {
			return float32(math.NaN())
		}
		return randValue(r)
	})
	if special {
		injectSpecial(r, ga.view, m, n, lda)
		injectSpecial(r, gx.view, 1, xLen, max(1, xLen))
	}
	aIn, xIn, yOld := snapshot(ga.view), snapshot(gx.view), snapshot(gy.view)

	Sgemv(trans, m, n, alpha, ga.view, lda, gx.view, beta, gy.view)

	ga.checkGuards(t, "a: "+where)
	gx.checkGuards(t, "x: "+where)
	gy.checkGuards(t, "y: "+where)
	if !sameBits(aIn, ga.view) || !sameBits(xIn, gx.view) {
		t.Fatalf("a or x written: %s", where)
	}
	tol := 2 * float64(xLen+4) * eps32
	for i := range yLen {
		var sum, mag float64
		for p := range xLen {
			var av float64
			if trans {
				av = float64(aIn[p*lda+i])
			} else {
				av = float64(aIn[i*lda+p])
			}
			sum += av * float64(xIn[p])
			mag += math.Abs(av * float64(xIn[p]))
		}
		want := float64(alpha) * sum
		if alpha == 0 {
			// Sgemv skips A and x entirely, so Inf or NaN there do not count.
			want, mag = 0, 0
		}
		mag *= math.Abs(float64(alpha))
		if beta != 0 {
			want += float64(beta) * float64(yOld[i])
			mag += math.Abs(float64(beta) * float64(yOld[i]))
		}
		bound := tol*mag + float64(xLen+2)*math.SmallestNonzeroFloat32
		if got := gy.view[i]; !closeTo(got, want, bound) {
			t.Fatalf("y[%d] = %v, want %v (bound %.3g): %s", i, got, want, bound, where)
		}
	}
}

func TestSgemvZeroAllocs(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		a, x, y := make([]float32, 64*256), make([]float32, 256), make([]float32, 256)
		for _, trans := range []bool{false, true} {
			for _, alpha := range []float32{1, 0.5} {
				allocs := testing.AllocsPerRun(10, func() {
					Sgemv(trans, 64, 256, alpha, a, 256, x, 0, y)
				})
				if allocs != 0 {
					t.Errorf("Sgemv trans=%v alpha=%v: %v allocations per call, want 0", trans, alpha, allocs)
				}
			}
		}
	})
}
