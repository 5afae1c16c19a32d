package kernels

import (
	"math"
	"os"
	"runtime"
	"sync"
	"testing"
)

// activationMaxError is the contract of Sigmoid and Tanh: the maximum
// absolute error against float64 over the whole float32 range.
const activationMaxError = 2e-7

// sweepStride returns the step between float32 bit patterns that the
// activation sweep visits: 1 (all 2^32 patterns) with DEEPQ_EXHAUSTIVE=1,
// 127 (about 34 million values) normally and 4099 with -short.
func sweepStride() uint64 {
	switch {
	case os.Getenv("DEEPQ_EXHAUSTIVE") == "1":
		return 1
	case testing.Short():
		return 4099
	}
	return 127
}

// sweepResult is the largest error one worker saw and where.
type sweepResult struct {
	maxErr float64
	at     float32
	bad    string
	badX   float32
}

// sweepActivation calls f on every stride-th float32 bit pattern, in
// batches through the exported kernel, and compares each result with ref
// in float64. It also checks that no finite input gives Inf and that NaN
// gives NaN.
func sweepActivation(t *testing.T, name string, f func(dst, x []float32), ref func(float64) float64) {
	stride := sweepStride()
	workers := runtime.GOMAXPROCS(0)
	results := make([]sweepResult, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			res := &results[w]
			const batch = 4096
			x := make([]float32, 0, batch)
			y := make([]float32, batch)
			flush := func() {
				f(y[:len(x)], x)
				for i, v := range x {
					got := y[i]
					switch {
					case v != v:
						if got == got {
							res.bad, res.badX = "NaN input gave a number", v
						}
						continue
					case math.IsInf(float64(got), 0) || got != got:
						res.bad, res.badX = "finite or infinite input gave Inf or NaN", v
						continue
					}
					if e := math.Abs(float64(got) - ref(float64(v))); e > res.maxErr {
						res.maxErr, res.at = e, v
					}
				}
				x = x[:0]
			}
			// Worker w visits patterns w*stride, (w+workers)*stride, ...
			for b := uint64(w) * stride; b < 1<<32; b += uint64(workers) * stride {
				x = append(x, math.Float32frombits(uint32(b)))
				if len(x) == batch {
					flush()
				}
			}
			flush()
		})
	}
	wg.Wait()
	var worst sweepResult
	for _, r := range results {
		if r.bad != "" {
			t.Errorf("%s(%v): %s", name, r.badX, r.bad)
		}
		if r.maxErr >= worst.maxErr {
			worst = r
		}
	}
	t.Logf("%s: max abs error %.3g at x=%v (stride %d)", name, worst.maxErr, worst.at, stride)
	if worst.maxErr > activationMaxError {
		t.Errorf("%s: max abs error %.3g at x=%v, want <= %g", name, worst.maxErr, worst.at, activationMaxError)
	}
}

func sigmoid64(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func TestSigmoidSweep(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		sweepActivation(t, "Sigmoid", Sigmoid, sigmoid64)
	})
}

func TestTanhSweep(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		sweepActivation(t, "Tanh", Tanh, math.Tanh)
	})
}

// TestActivationSweepNearZero visits every float32 in [-20, 20] with a
// smaller stride, where the sweep over all bit patterns is thinnest in
// absolute terms and both formulas change branches.
func TestActivationSweepNearZero(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		step := uint32(211)
		if testing.Short() {
			step = 8191
		}
		hi := math.Float32bits(20)
		x := make([]float32, 0, 2*int(hi/step)+2)
		for b := uint32(0); b <= hi; b += step {
			v := math.Float32frombits(b)
			x = append(x, v, -v)
		}
		ys, yt := make([]float32, len(x)), make([]float32, len(x))
		Sigmoid(ys, x)
		Tanh(yt, x)
		var es, et float64
		for i, v := range x {
			es = max(es, math.Abs(float64(ys[i])-sigmoid64(float64(v))))
			et = max(et, math.Abs(float64(yt[i])-math.Tanh(float64(v))))
		}
		if es > activationMaxError || et > activationMaxError {
			t.Errorf("max abs error on [-20, 20]: Sigmoid %.3g, Tanh %.3g, want <= %g", es, et, activationMaxError)
		}
	})
}

