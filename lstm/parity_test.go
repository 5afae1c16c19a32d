package lstm

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/deepq-go/deepq/internal/fixture"
	"github.com/deepq-go/deepq/internal/safetensors"
	"github.com/deepq-go/deepq/kernels"
	"github.com/deepq-go/deepq/tensor"
)

// torchFixtureDir holds the committed fixtures written by
// scripts/gen_torch_fixtures.py.
var torchFixtureDir = filepath.Join("..", "testdata", "torch")

// torchLSTMCases are the LSTM layer fixtures that the fixture README lists.
// The test requires each of them, so a deleted fixture fails the test
// instead of shrinking its coverage.
var torchLSTMCases = []string{
	"lstm_b1_t1_in1_h4_seq",
	"lstm_b1_t30_in5_h64_seq",
	"lstm_b64_t30_in5_h64_last",
	"lstm_b3_t7_in1_h13_seq",
	"lstm_b64_t30_in64_h32_last",
	"lstm_b2_t5_in3_h13_last",
}

// torchCase is one decoded LSTM layer fixture.
type torchCase struct {
	name                        string
	file                        *safetensors.File
	batch, steps, input, hidden int
	returnSequences             bool
}

func TestTorchFixturesAllPresent(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(torchFixtureDir, "lstm_*.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, p := range paths {
		found[strings.TrimSuffix(filepath.Base(p), ".safetensors")] = true
	}
	for _, name := range torchLSTMCases {
		if !found[name] {
			t.Errorf("fixture %s.safetensors is missing from %s (scripts/gen_torch_fixtures.py writes it)", name, torchFixtureDir)
		}
	}
}

func TestLayerMatchesPyTorch(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(torchFixtureDir, "lstm_*.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < len(torchLSTMCases) {
		t.Fatalf("found %d LSTM fixtures in %s, want at least %d", len(paths), torchFixtureDir, len(torchLSTMCases))
	}
	cases := make([]torchCase, 0, len(paths))
	for _, p := range paths {
		cases = append(cases, loadTorchCase(t, p))
	}

	for _, level := range kernels.Levels() {
		t.Run(level, func(t *testing.T) {
			restore, err := kernels.Use(level)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			for _, c := range cases {
				t.Run(strings.TrimPrefix(c.name, "lstm_"), func(t *testing.T) { checkTorchCase(t, c) })
			}
		})
	}
}

