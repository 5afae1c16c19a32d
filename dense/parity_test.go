package dense

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/deepq-go/deepq/internal/safetensors"
	"github.com/deepq-go/deepq/kernels"
	"github.com/deepq-go/deepq/tensor"
)

// Tolerances against the PyTorch fixtures. The fixtures hold results computed
// in float64 and rounded to float32, so nearly all of the difference comes
// from deepq's float32 arithmetic.
const (
	torchOutputAbsTol = 1e-5 // outputs: absolute
	torchGradRelTol   = 1e-4 // gradients: relative to the PyTorch value
	torchGradAbsTol   = 1e-6 // gradients: absolute, for values near zero
)

// torchFixtureDir holds the committed fixtures written by
// scripts/gen_torch_fixtures.py.
var torchFixtureDir = filepath.Join("..", "testdata", "torch")

// torchLinearCases are the nn.Linear fixtures. Their files carry no size
// metadata, so the sizes here come from the fixture README and the test
// checks every tensor's shape against them.
var torchLinearCases = []struct {
	name           string
	batch, in, out int
	activation     Activation
}{
	{"linear_b5_in7_out3", 5, 7, 3, Linear},
	{"linear_relu_b64_in32_out64", 64, 32, 64, ReLU},
}

func TestDenseMatchesPyTorch(t *testing.T) {
	files := make([]*safetensors.File, len(torchLinearCases))
	for i, c := range torchLinearCases {
		path := filepath.Join(torchFixtureDir, c.name+".safetensors")
		f, err := safetensors.ReadFile(path, 8<<20)
		if err != nil {
			t.Fatalf("%s: %v (scripts/gen_torch_fixtures.py writes this fixture)", c.name, err)
		}
		files[i] = f
	}

	for _, level := range kernels.Levels() {
		t.Run(level, func(t *testing.T) {
			restore, err := kernels.Use(level)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			for i, c := range torchLinearCases {
				t.Run(c.name, func(t *testing.T) {
					checkTorchLinear(t, c.name, files[i], c.batch, c.in, c.out, c.activation)
				})
			}
		})
	}
}

// checkTorchLinear loads a PyTorch Linear's parameters into a Dense layer,
// runs Forward and Backward with the fixture's x and dy, and compares y, dx,
// dweight and dbias.
func checkTorchLinear(t *testing.T, caseName string, f *safetensors.File, batch, in, out int, act Activation) {
	x := fixtureTensor(t, caseName, f, "x", batch, in)
	weight := fixtureTensor(t, caseName, f, "weight", out, in)
	bias := fixtureTensor(t, caseName, f, "bias", out)
	wantY := fixtureTensor(t, caseName, f, "y", batch, out)
	dy := fixtureTensor(t, caseName, f, "dy", batch, out)
	wantDX := fixtureTensor(t, caseName, f, "dx", batch, in)
	wantDWeight := fixtureTensor(t, caseName, f, "dweight", out, in)
	wantDBias := fixtureTensor(t, caseName, f, "dbias", out)

	d, err := New(in, out, act)
	if err != nil {
		t.Fatal(err)
	}
	d.Bind(make([]float32, d.NumParams()), make([]float32, d.NumParams()))
	copy(d.W, transposeMatrix(weight, out, in))
	copy(d.B, bias)

	var ar tensor.Arena
	var cache Cache
	y := d.Forward(&ar, &cache, x, batch)
	expectClose(t, caseName, "y", []int{batch, out}, y, wantY, 0, torchOutputAbsTol)

	dx := d.Backward(&ar, &cache, dy, true)
	expectClose(t, caseName, "dx", []int{batch, in}, dx, wantDX, torchGradRelTol, torchGradAbsTol)
	expectClose(t, caseName, "dweight", []int{out, in}, transposeMatrix(d.DW, in, out), wantDWeight, torchGradRelTol, torchGradAbsTol)
	expectClose(t, caseName, "dbias", []int{out}, d.DB, wantDBias, torchGradRelTol, torchGradAbsTol)
}

// fixtureTensor returns the data of the named tensor and fails the test if
// the tensor is missing or its shape differs from shape.
func fixtureTensor(t *testing.T, caseName string, f *safetensors.File, name string, shape ...int) []float32 {
	t.Helper()
	named, ok := f.Get(name)
	if !ok {
		t.Fatalf("%s: fixture has no tensor %q", caseName, name)
	}
	if fmt.Sprint(named.Shape) != fmt.Sprint(shape) {
		t.Fatalf("%s: tensor %q has shape %v, want %v", caseName, name, named.Shape, shape)
	}
	return named.Data
}

// expectClose fails the test where a value of got differs from want by more
// than absTol and by more than relTol*|want|. It reports the first five such
// values, then their count and the largest error, with indices in shape.
func expectClose(t *testing.T, caseName, name string, shape []int, got, want []float32, relTol, absTol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %s has %d values, want %d", caseName, name, len(got), len(want))
		return
	}
	const maxReported = 5
	bad, worst, worstIndex := 0, 0.0, 0
	for i := range want {
		g, w := float64(got[i]), float64(want[i])
		diff := math.Abs(g - w)
		if diff <= absTol || diff <= relTol*math.Abs(w) {
			continue
		}
		if math.IsNaN(diff) {
			diff = math.Inf(1)
		}
		if bad < maxReported {
			t.Errorf("%s: %s%v = %.8g, want %.8g (error %.3g)", caseName, name, unravelIndex(i, shape), g, w, diff)
		}
		if bad == 0 || diff > worst {
			worst, worstIndex = diff, i
		}
		bad++
	}
	if bad > 0 {
		t.Errorf("%s: %s: %d of %d values outside tolerance (relative %g, absolute %g), largest error %.3g at %v",
			caseName, name, bad, len(want), relTol, absTol, worst, unravelIndex(worstIndex, shape))
	}
}

// unravelIndex converts a row-major flat index into one index per dimension.
func unravelIndex(i int, shape []int) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = i % shape[d]
		i /= shape[d]
	}
	return idx
}

// transposeMatrix returns the cols x rows transpose of a rows x cols matrix.
func transposeMatrix(m []float32, rows, cols int) []float32 {
	out := make([]float32, len(m))
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			out[c*rows+r] = m[r*cols+c]
		}
	}
	return out
}
