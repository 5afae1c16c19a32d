package safetensors

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestDecodeTorchFixtures reads every file written by
// scripts/gen_torch_fixtures.py, which uses its own Python writer, so a
// pass shows that files from outside this package decode.
func TestDecodeTorchFixtures(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "torch", "*.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 13 {
		t.Fatalf("found %d fixture files, want at least 13", len(paths))
	}

	files := map[string]*File{}
	for _, path := range paths {
		f, err := ReadFile(path, 8<<20)
		if err != nil {
			t.Errorf("ReadFile: %v", err)
			continue
		}
		if _, ok := f.Metadata[ChecksumKey]; ok {
			t.Errorf("%s has a %s entry, but the Python writer adds none", path, ChecksumKey)
		}
		files[filepath.Base(path)] = f
	}

	wantShapes := []struct {
		file, tensor string
		shape        []int
	}{
		{"lstm_b1_t1_in1_h4_seq.safetensors", "y", []int{1, 1, 4}},
		{"lstm_b64_t30_in64_h32_last.safetensors", "x", []int{64, 30, 64}},
		{"lstm_b64_t30_in64_h32_last.safetensors", "weight_ih", []int{128, 64}},
		{"lstm_b64_t30_in64_h32_last.safetensors", "weight_hh", []int{128, 32}},
		{"lstm_b64_t30_in64_h32_last.safetensors", "y", []int{64, 32}},
		{"lstm_b64_t30_in64_h32_last.safetensors", "dbias_hh", []int{128}},
		{"lstm_b3_t7_in1_h13_seq.safetensors", "dx", []int{3, 7, 1}},
		{"stack_b4_t30_in5.safetensors", "l0.weight_ih", []int{256, 5}},
		{"stack_b4_t30_in5.safetensors", "dl1.weight_hh", []int{128, 32}},
		{"stack_b4_t30_in5.safetensors", "dfc2.weight", []int{3, 64}},
		{"stack_b4_t30_in5.safetensors", "y", []int{4, 3}},
		{"linear_b5_in7_out3.safetensors", "weight", []int{3, 7}},
		{"linear_relu_b64_in32_out64.safetensors", "dx", []int{64, 32}},
		{"qnet_lstm_state.safetensors", "lstm1.weight_hh_l0", []int{256, 64}},
		{"qnet_lstm_state.safetensors", "lstm2.bias_ih_l0", []int{128}},
		{"qnet_lstm_expected.safetensors", "obs", []int{8, 150}},
		{"qnet_dense_state.safetensors", "fc1.weight", []int{64, 150}},
		{"qnet_dense_expected.safetensors", "q", []int{8, 3}},
	}
	for _, want := range wantShapes {
		f, ok := files[want.file]
		if !ok {
			t.Errorf("fixture %s missing or unreadable", want.file)
			continue
		}
		tensor, ok := f.Get(want.tensor)
		if !ok {
			t.Errorf("%s has no tensor %q", want.file, want.tensor)
			continue
		}
		if !slices.Equal(tensor.Shape, want.shape) {
			t.Errorf("%s tensor %q shape = %v, want %v", want.file, want.tensor, tensor.Shape, want.shape)
		}
	}

	if f, ok := files["qnet_lstm_state.safetensors"]; ok && f.Metadata["format"] != "pt" {
		t.Errorf(`qnet_lstm_state metadata format = %q, want "pt"`, f.Metadata["format"])
	}
	if f, ok := files["lstm_b2_t5_in3_h13_last.safetensors"]; ok && f.Metadata["return_sequences"] != "false" {
		t.Errorf(`lstm_b2_t5_in3_h13_last return_sequences = %q, want "false"`, f.Metadata["return_sequences"])
	}
}
