package kernels

import (
	"fmt"
	"math"
	"testing"
)

// lstmForward64 computes one LSTM cell step in float64 for one batch row:
// z holds the 4*hidden pre-activations and cPrev the previous cell state.
func lstmForward64(z, cPrev []float64, hidden int) (gates, c, tanhC, h []float64) {
	gates = make([]float64, 4*hidden)
	c, tanhC, h = make([]float64, hidden), make([]float64, hidden), make([]float64, hidden)
	for j := range 4 * hidden {
		if j >= 2*hidden && j < 3*hidden {
			gates[j] = math.Tanh(z[j])
		} else {
			gates[j] = sigmoid64(z[j])
		}
	}
	for j := range hidden {
		c[j] = gates[hidden+j]*cPrev[j] + gates[j]*gates[2*hidden+j]
		tanhC[j] = math.Tanh(c[j])
		h[j] = gates[3*hidden+j] * tanhC[j]
	}
	return gates, c, tanhC, h
}

// lstmCase holds random inputs for batch rows of hidden units.
type lstmCase struct {
	batch, hidden int
	z, cPrev      []float32
	dh, dc        []float32
}

func newLSTMCase(seed uint64, batch, hidden int) lstmCase {
	r := newRand(seed)
	tc := lstmCase{batch: batch, hidden: hidden}
	fill := func(n int, scale float64) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = float32((r.Float64()*2 - 1) * scale)
		}
		return s
	}
	tc.z = fill(batch*4*hidden, 4)
	tc.cPrev = fill(batch*hidden, 2)
	tc.dh = fill(batch*hidden, 1)
	tc.dc = fill(batch*hidden, 1)
	return tc
}

func lstmShapes() [][2]int {
	var shapes [][2]int
	for hidden := 0; hidden <= 33; hidden++ {
		shapes = append(shapes, [2]int{1 + hidden%3, hidden})
	}
	for batch := 0; batch <= 9; batch++ {
		shapes = append(shapes, [2]int{batch, 5})
	}
	return append(shapes, [2]int{64, 64}, [2]int{64, 32}, [2]int{3, 127})
}

func TestLSTMForwardAgainstFloat64(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		for idx, s := range lstmShapes() {
			batch, hidden := s[0], s[1]
			seed := uint64(600 + idx)
			aliasC := idx%2 == 1
			where := fmt.Sprintf("batch=%d hidden=%d aliasC=%v, %s", batch, hidden, aliasC, seedMsg(seed))
			tc := newLSTMCase(seed, batch, hidden)
			n := batch * hidden
			r := newRand(seed)
			gg := newGuarded(r.IntN(16), batch*4*hidden, func(i int) float32 { return tc.z[i] })
			gcp := newGuarded(r.IntN(16), n, func(i int) float32 { return tc.cPrev[i] })
			gc := newGuarded(r.IntN(16), n, func(int) float32 { return float32(math.NaN()) })
			gt := newGuarded(r.IntN(16), n, func(int) float32 { return float32(math.NaN()) })
			gh := newGuarded(r.IntN(16), n, func(int) float32 { return float32(math.NaN()) })
			if aliasC {
				gc = gcp
			}

			LSTMForward(gg.view, gcp.view, gc.view, gt.view, gh.view, batch, hidden)

			for _, g := range []*guarded{gg, gcp, gc, gt, gh} {
				g.checkGuards(t, where)
			}
			if !aliasC && !sameBits(gcp.view, tc.cPrev) {
				t.Fatalf("cPrev written: %s", where)
			}
			for b := range batch {
				z := make([]float64, 4*hidden)
				cp := make([]float64, hidden)
				for j := range z {
					z[j] = float64(tc.z[b*4*hidden+j])
				}
				for j := range cp {
					cp[j] = float64(tc.cPrev[b*hidden+j])
				}
				gates, c, tanhC, h := lstmForward64(z, cp, hidden)
				for j := range 4 * hidden {
					if got := gg.view[b*4*hidden+j]; !closeTo(got, gates[j], activationMaxError) {
						t.Fatalf("gate[%d,%d] = %v, want %v: %s", b, j, got, gates[j], where)
					}
				}
				// c sums two products of values with error <= 2e-7; tanh(c)
				// adds its own error, and h multiplies by another gate.
				for j := range hidden {
					k := b*hidden + j
					if got := gc.view[k]; !closeTo(got, c[j], 1e-6*(1+math.Abs(c[j]))) {
						t.Fatalf("c[%d,%d] = %v, want %v: %s", b, j, got, c[j], where)
					}
					if got := gt.view[k]; !closeTo(got, tanhC[j], 1.5e-6) {
						t.Fatalf("tanhC[%d,%d] = %v, want %v: %s", b, j, got, tanhC[j], where)
					}
					if got := gh.view[k]; !closeTo(got, h[j], 2e-6) {
						t.Fatalf("h[%d,%d] = %v, want %v: %s", b, j, got, h[j], where)
					}
				}
			}
		}
	})
}

