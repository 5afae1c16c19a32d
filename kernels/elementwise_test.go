package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// elementwiseLengths returns every length 0..70, which covers several times
// any unroll width plus tails, and a few large ones.
func elementwiseLengths() []int {
	var ns []int
	for n := 0; n <= 70; n++ {
		ns = append(ns, n)
	}
	return append(ns, 127, 257, 1000, 4099)
}

// elementwiseOp describes an elementwise kernel for checkElementwise: it
// writes len(out) outputs from inputs, and want gives the float64 result and
// the allowed absolute error for one index.
type elementwiseOp struct {
	name   string
	inputs int
	// gen returns a value for operand in. A nil gen uses random values in
	// [-2, 2) with special values mixed in.
	gen  func(r *rand.Rand, in int) float32
	call func(out []float32, in [][]float32)
	// want returns the expected output and the allowed error given the
	// inputs at one index and the old output value.
	want func(in []float32, old float32) (float64, float64)
}

// checkElementwise runs op for every length, with random start offsets on
// each operand, guard cells after every slice and, for every other length,
// the output aliasing the first input.
func checkElementwise(t *testing.T, seed uint64, op elementwiseOp) {
	t.Helper()
	r := newRand(seed)
	gen := op.gen
	if gen == nil {
		gen = func(r *rand.Rand, _ int) float32 {
			if r.IntN(8) == 0 {
				return specialValues[r.IntN(len(specialValues))]
			}
			return float32(r.Float64()*4 - 2)
		}
	}
	for _, n := range elementwiseLengths() {
		aliased := op.inputs > 0 && n%2 == 1
		where := fmt.Sprintf("%s n=%d aliased=%v, %s", op.name, n, aliased, seedMsg(seed))
		ins := make([]*guarded, op.inputs)
		views := make([][]float32, op.inputs)
		for j := range ins {
			ins[j] = newGuarded(r.IntN(16), n, func(int) float32 { return gen(r, j) })
			views[j] = ins[j].view
		}
		out := newGuarded(r.IntN(16), n, func(int) float32 { return gen(r, op.inputs) })
		if aliased {
			out = ins[0]
		}
		inSnap := make([][]float32, op.inputs)
		for j, v := range views {
			inSnap[j] = snapshot(v)
		}
		old := snapshot(out.view)

		op.call(out.view, views)

		out.checkGuards(t, "out: "+where)
		for j, g := range ins {
			g.checkGuards(t, fmt.Sprintf("input %d: %s", j, where))
			if !(aliased && j == 0) && !sameBits(inSnap[j], g.view) {
				t.Fatalf("input %d written: %s", j, where)
			}
		}
		at := make([]float32, op.inputs)
		for i := range n {
			for j := range at {
				at[j] = inSnap[j][i]
			}
			want, bound := op.want(at, old[i])
			if got := out.view[i]; !closeTo(got, want, bound) {
				t.Fatalf("out[%d] = %v, want %v (bound %.3g) for inputs %v, old %v: %s", i, got, want, bound, at, old[i], where)
			}
		}
	}
}

// relTol returns the bound for a float32 result with ulps roundings of
// relative size eps32 on a value of magnitude mag.
func relTol(ulps float64, mag float64) float64 {
	return ulps*eps32*math.Abs(mag) + math.SmallestNonzeroFloat32
}

func TestElementwiseAgainstReference(t *testing.T) {
	const alpha = -0.75
	ops := []elementwiseOp{
		{
			name: "Axpy", inputs: 1,
			call: func(out []float32, in [][]float32) { Axpy(out, alpha, in[0]) },
			want: func(in []float32, old float32) (float64, float64) {
				x := float64(in[0])
				return float64(old) + alpha*x, relTol(2, math.Abs(float64(old))+math.Abs(alpha*x))
			},
		},
		{
			name: "Scale", inputs: 0,
			call: func(out []float32, in [][]float32) { Scale(out, alpha) },
			want: func(in []float32, old float32) (float64, float64) {
				return alpha * float64(old), relTol(1, alpha*float64(old))
			},
		},
		{
			name: "Mul", inputs: 2,
			call: func(out []float32, in [][]float32) { Mul(out, in[0], in[1]) },
			want: func(in []float32, old float32) (float64, float64) {
				v := float64(in[0]) * float64(in[1])
				return v, relTol(1, v)
			},
		},
		{
			name: "ReLU", inputs: 1,
			call: func(out []float32, in [][]float32) { ReLU(out, in[0]) },
			want: func(in []float32, old float32) (float64, float64) {
				if in[0] != in[0] {
					return math.NaN(), 0
				}
				return math.Max(float64(in[0]), 0), 0
			},
		},
		{
			name: "ReLUBackward", inputs: 2,
			call: func(out []float32, in [][]float32) { ReLUBackward(out, in[0], in[1]) },
			want: func(in []float32, old float32) (float64, float64) {
				if in[1] > 0 {
					return float64(in[0]), 0
				}
				return 0, 0
			},
		},
	}
	forEachLevel(t, func(t *testing.T) {
		for i, op := range ops {
			t.Run(op.name, func(t *testing.T) {
				checkElementwise(t, uint64(100+i), op)
			})
		}
	})
}

