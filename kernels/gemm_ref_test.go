package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// gemmCase is one SGEMM call: the shape, the scalars and the layout of each
// operand (extra leading-dimension padding and the start offset into its
// backing array).
type gemmCase struct {
	transA, transB   bool
	m, n, k          int
	alpha, beta      float32
	padA, padB, padC int
	offA, offB, offC int
	// special, when set, writes special values into some elements of A
	// and B.
	special bool
	// nanC fills C with NaN, which beta 0 must ignore.
	nanC bool
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("tA=%v tB=%v m=%d n=%d k=%d alpha=%g beta=%g pad=%d,%d,%d off=%d,%d,%d special=%v nanC=%v",
		tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.padA, tc.padB, tc.padC,
		tc.offA, tc.offB, tc.offC, tc.special, tc.nanC)
}

// gemmCall runs the SGEMM under test for a case on prepared operands.
type gemmCall func(tc gemmCase, a []float32, lda int, b []float32, ldb int, c []float32, ldc int)

// gapBits marks the cells between rows of a matrix with leading-dimension
// padding. In C they must survive the call; in A and B they are NaN, so a
// kernel that reads them would spoil its result.
const gapBits = 0x7fc0beef

// newMatrix returns a rows x cols matrix with leading dimension cols+pad
// (at least 1) at offset off into a guarded backing array, with the gap
// cells set to gapBits.
func newMatrix(r *rand.Rand, rows, cols, pad, off int, fill func() float32) (*guarded, int) {
	ld := max(1, cols) + pad
	g := newGuarded(off, matrixLen(rows, cols, ld), func(int) float32 { return math.Float32frombits(gapBits) })
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			g.view[i*ld+j] = fill()
		}
	}
	return g, ld
}

// checkGaps reports any gap cell of the rows x cols matrix with leading
// dimension ld that no longer holds gapBits.
func checkGaps(t *testing.T, what string, s []float32, rows, cols, ld int) {
	t.Helper()
	for i := 0; i < rows; i++ {
		for j := cols; j < ld && i*ld+j < len(s); j++ {
			if math.Float32bits(s[i*ld+j]) != gapBits {
				t.Fatalf("%s: gap cell (%d, %d) overwritten with %v", what, i, j, s[i*ld+j])
			}
		}
	}
}

// injectSpecial overwrites a few random elements of the stored matrix with
// special values, keeping the rest finite.
func injectSpecial(r *rand.Rand, s []float32, rows, cols, ld int) {
	if rows == 0 || cols == 0 {
		return
	}
	vals := []float32{
		float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.Copysign(0, -1)), math.SmallestNonzeroFloat32, 0x1p-130, 1e18, -1e18,
	}
	for range 1 + r.IntN(3) {
		s[r.IntN(rows)*ld+r.IntN(cols)] = vals[r.IntN(len(vals))]
	}
}

