package lstm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deepq-go/deepq/tensor"
)

// newBound returns an initialised layer bound to fresh parameter buffers.
func newBound(t testing.TB, in, hidden int, seq bool, seed uint64) *Layer {
	t.Helper()
	l, err := New(in, hidden, seq)
	if err != nil {
		t.Fatal(err)
	}
	l.Bind(make([]float32, l.NumParams()), make([]float32, l.NumParams()))
	l.Init(rand.New(rand.NewPCG(seed, 1)))
	// Perturb the bias so that every gate path carries a gradient.
	rng := rand.New(rand.NewPCG(seed, 2))
	for i := range l.B {
		l.B[i] += float32(rng.NormFloat64() * 0.1)
	}
	return l
}

func randSlice(n int, scale float64, rng *rand.Rand) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64() * scale)
	}
	return s
}

// lossOf returns sum(y*dy) in float64 after one forward pass.
func lossOf(l *Layer, x, dy []float32, batch, steps int) float64 {
	var ar tensor.Arena
	var c Cache
	y := l.Forward(&ar, &c, x, batch, steps)
	var s float64
	for i := range y {
		s += float64(y[i]) * float64(dy[i])
	}
	return s
}

func TestLayerGradientFiniteDifferences(t *testing.T) {
	cases := []struct {
		batch, steps, in, hidden int
		seq                      bool
	}{
		{1, 1, 1, 3, true},
		{2, 4, 3, 5, false},
		{3, 6, 2, 13, true},
	}
	for _, tc := range cases {
		name := fmt.Sprintf("b%d_t%d_in%d_h%d_seq%v", tc.batch, tc.steps, tc.in, tc.hidden, tc.seq)
		t.Run(name, func(t *testing.T) {
			l := newBound(t, tc.in, tc.hidden, tc.seq, 7)
			rng := rand.New(rand.NewPCG(11, 0))
			x := randSlice(tc.steps*tc.batch*tc.in, 1, rng)
			dy := randSlice(l.OutputSize(tc.batch, tc.steps), 1, rng)

			var ar tensor.Arena
			var c Cache
			l.Forward(&ar, &c, x, tc.batch, tc.steps)
			dx := l.Backward(&ar, &c, dy, true)

			check := func(what string, v []float32, grad []float32) {
				t.Helper()
				for i := range v {
					const eps = 1e-2
					orig := v[i]
					v[i] = orig + eps
					up := lossOf(l, x, dy, tc.batch, tc.steps)
					v[i] = orig - eps
					down := lossOf(l, x, dy, tc.batch, tc.steps)
					v[i] = orig
					want := (up - down) / (2 * eps)
					got := float64(grad[i])
					if math.Abs(got-want) > 2e-3+2e-3*math.Abs(want) {
						t.Errorf("%s[%d]: analytic %.6g, finite difference %.6g", what, i, got, want)
					}
				}
			}
			check("x", x, dx)
			check("W", l.W, l.DW)
			check("U", l.U, l.DU)
			check("B", l.B, l.DB)
		})
	}
}

func TestLayerLastStepEqualsSequenceTail(t *testing.T) {
	seq := newBound(t, 4, 6, true, 3)
	last := newBound(t, 4, 6, false, 3)
	x := randSlice(5*2*4, 1, rand.New(rand.NewPCG(5, 5)))
	var ar tensor.Arena
	var c1, c2 Cache
	ys := seq.Forward(&ar, &c1, x, 2, 5)
	yl := last.Forward(&ar, &c2, x, 2, 5)
	tail := ys[4*2*6:]
	for i := range yl {
		if yl[i] != tail[i] {
			t.Fatalf("last-step output [%d] = %v, sequence output at T-1 = %v", i, yl[i], tail[i])
		}
	}
}

func TestLayerSteadyStateAllocatesNothing(t *testing.T) {
	const batch, steps = 8, 30
	l := newBound(t, 5, 64, true, 1)
	x := randSlice(steps*batch*5, 1, rand.New(rand.NewPCG(1, 1)))
	dy := randSlice(steps*batch*64, 1, rand.New(rand.NewPCG(2, 2)))
	var ar tensor.Arena
	var c Cache
	step := func() {
		ar.Reset()
		l.Forward(&ar, &c, x, batch, steps)
		l.Backward(&ar, &c, dy, true)
	}
	step()
	step()
	if n := testing.AllocsPerRun(20, step); n != 0 {
		t.Errorf("forward+backward allocates %v objects per step, want 0", n)
	}
}

func TestLayerWorkspaceFloatsExact(t *testing.T) {
	for _, seq := range []bool{true, false} {
		l := newBound(t, 5, 13, seq, 1)
		const batch, steps = 3, 7
		x := make([]float32, steps*batch*5)
		var ar tensor.Arena
		var c Cache
		y := l.Forward(&ar, &c, x, batch, steps)
		if got, want := ar.Used(), l.ForwardFloats(batch, steps); got != want {
			t.Errorf("seq=%v: Forward used %d floats, ForwardFloats says %d", seq, got, want)
		}
		before := ar.Used()
		l.Backward(&ar, &c, make([]float32, len(y)), true)
		if got, want := ar.Used()-before, l.BackwardFloats(batch, steps, true); got != want {
			t.Errorf("seq=%v: Backward used %d floats, BackwardFloats says %d", seq, got, want)
		}
	}
}

func TestOrthogonalRowsAreOrthonormal(t *testing.T) {
	const rows, cols = 13, 52
	w := make([]float32, rows*cols)
	Orthogonal(w, rows, cols, rand.New(rand.NewPCG(9, 9)))
	for i := 0; i < rows; i++ {
		for j := 0; j <= i; j++ {
			var dot float64
			for k := 0; k < cols; k++ {
				dot += float64(w[i*cols+k]) * float64(w[j*cols+k])
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(dot-want) > 1e-5 {
				t.Errorf("row %d · row %d = %v, want %v", i, j, dot, want)
			}
		}
	}
}

func TestInitForgetBiasIsOne(t *testing.T) {
	l, _ := New(3, 4, false)
	l.Bind(make([]float32, l.NumParams()), make([]float32, l.NumParams()))
	l.Init(rand.New(rand.NewPCG(1, 1)))
	for j, b := range l.B {
		want := float32(0)
		if j >= 4 && j < 8 {
			want = 1
		}
		if b != want {
			t.Errorf("bias[%d] = %v, want %v", j, b, want)
		}
	}
}

func TestNewRejectsBadSizes(t *testing.T) {
	for _, c := range [][2]int{{0, 4}, {4, 0}, {-1, 3}} {
		if _, err := New(c[0], c[1], false); err == nil {
			t.Errorf("New(%d, %d) returned no error", c[0], c[1])
		}
	}
}
