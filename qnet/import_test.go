package qnet

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepq-go/deepq/internal/safetensors"
)

func TestImportPyTorchMatchesPyTorch(t *testing.T) {
	cases := []struct {
		state, expected, model, arch string
	}{
		{"qnet_lstm_state", "qnet_lstm_expected", ModelLSTM,
			"lstm: reshape(30x5) -> lstm(64, seq) -> dropout(0.2) -> lstm(32, last) -> dropout(0.2) -> dense(64, relu) -> dense(3, linear)"},
		{"qnet_dense_state", "qnet_dense_expected", ModelDense,
			"dense: dense(64, relu) -> dense(32, relu) -> dense(8, relu) -> dense(3, linear)"},
	}
	for _, c := range cases {
		n, err := Import(filepath.Join("..", "testdata", "torch", c.state+".safetensors"), DefaultConfig())
		if err != nil {
			t.Fatalf("%s: %v", c.state, err)
		}
		if got := n.Architecture().String(); got != c.arch {
			t.Errorf("%s: architecture\n got %s\nwant %s", c.state, got, c.arch)
		}
		f, err := safetensors.ReadFile(filepath.Join("..", "testdata", "torch", c.expected+".safetensors"), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		obs, _ := f.Get("obs")
		want, _ := f.Get("q")
		got := make([]float32, len(want.Data))
		if err := n.PredictBatch(got, obs.Data, obs.Shape[0]); err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if d := math.Abs(float64(got[i] - want.Data[i])); d > 1e-5 {
				t.Errorf("%s: Q-value %d is %v, PyTorch gives %v (difference %.2g)", c.state, i, got[i], want.Data[i], d)
			}
		}
	}
}

func TestImportKerasNames(t *testing.T) {
	src := mustBuild(t, ModelLSTM, DefaultConfig())
	names := map[string]string{
		"layers.1.kernel": "lstm.kernel", "layers.1.recurrent_kernel": "lstm.recurrent_kernel", "layers.1.bias": "lstm.bias",
		"layers.3.kernel": "lstm_1.kernel", "layers.3.recurrent_kernel": "lstm_1.recurrent_kernel", "layers.3.bias": "lstm_1.bias",
		"layers.5.kernel": "dense.kernel", "layers.5.bias": "dense.bias",
		"layers.6.kernel": "dense_1.kernel", "layers.6.bias": "dense_1.bias",
	}
	var ts []safetensors.Tensor
	for _, tensor := range src.paramTensors() {
		tensor.Name = names[tensor.Name]
		ts = append(ts, tensor)
	}
	path := filepath.Join(t.TempDir(), "keras.safetensors")
	if err := safetensors.WriteFile(path, ts, nil); err != nil {
		t.Fatal(err)
	}
	n, err := Import(path, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	obs := randObs(3*150, 5)
	a, b := make([]float32, 9), make([]float32, 9)
	src.PredictBatch(a, obs, 3)
	n.PredictBatch(b, obs, 3)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("Q-value %d: %v imported, %v original", i, b[i], a[i])
		}
	}
}

func TestImportRejectsUnknownTensors(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]struct {
		tensors []safetensors.Tensor
		want    string
	}{
		"no prefix":   {[]safetensors.Tensor{{Name: "weight", Shape: []int{1, 1}, Data: []float32{1}}}, "no module prefix"},
		"unknown":     {[]safetensors.Tensor{{Name: "bn.running_mean", Shape: []int{1}, Data: []float32{1}}}, "bn"},
		"lstm last":   {[]safetensors.Tensor{{Name: "l.kernel", Shape: []int{1, 4}, Data: make([]float32, 4)}, {Name: "l.recurrent_kernel", Shape: []int{1, 4}, Data: make([]float32, 4)}, {Name: "l.bias", Shape: []int{4}, Data: make([]float32, 4)}}, "last layer"},
		"bad window":  {[]safetensors.Tensor{{Name: "fc.weight", Shape: []int{3, 7}, Data: make([]float32, 21)}}, "multiple of window"},
		"bias shape":  {[]safetensors.Tensor{{Name: "fc.weight", Shape: []int{3, 30}, Data: make([]float32, 90)}, {Name: "fc.bias", Shape: []int{2}, Data: make([]float32, 2)}}, "bias has shape"},
		"extra param": {[]safetensors.Tensor{{Name: "fc.weight", Shape: []int{3, 30}, Data: make([]float32, 90)}, {Name: "fc.scale", Shape: []int{3}, Data: make([]float32, 3)}}, "want only weight and bias"},
	}
	for name, c := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".safetensors")
		if err := safetensors.WriteFile(path, c.tensors, nil); err != nil {
			t.Fatal(err)
		}
		_, err := Import(path, DefaultConfig())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, c.want)
		}
	}
}

func TestNaturalCompare(t *testing.T) {
	ordered := []string{"fc", "fc1", "fc2", "fc10", "lstm", "lstm_1", "lstm_2", "lstm_10"}
	for i := 0; i+1 < len(ordered); i++ {
		if naturalCompare(ordered[i], ordered[i+1]) >= 0 || naturalCompare(ordered[i+1], ordered[i]) <= 0 {
			t.Errorf("%q should sort before %q", ordered[i], ordered[i+1])
		}
	}
}

func TestImportNamesKerasArchives(t *testing.T) {
	dir := t.TempDir()
	for name, head := range map[string]string{
		"model.keras": "PK\x03\x04rest of a zip",
		"weights.h5":  "\x89HDF\r\n\x1a\nrest",
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(head), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Import(path, DefaultConfig())
		if err == nil || !strings.Contains(err.Error(), "not safetensors") {
			t.Errorf("%s: error %v, want one saying the file is not safetensors", name, err)
		}
	}
	keras := filepath.Join("..", "..", "shared", "origin", "lstm_q_network.keras")
	if _, err := os.Stat(keras); err == nil {
		if _, err := Import(keras, DefaultConfig()); err == nil || !strings.Contains(err.Error(), "zip archive") {
			t.Errorf("the earlier system's .keras file: error %v, want one naming a zip archive", err)
		}
	}
}