// checkTorchCase loads the PyTorch parameters into a Layer, runs Forward
// and Backward with the fixture's x and dy, and compares y, dx and the
// parameter gradients.
func checkTorchCase(t *testing.T, c torchCase) {
	b, steps, in, h := c.batch, c.steps, c.input, c.hidden
	g4 := 4 * h
	x := fixture.Tensor(t, c.name, c.file, "x", b, steps, in)
	weightIH := fixture.Tensor(t, c.name, c.file, "weight_ih", g4, in)
	weightHH := fixture.Tensor(t, c.name, c.file, "weight_hh", g4, h)
	biasIH := fixture.Tensor(t, c.name, c.file, "bias_ih", g4)
	biasHH := fixture.Tensor(t, c.name, c.file, "bias_hh", g4)
	outShape := []int{b, h}
	if c.returnSequences {
		outShape = []int{b, steps, h}
	}
	wantY := fixture.Tensor(t, c.name, c.file, "y", outShape...)
	dy := fixture.Tensor(t, c.name, c.file, "dy", outShape...)
	wantDX := fixture.Tensor(t, c.name, c.file, "dx", b, steps, in)
	wantDWeightIH := fixture.Tensor(t, c.name, c.file, "dweight_ih", g4, in)
	wantDWeightHH := fixture.Tensor(t, c.name, c.file, "dweight_hh", g4, h)
	wantDBiasIH := fixture.Tensor(t, c.name, c.file, "dbias_ih", g4)
	wantDBiasHH := fixture.Tensor(t, c.name, c.file, "dbias_hh", g4)

	// Both PyTorch biases enter the gates as a sum, so their gradients are
	// equal. A difference means the fixture itself is corrupt.
	for j := range wantDBiasIH {
		if wantDBiasIH[j] != wantDBiasHH[j] {
			t.Fatalf("%s: fixture dbias_ih[%d] = %g differs from dbias_hh[%d] = %g", c.name, j, wantDBiasIH[j], j, wantDBiasHH[j])
		}
	}

	l, err := New(in, h, c.returnSequences)
	if err != nil {
		t.Fatal(err)
	}
	l.Bind(make([]float32, l.NumParams()), make([]float32, l.NumParams()))
	copy(l.W, fixture.Transpose(weightIH, g4, in))
	copy(l.U, fixture.Transpose(weightHH, g4, h))
	for j := range l.B {
		l.B[j] = biasIH[j] + biasHH[j]
	}

	var ar tensor.Arena
	var cache Cache
	xTime := batchFirstToTimeMajor(x, b, steps, in)
	y := l.Forward(&ar, &cache, xTime, b, steps)
	dyTime := dy
	if c.returnSequences {
		y = timeMajorToBatchFirst(y, b, steps, h)
		dyTime = batchFirstToTimeMajor(dy, b, steps, h)
	}
	fixture.ExpectClose(t, c.name, "y", outShape, y, wantY, 0, fixture.OutputAbsTol)

	dx := l.Backward(&ar, &cache, dyTime, true)
	fixture.ExpectClose(t, c.name, "dx", []int{b, steps, in}, timeMajorToBatchFirst(dx, b, steps, in), wantDX, fixture.GradRelTol, fixture.GradAbsTol)
	fixture.ExpectClose(t, c.name, "dweight_ih", []int{g4, in}, fixture.Transpose(l.DW, in, g4), wantDWeightIH, fixture.GradRelTol, fixture.GradAbsTol)
	fixture.ExpectClose(t, c.name, "dweight_hh", []int{g4, h}, fixture.Transpose(l.DU, h, g4), wantDWeightHH, fixture.GradRelTol, fixture.GradAbsTol)
	fixture.ExpectClose(t, c.name, "dbias_ih", []int{g4}, l.DB, wantDBiasIH, fixture.GradRelTol, fixture.GradAbsTol)
}

// loadTorchCase reads an LSTM layer fixture and its size metadata.
func loadTorchCase(t *testing.T, path string) torchCase {
	t.Helper()
	f, err := safetensors.ReadFile(path, 8<<20)
	if err != nil {
		t.Fatal(err)
	}
	c := torchCase{name: strings.TrimSuffix(filepath.Base(path), ".safetensors"), file: f}
	for key, dst := range map[string]*int{"batch": &c.batch, "steps": &c.steps, "input": &c.input, "hidden": &c.hidden} {
		v, err := strconv.Atoi(f.Metadata[key])
		if err != nil || v <= 0 {
			t.Fatalf("%s: metadata %q is %q, want a positive integer", c.name, key, f.Metadata[key])
		}
		*dst = v
	}
	switch seq := f.Metadata["return_sequences"]; seq {
	case "true":
		c.returnSequences = true
	case "false":
	default:
		t.Fatalf(`%s: metadata "return_sequences" is %q, want "true" or "false"`, c.name, seq)
	}
	return c
}

// batchFirstToTimeMajor converts [batch][steps][width] to [steps][batch][width].
func batchFirstToTimeMajor(src []float32, batch, steps, width int) []float32 {
	dst := make([]float32, len(src))
	for b := 0; b < batch; b++ {
		for s := 0; s < steps; s++ {
			copy(dst[(s*batch+b)*width:(s*batch+b+1)*width], src[(b*steps+s)*width:])
		}
	}
	return dst
}

// timeMajorToBatchFirst converts [steps][batch][width] to [batch][steps][width].
func timeMajorToBatchFirst(src []float32, batch, steps, width int) []float32 {
	dst := make([]float32, len(src))
	for b := 0; b < batch; b++ {
		for s := 0; s < steps; s++ {
			copy(dst[(b*steps+s)*width:(b*steps+s+1)*width], src[(s*batch+b)*width:])
		}
	}
	return dst
}