// checkGemm runs call on random operands for tc and compares C with a
// float64 reference. The tolerance is relative to the magnitude of the
// terms summed into each element and grows with k.
func checkGemm(t *testing.T, seed uint64, tc gemmCase, call gemmCall) {
	t.Helper()
	r := newRand(seed)
	aRows, aCols := tc.m, tc.k
	if tc.transA {
		aRows, aCols = tc.k, tc.m
	}
	bRows, bCols := tc.k, tc.n
	if tc.transB {
		bRows, bCols = tc.n, tc.k
	}
	value := func() float32 { return randValue(r) }
	ga, lda := newMatrix(r, aRows, aCols, tc.padA, tc.offA, value)
	gb, ldb := newMatrix(r, bRows, bCols, tc.padB, tc.offB, value)
	cValue := value
	if tc.nanC {
		cValue = func() float32 { return float32(math.NaN()) }
	}
	gc, ldc := newMatrix(r, tc.m, tc.n, tc.padC, tc.offC, cValue)
	if tc.special {
		injectSpecial(r, ga.view, aRows, aCols, lda)
		injectSpecial(r, gb.view, bRows, bCols, ldb)
	}
	// A and B gaps hold NaN so reading them would show in C.
	aIn, bIn := snapshot(ga.view), snapshot(gb.view)
	cOld := snapshot(gc.view)

	call(tc, ga.view, lda, gb.view, ldb, gc.view, ldc)

	where := func() string { return fmt.Sprintf("%s, %s", tc, seedMsg(seed)) }
	ga.checkGuards(t, "a: "+where())
	gb.checkGuards(t, "b: "+where())
	gc.checkGuards(t, "c: "+where())
	checkGaps(t, "c: "+where(), gc.view, tc.m, tc.n, ldc)
	if !sameBits(aIn, ga.view) || !sameBits(bIn, gb.view) {
		t.Fatalf("a or b written: %s", where())
	}
	opA := func(i, p int) float64 {
		if tc.transA {
			return float64(aIn[p*lda+i])
		}
		return float64(aIn[i*lda+p])
	}
	opB := func(p, j int) float64 {
		if tc.transB {
			return float64(bIn[j*ldb+p])
		}
		return float64(bIn[p*ldb+j])
	}
	tol := 2 * float64(tc.k+4) * eps32
	for i := 0; i < tc.m; i++ {
		for j := 0; j < tc.n; j++ {
			var sum, mag float64
			if tc.alpha != 0 {
				for p := 0; p < tc.k; p++ {
					sum += opA(i, p) * opB(p, j)
					mag += math.Abs(opA(i, p) * opB(p, j))
				}
			}
			want := float64(tc.alpha) * sum
			mag *= math.Abs(float64(tc.alpha))
			if tc.beta != 0 {
				old := float64(cOld[i*ldc+j])
				want += float64(tc.beta) * old
				mag += math.Abs(float64(tc.beta) * old)
			}
			bound := tol*mag + float64(tc.k+2)*math.SmallestNonzeroFloat32
			if got := gc.view[i*ldc+j]; !closeTo(got, want, bound) {
				t.Fatalf("c[%d,%d] = %v, want %v (bound %.3g): %s", i, j, got, want, bound, where())
			}
		}
	}
}

// gemmScalars are the (alpha, beta, nanC) combinations every shape runs
// with, cycled through case by case.
var gemmScalars = []struct {
	alpha, beta float32
	nanC        bool
}{
	{1, 0, false},
	{1, 1, false},
	{0.5, -2, false},
	{-1.25, 0, true},
	{0, 0.5, false},
	{0, 0, true},
	{2, 0.25, false},
}

// gemmShapes returns the shapes to test: every value 0..33 on each axis
// with the other two sampled, a grid of small shapes, and a few large ones
// that cross the cache-blocking sizes. short keeps fewer samples.
func gemmShapes(r *rand.Rand, short bool) [][3]int {
	var shapes [][3]int
	samples := 3
	if short {
		samples = 1
	}
	for axis := range 3 {
		for v := 0; v <= 33; v++ {
			for range samples {
				s := [3]int{r.IntN(34), r.IntN(34), r.IntN(34)}
				s[axis] = v
				shapes = append(shapes, s)
			}
		}
	}

	small := []int{0, 1, 2, 3, 4, 5, 8, 9}
	for _, m := range small {
		for _, n := range small {
			for _, k := range small {
				shapes = append(shapes, [3]int{m, n, k})
			}
		}
	}

	large := []int{64, 127, 257}
	shapes = append(shapes, [3]int{257, 257, 257}, [3]int{1, 257, 300}, [3]int{300, 1, 257},
		[3]int{5, 2050, 3}, [3]int{130, 9, 260})
	count := 6
	if short {
		count = 2
	}
	for range count {
		shapes = append(shapes, [3]int{large[r.IntN(3)], large[r.IntN(3)], large[r.IntN(3)]})
	}
	return shapes
}

// runGemmSweep checks call over gemmShapes with every transpose and a
// rotation of scalars, paddings, offsets and special values.
func runGemmSweep(t *testing.T, seed uint64, call gemmCall) {
	r := newRand(seed)
	caseSeed := seed * 1000003
	for idx, s := range gemmShapes(r, testing.Short()) {
		for tr := range 4 {
			sc := gemmScalars[(idx+tr)%len(gemmScalars)]
			tc := gemmCase{
				transA: tr&1 != 0, transB: tr&2 != 0,
				m: s[0], n: s[1], k: s[2],
				alpha: sc.alpha, beta: sc.beta, nanC: sc.nanC,
				special: (idx+tr)%5 == 0,
			}
			if (idx+tr)%3 != 0 {
				tc.padA, tc.padB, tc.padC = r.IntN(4), r.IntN(4), r.IntN(4)
				tc.offA, tc.offB, tc.offC = r.IntN(16), r.IntN(16), r.IntN(16)
			}
			caseSeed++
			checkGemm(t, caseSeed, tc, call)
		}
	}
}
