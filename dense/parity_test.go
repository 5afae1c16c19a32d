package dense

import (
	"path/filepath"
	"testing"

	"github.com/deepq-go/deepq/internal/fixture"
	"github.com/deepq-go/deepq/internal/safetensors"
	"github.com/deepq-go/deepq/kernels"
	"github.com/deepq-go/deepq/tensor"
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
	x := fixture.Tensor(t, caseName, f, "x", batch, in)
	weight := fixture.Tensor(t, caseName, f, "weight", out, in)
	bias := fixture.Tensor(t, caseName, f, "bias", out)
	wantY := fixture.Tensor(t, caseName, f, "y", batch, out)
	dy := fixture.Tensor(t, caseName, f, "dy", batch, out)
	wantDX := fixture.Tensor(t, caseName, f, "dx", batch, in)
	wantDWeight := fixture.Tensor(t, caseName, f, "dweight", out, in)
	wantDBias := fixture.Tensor(t, caseName, f, "dbias", out)

	d, err := New(in, out, act)
	if err != nil {
		t.Fatal(err)
	}
	d.Bind(make([]float32, d.NumParams()), make([]float32, d.NumParams()))
	copy(d.W, fixture.Transpose(weight, out, in))
	copy(d.B, bias)

	var ar tensor.Arena
	var cache Cache
	y := d.Forward(&ar, &cache, x, batch)
	fixture.ExpectClose(t, caseName, "y", []int{batch, out}, y, wantY, 0, fixture.OutputAbsTol)

	dx := d.Backward(&ar, &cache, dy, true)
	fixture.ExpectClose(t, caseName, "dx", []int{batch, in}, dx, wantDX, fixture.GradRelTol, fixture.GradAbsTol)
	fixture.ExpectClose(t, caseName, "dweight", []int{out, in}, fixture.Transpose(d.DW, in, out), wantDWeight, fixture.GradRelTol, fixture.GradAbsTol)
	fixture.ExpectClose(t, caseName, "dbias", []int{out}, d.DB, wantDBias, fixture.GradRelTol, fixture.GradAbsTol)
}