// TestAxpyAliasedWithInput checks y += alpha*y when y and x are one slice,
// which checkElementwise cannot express because it snapshots x separately.
func TestAxpyAliasedWithInput(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		y := []float32{1, -2, 3, 0.5, 7}
		Axpy(y, 2, y)
		want := []float32{3, -6, 9, 1.5, 21}
		if !sameBits(y, want) {
			t.Errorf("Axpy(y, 2, y) = %v, want %v", y, want)
		}
	})
}

func TestReLUSignedZero(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		dst := []float32{7}
		ReLU(dst, []float32{float32(math.Copysign(0, -1))})
		if math.Float32bits(dst[0]) != 0 {
			t.Errorf("ReLU(-0) = %v (bits %#x), want +0", dst[0], math.Float32bits(dst[0]))
		}
	})
}

func TestAddBiasAndColSum(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		r := newRand(200)
		seed := uint64(200)
		for rows := 0; rows <= 33; rows += 1 + rows/4 {
			for cols := 0; cols <= 70; cols += 1 + cols/3 {
				seed++
				where := fmt.Sprintf("rows=%d cols=%d, %s", rows, cols, seedMsg(seed))
				value := func() float32 { return randValue(r) }
				gc, ldc := newMatrix(r, rows, cols, r.IntN(4), r.IntN(16), value)
				gb := newGuarded(r.IntN(16), cols, func(int) float32 { return randValue(r) })
				old := snapshot(gc.view)

				AddBias(gc.view, rows, cols, ldc, gb.view)
				gc.checkGuards(t, "AddBias c: "+where)
				gb.checkGuards(t, "AddBias bias: "+where)
				checkGaps(t, "AddBias c: "+where, gc.view, rows, cols, ldc)
				for i := range rows {
					for j := range cols {
						want := float64(old[i*ldc+j]) + float64(gb.view[j])
						if got := gc.view[i*ldc+j]; !closeTo(got, want, relTol(1, want)) {
							t.Fatalf("AddBias c[%d,%d] = %v, want %v: %s", i, j, got, want, where)
						}
					}
				}

				gd := newGuarded(r.IntN(16), cols, func(int) float32 { return randValue(r) })
				dOld := snapshot(gd.view)
				ColSum(gd.view, gc.view, rows, cols, ldc)
				gd.checkGuards(t, "ColSum dst: "+where)
				for j := range cols {
					want, mag := float64(dOld[j]), math.Abs(float64(dOld[j]))
					for i := range rows {
						want += float64(gc.view[i*ldc+j])
						mag += math.Abs(float64(gc.view[i*ldc+j]))
					}
					if got := gd.view[j]; !closeTo(got, want, relTol(float64(rows+2), mag)) {
						t.Fatalf("ColSum dst[%d] = %v, want %v: %s", j, got, want, where)
					}
				}
			}
		}
	})
}

func TestSumSquares(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		r := newRand(300)
		for _, n := range elementwiseLengths() {
			g := newGuarded(r.IntN(16), n, func(int) float32 { return float32(r.NormFloat64() * 1e3) })
			var want float64
			for _, v := range g.view {
				want += float64(v) * float64(v)
			}
			if got := SumSquares(g.view); !closeTo(got, want, relTol(2, want)) {
				t.Fatalf("SumSquares n=%d = %v, want %v, %s", n, got, want, seedMsg(300))
			}
		}
		specials := []struct {
			x    []float32
			want float64
		}{
			{nil, 0},
			{[]float32{float32(math.Copysign(0, -1))}, 0},
			{[]float32{3, float32(math.NaN())}, math.NaN()},
			{[]float32{float32(math.Inf(-1)), 1}, math.Inf(1)},
			{[]float32{1e20, 1e20}, math.Inf(1)},
			{[]float32{math.SmallestNonzeroFloat32, 1e-20}, 1e-40},
		}
		for _, s := range specials {
			if got := SumSquares(s.x); !closeTo(got, s.want, relTol(2, s.want)) {
				t.Errorf("SumSquares(%v) = %v, want %v", s.x, got, s.want)
			}
		}
	})
}

