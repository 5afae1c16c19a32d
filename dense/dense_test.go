package dense

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deepq-go/deepq/tensor"
)

func randSlice(n int, rng *rand.Rand) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

// checkGradient compares grad with central differences of loss over v. The
// step is small enough that no ReLU pre-activation in these tests crosses
// zero, and large enough that float32 rounding of the loss stays below the
// tolerance.
func checkGradient(t *testing.T, what string, v, grad []float32, loss func() float64) {
	t.Helper()
	const eps = 1e-3
	for i := range v {
		orig := v[i]
		v[i] = orig + eps
		up := loss()
		v[i] = orig - eps
		down := loss()
		v[i] = orig
		want := (up - down) / (2 * eps)
		if got := float64(grad[i]); math.Abs(got-want) > 5e-3+1e-3*math.Abs(want) {
			t.Errorf("%s[%d]: analytic %.6g, finite difference %.6g", what, i, got, want)
		}
	}
}

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func TestDenseGradientFiniteDifferences(t *testing.T) {
	for _, act := range []Activation{Linear, ReLU} {
		t.Run(act.String(), func(t *testing.T) {
			const batch, in, out = 4, 7, 5
			d, err := New(in, out, act)
			if err != nil {
				t.Fatal(err)
			}
			d.Bind(make([]float32, d.NumParams()), make([]float32, d.NumParams()))
			rng := rand.New(rand.NewPCG(3, 4))
			d.Init(rng)
			for i := range d.B {
				d.B[i] = float32(rng.NormFloat64() * 0.3)
			}
			x := randSlice(batch*in, rng)
			dy := randSlice(batch*out, rng)
			loss := func() float64 {
				var ar tensor.Arena
				var c Cache
				return dot(d.Forward(&ar, &c, x, batch), dy)
			}
			var ar tensor.Arena
			var c Cache
			d.Forward(&ar, &c, x, batch)
			dx := d.Backward(&ar, &c, dy, true)
			checkGradient(t, "x", x, dx, loss)
			checkGradient(t, "W", d.W, d.DW, loss)
			checkGradient(t, "B", d.B, d.DB, loss)
		})
	}
}

func TestDropoutFixedMaskGradient(t *testing.T) {
	d, _ := NewDropout(0.5)
	rng := rand.New(rand.NewPCG(1, 2))
	x := randSlice(12, rng)
	dy := randSlice(12, rng)
	mask := make([]float32, 12)
	for i := range mask {
		if i%3 != 0 {
			mask[i] = 2
		}
	}
	loss := func() float64 {
		var ar tensor.Arena
		var c DropoutCache
		return dot(d.ForwardMask(&ar, &c, x, mask), dy)
	}
	var ar tensor.Arena
	var c DropoutCache
	d.ForwardMask(&ar, &c, x, mask)
	checkGradient(t, "x", x, d.Backward(&ar, &c, dy), loss)
}

func TestDropoutInferenceIsIdentity(t *testing.T) {
	d, _ := NewDropout(0.2)
	x := []float32{1, 2, 3}
	var ar tensor.Arena
	var c DropoutCache
	y := d.Forward(&ar, &c, x, false, rand.New(rand.NewPCG(1, 1)))
	if &y[0] != &x[0] {
		t.Fatal("inference dropout copied its input; want x returned unchanged")
	}
}

func TestDropoutKeepsExpectedFractionAndScale(t *testing.T) {
	const n = 100000
	d, _ := NewDropout(0.2)
	x := make([]float32, n)
	for i := range x {
		x[i] = 1
	}
	var ar tensor.Arena
	var c DropoutCache
	y := d.Forward(&ar, &c, x, true, rand.New(rand.NewPCG(5, 5)))
	kept := 0
	for _, v := range y {
		switch v {
		case 0:
		case 1.25:
			kept++
		default:
			t.Fatalf("dropout output %v; want 0 or 1/(1-0.2) = 1.25", v)
		}
	}
	if frac := float64(kept) / n; math.Abs(frac-0.8) > 0.01 {
		t.Errorf("kept fraction %.4f, want 0.8 ± 0.01", frac)
	}
}

func TestNewDropoutRejectsBadRate(t *testing.T) {
	for _, r := range []float32{-0.1, 1, 1.5, float32(math.NaN())} {
		if _, err := NewDropout(r); err == nil {
			t.Errorf("NewDropout(%v) returned no error", r)
		}
	}
}

func TestReshapeKeepsTemporalOrder(t *testing.T) {
	// Two samples of 3 steps x 2 features; value = 100*sample + 10*step + feature.
	src := []float32{
		0, 1, 10, 11, 20, 21,
		100, 101, 110, 111, 120, 121,
	}
	want := []float32{
		0, 1, 100, 101, // step 0: sample 0, sample 1
		10, 11, 110, 111, // step 1
		20, 21, 120, 121, // step 2
	}
	r, _ := NewReshape(3, 2)
	dst := make([]float32, len(src))
	r.Forward(dst, src, 2)
	for i := range want {
		if dst[i] != want[i] {
			t.Fatalf("time-major[%d] = %v, want %v (full %v)", i, dst[i], want[i], dst)
		}
	}
	back := make([]float32, len(src))
	r.Backward(back, dst, 2)
	for i := range src {
		if back[i] != src[i] {
			t.Fatalf("Backward did not invert Forward at %d: %v vs %v", i, back[i], src[i])
		}
	}
}

func TestReshapeGradientFiniteDifferences(t *testing.T) {
	r, _ := NewReshape(4, 3)
	rng := rand.New(rand.NewPCG(8, 8))
	const batch = 2
	x := randSlice(batch*12, rng)
	dy := randSlice(batch*12, rng)
	y := make([]float32, len(x))
	loss := func() float64 {
		r.Forward(y, x, batch)
		return dot(y, dy)
	}
	dx := make([]float32, len(x))
	r.Backward(dx, dy, batch)
	checkGradient(t, "x", x, dx, loss)
}

func TestNewRejectsBadArguments(t *testing.T) {
	for _, c := range []struct {
		in, out int
		act     Activation
	}{{0, 3, Linear}, {3, 0, ReLU}, {3, 3, Activation(7)}} {
		if _, err := New(c.in, c.out, c.act); err == nil {
			t.Errorf("New(%d, %d, %v) returned no error", c.in, c.out, c.act)
		}
	}
	if _, err := NewReshape(0, 5); err == nil {
		t.Error("NewReshape(0, 5) returned no error")
	}
}

func ExampleReshape() {
	r, _ := NewReshape(2, 1)
	dst := make([]float32, 4)
	r.Forward(dst, []float32{1, 2, 3, 4}, 2) // two windows: [1 2] and [3 4]
	fmt.Println(dst)
	// Output: [1 3 2 4]
}