func TestActivationSpecialValues(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	below := func(x float32) float32 { return math.Nextafter32(x, float32(math.Inf(-1))) }
	above := func(x float32) float32 { return math.Nextafter32(x, inf) }
	sigmoidCases := []struct{ x, want float32 }{
		{0, 0.5}, {negZero, 0.5}, {inf, 1}, {-inf, 0}, {nan, nan},
		{math.MaxFloat32, 1}, {-math.MaxFloat32, 0},
		{17.4, 1}, {100, 1}, {-100, 0}, {below(-sigmoidCut), 0},
		{math.SmallestNonzeroFloat32, 0.5}, {-math.SmallestNonzeroFloat32, 0.5}, {0x1p-127, 0.5},
	}
	tanhCases := []struct{ x, want float32 }{
		{0, 0}, {negZero, negZero}, {inf, 1}, {-inf, -1}, {nan, nan},
		{math.MaxFloat32, 1}, {-math.MaxFloat32, -1},
		{100, 1}, {-100, -1}, {above(tanhCut), 1}, {below(-tanhCut), -1},
		{math.SmallestNonzeroFloat32, math.SmallestNonzeroFloat32},
		{-math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32},
		{0x1p-127, 0x1p-127}, {-0x1p-127, -0x1p-127}, {1e-30, 1e-30},
	}
	same := func(got, want float32) bool {
		return math.Float32bits(got) == math.Float32bits(want) || (got != got && want != want)
	}
	forEachLevel(t, func(t *testing.T) {
		y := []float32{0}
		for _, c := range sigmoidCases {
			Sigmoid(y, []float32{c.x})
			if !same(y[0], c.want) {
				t.Errorf("Sigmoid(%v) = %v, want exactly %v", c.x, y[0], c.want)
			}
		}
		for _, c := range tanhCases {
			Tanh(y, []float32{c.x})
			if !same(y[0], c.want) {
				t.Errorf("Tanh(%v) = %v (bits %#x), want exactly %v (bits %#x)", c.x, y[0], math.Float32bits(y[0]), c.want, math.Float32bits(c.want))
			}
		}
	})
}

// TestActivationSaturation checks that Sigmoid is exactly 1 from 17.4 up
// and exactly 0 below -sigmoidCut, and Tanh exactly ±1 beyond tanhCut, at
// every 61st float32 from there out to magnitude 1e4.
func TestActivationSaturation(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		var x []float32
		for b := math.Float32bits(17.4); b <= math.Float32bits(1e4); b += 61 {
			x = append(x, math.Float32frombits(b))
		}
		y := make([]float32, len(x))
		Sigmoid(y, x)
		for i, v := range x {
			if y[i] != 1 {
				t.Fatalf("Sigmoid(%v) = %v, want exactly 1", v, y[i])
			}
		}

		x = x[:0]
		for b := math.Float32bits(sigmoidCut) + 1; b <= math.Float32bits(1e4); b += 61 {
			x = append(x, -math.Float32frombits(b))
		}
		y = make([]float32, len(x))
		Sigmoid(y, x)
		for i, v := range x {
			if y[i] != 0 {
				t.Fatalf("Sigmoid(%v) = %v, want exactly 0", v, y[i])
			}
		}

		x = x[:0]
		for b := math.Float32bits(tanhCut) + 1; b <= math.Float32bits(1e4); b += 61 {
			v := math.Float32frombits(b)
			x = append(x, v, -v)
		}
		y = make([]float32, len(x))
		Tanh(y, x)
		for i, v := range x {
			if want := float32(math.Copysign(1, float64(v))); y[i] != want {
				t.Fatalf("Tanh(%v) = %v, want exactly %v", v, y[i], want)
			}
		}
	})
}

func TestActivationLengthsAndGuards(t *testing.T) {
	ops := []elementwiseOp{
		{
			name: "Sigmoid", inputs: 1,
			call: func(out []float32, in [][]float32) { Sigmoid(out, in[0]) },
			want: func(in []float32, _ float32) (float64, float64) {
				return sigmoid64(float64(in[0])), activationMaxError
			},
		},
		{
			name: "Tanh", inputs: 1,
			call: func(out []float32, in [][]float32) { Tanh(out, in[0]) },
			want: func(in []float32, _ float32) (float64, float64) {
				return math.Tanh(float64(in[0])), activationMaxError
			},
		},
	}
	forEachLevel(t, func(t *testing.T) {
		for i, op := range ops {
			t.Run(op.name, func(t *testing.T) {
				checkElementwise(t, uint64(500+i), op)
			})
		}
	})
}