// lstmLoss64 is the scalar whose gradient LSTMBackward computes when given
// upstream gradients dh and dc: L = sum(dh*h) + sum(dc*c).
func lstmLoss64(z, cPrev, dh, dc []float64, hidden int) float64 {
	_, c, _, h := lstmForward64(z, cPrev, hidden)
	var loss float64
	for j := range hidden {
		loss += dh[j]*h[j] + dc[j]*c[j]
	}
	return loss
}

func TestLSTMBackwardAgainstFiniteDifferences(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		for idx, s := range lstmShapes() {
			batch, hidden := s[0], s[1]
			if testing.Short() && batch*hidden > 256 {
				continue
			}
			seed := uint64(700 + idx)
			where := fmt.Sprintf("batch=%d hidden=%d, %s", batch, hidden, seedMsg(seed))
			tc := newLSTMCase(seed, batch, hidden)
			n := batch * hidden
			gates := snapshot(tc.z)
			c, tanhC, h := make([]float32, n), make([]float32, n), make([]float32, n)
			LSTMForward(gates, tc.cPrev, c, tanhC, h, batch, hidden)

			r := newRand(seed)
			gdz := newGuarded(r.IntN(16), batch*4*hidden, func(int) float32 { return float32(math.NaN()) })
			gdc := newGuarded(r.IntN(16), n, func(i int) float32 { return tc.dc[i] })
			gdh := newGuarded(r.IntN(16), n, func(i int) float32 { return tc.dh[i] })
			gatesIn := snapshot(gates)

			LSTMBackward(gdz.view, gdh.view, gdc.view, gates, tc.cPrev, tanhC, batch, hidden)

			gdz.checkGuards(t, "dz: "+where)
			gdc.checkGuards(t, "dc: "+where)
			gdh.checkGuards(t, "dh: "+where)
			if !sameBits(gatesIn, gates) || !sameBits(gdh.view, tc.dh) {
				t.Fatalf("gates or dh written: %s", where)
			}
			for b := range batch {
				z64 := make([]float64, 4*hidden)
				cp := make([]float64, hidden)
				dh := make([]float64, hidden)
				dc := make([]float64, hidden)
				for j := range z64 {
					z64[j] = float64(tc.z[b*4*hidden+j])
				}
				for j := range hidden {
					cp[j] = float64(tc.cPrev[b*hidden+j])
					dh[j] = float64(tc.dh[b*hidden+j])
					dc[j] = float64(tc.dc[b*hidden+j])
				}
				const step = 1e-6
				central := func(v []float64, j int) float64 {
					orig := v[j]
					v[j] = orig + step
					up := lstmLoss64(z64, cp, dh, dc, hidden)
					v[j] = orig - step
					down := lstmLoss64(z64, cp, dh, dc, hidden)
					v[j] = orig
					return (up - down) / (2 * step)
				}
				// The kernel works from float32 activations, so allow a
				// few float32 roundings on each product it forms.
				for j := range 4 * hidden {
					want := central(z64, j)
					if got := gdz.view[b*4*hidden+j]; !closeTo(got, want, 2e-6*(1+math.Abs(want))) {
						t.Fatalf("dz[%d,%d] = %v, finite difference %v: %s", b, j, got, want, where)
					}
				}
				for j := range hidden {
					want := central(cp, j)
					if got := gdc.view[b*hidden+j]; !closeTo(got, want, 2e-6*(1+math.Abs(want))) {
						t.Fatalf("dcPrev[%d,%d] = %v, finite difference %v: %s", b, j, got, want, where)
					}
				}
			}
		}
	})
}