func TestAdamAgainstReference(t *testing.T) {
	const alpha, beta1, beta2, eps, scale float32 = 1e-3, 0.9, 0.999, 1e-7, 0.5
	// The reference uses the float32 values of the constants in float64.
	a64, b1, b2, e64, s64 := float64(alpha), float64(beta1), float64(beta2), float64(eps), float64(scale)
	forEachLevel(t, func(t *testing.T) {
		r := newRand(400)
		for _, n := range elementwiseLengths() {
			where := fmt.Sprintf("n=%d, %s", n, seedMsg(400))
			gp := newGuarded(r.IntN(16), n, func(int) float32 { return randValue(r) })
			gg := newGuarded(r.IntN(16), n, func(int) float32 { return randValue(r) * 10 })
			gm := newGuarded(r.IntN(16), n, func(int) float32 { return randValue(r) })
			gv := newGuarded(r.IntN(16), n, func(int) float32 { return float32(r.Float64()) })
			p0, g0, m0, v0 := snapshot(gp.view), snapshot(gg.view), snapshot(gm.view), snapshot(gv.view)

			Adam(gp.view, gg.view, gm.view, gv.view, alpha, beta1, beta2, eps, scale)

			for _, g := range []*guarded{gp, gg, gm, gv} {
				g.checkGuards(t, where)
			}
			if !sameBits(g0, gg.view) {
				t.Fatalf("grad written: %s", where)
			}
			for i := range n {
				g := s64 * float64(g0[i])
				m := b1*float64(m0[i]) + (1-b1)*g
				v := b2*float64(v0[i]) + (1-b2)*g*g
				step := a64 * m / (math.Sqrt(v) + e64)
				p := float64(p0[i]) - step
				if got := gm.view[i]; !closeTo(got, m, relTol(4, math.Abs(m)+math.Abs(g))) {
					t.Fatalf("m[%d] = %v, want %v: %s", i, got, m, where)
				}
				if got := gv.view[i]; !closeTo(got, v, relTol(4, v)) {
					t.Fatalf("v[%d] = %v, want %v: %s", i, got, v, where)
				}
				if got := gp.view[i]; !closeTo(got, p, relTol(2, p)+relTol(16, step)) {
					t.Fatalf("param[%d] = %v, want %v: %s", i, got, p, where)
				}
			}
		}
	})
}

func TestVectorZeroAllocs(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		x, y, z, w := make([]float32, 256), make([]float32, 256), make([]float32, 256), make([]float32, 256)
		calls := map[string]func(){
			"Axpy":         func() { Axpy(y, 2, x) },
			"Scale":        func() { Scale(y, 2) },
			"Mul":          func() { Mul(z, x, y) },
			"ReLU":         func() { ReLU(z, x) },
			"ReLUBackward": func() { ReLUBackward(z, x, y) },
			"Sigmoid":      func() { Sigmoid(z, x) },
			"Tanh":         func() { Tanh(z, x) },
			"SumSquares":   func() { SumSquares(x) },
			"AddBias":      func() { AddBias(z, 4, 64, 64, x[:64]) },
			"ColSum":       func() { ColSum(x[:64], z, 4, 64, 64) },
			"Adam":         func() { Adam(x, y, z, w, 1e-3, 0.9, 0.999, 1e-7, 1) },
			"LSTMForward":  func() { LSTMForward(x[:128], y[:32], z[:32], z[32:64], z[64:96], 1, 32) },
			"LSTMBackward": func() { LSTMBackward(w[:128], y[:32], z[:32], x[:128], y[32:64], y[64:96], 1, 32) },
		}
		for name, call := range calls {
			if allocs := testing.AllocsPerRun(10, call); allocs != 0 {
				t.Errorf("%s: %v allocations per call, want 0", name, allocs)
			}
		}
	})
}
