package qnet

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/deepq-go/deepq/internal/safetensors"
)

var update = flag.Bool("update", false, "rewrite the committed Dense model file of format version 1 and its expected Q-values")

func saveTemp(t testing.TB, n *Network, opts SaveOptions) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := n.SaveWith(path, opts); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSaveLoadRoundTrip(t *testing.T) {
	for _, model := range []string{ModelLSTM, ModelDense} {
		for _, withOpt := range []bool{false, true} {
			n := mustBuild(t, model, denseOr(model))
			obs := randObs(8*150, 1)
			tg := randObs(8*3, 2)
			n.TrainOnBatch(obs, tg, 8)
			loaded, err := Load(saveTemp(t, n, SaveOptions{Optimizer: withOpt}))
			if err != nil {
				t.Fatalf("%s optimizer=%v: %v", model, withOpt, err)
			}
			if !loaded.arch.Equal(n.arch) {
				t.Errorf("%s: architecture changed: %v -> %v", model, n.arch, loaded.arch)
			}
			a, b := make([]float32, 24), make([]float32, 24)
			n.PredictBatch(a, obs, 8)
			loaded.PredictBatch(b, obs, 8)
			for i := range a {
				if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
					t.Fatalf("%s optimizer=%v: Q-value %d is %v after loading, %v before", model, withOpt, i, b[i], a[i])
				}
			}
			if withOpt && (loaded.step != n.step || !slices.Equal(loaded.m, n.m) || !slices.Equal(loaded.v, n.v)) {
				t.Errorf("%s: optimizer state did not survive the round trip", model)
			}
			if !withOpt && loaded.step != 0 {
				t.Errorf("%s: a weights-only file restored step %d", model, loaded.step)
			}
		}
	}
}

func TestResumedTrainingMatchesUninterrupted(t *testing.T) {
	for _, model := range []string{ModelLSTM, ModelDense} {
		obs := randObs(8*150, 3)
		tg := randObs(8*3, 4)
		straight := mustBuild(t, model, denseOr(model))
		first := mustBuild(t, model, denseOr(model))
		for i := 0; i < 3; i++ {
			straight.TrainOnBatch(obs, tg, 8)
			first.TrainOnBatch(obs, tg, 8)
		}
		resumed, err := Load(saveTemp(t, first, SaveOptions{Optimizer: true}))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			straight.TrainOnBatch(obs, tg, 8)
			resumed.TrainOnBatch(obs, tg, 8)
		}
		for i := range straight.params {
			if math.Float32bits(straight.params[i]) != math.Float32bits(resumed.params[i]) {
				t.Fatalf("%s: parameter %d is %v after resuming, %v uninterrupted", model, i, resumed.params[i], straight.params[i])
			}
		}
	}
}

// smallModelFile returns the bytes of a small saved Dense network.
func smallModelFile(t testing.TB) []byte {
	cfg := DefaultConfig()
	cfg.Window, cfg.Features, cfg.Actions, cfg.DenseUnits = 2, 2, 3, []int{2}
	n := mustBuild(t, ModelDense, cfg)
	data, err := os.ReadFile(saveTemp(t, n, SaveOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func loadBytes(t *testing.T, data []byte) error {
	path := filepath.Join(t.TempDir(), "bad.safetensors")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err != nil && !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file %s", err, path)
	}
	return err
}

func TestLoadRejectsTruncatedFiles(t *testing.T) {
	data := smallModelFile(t)
	for cut := 0; cut < len(data); cut++ {
		if err := loadBytes(t, data[:cut]); err == nil {
			t.Fatalf("a file cut to %d of %d bytes loaded", cut, len(data))
		}
	}
}

func TestLoadRejectsFlippedBytes(t *testing.T) {
	data := smallModelFile(t)
	headerEnd := 8 + int(binary.LittleEndian.Uint64(data))
	for i := headerEnd; i < len(data); i++ {
		bad := slices.Clone(data)
		bad[i] ^= 0x40
		err := loadBytes(t, bad)
		if !errors.Is(err, safetensors.ErrChecksum) {
			t.Fatalf("flipping data byte %d: error %v, want a checksum error", i, err)
		}
	}
}

// rewrite re-encodes a saved model after edit changes its tensors or
// metadata, so that the checksum is valid and only the edit is wrong.
func rewrite(t *testing.T, data []byte, edit func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor) []byte {
	f, err := safetensors.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	meta := map[string]string{}
	for k, v := range f.Metadata {
		meta[k] = v
	}
	ts := edit(f.Tensors(), meta)
	var buf bytes.Buffer
	if err := safetensors.Encode(&buf, ts, meta); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLoadRejectsInconsistentFiles(t *testing.T) {
	data := smallModelFile(t)
	cases := map[string]struct {
		edit func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor
		want string
	}{
		"wrong shape": {func(ts []safetensors.Tensor, _ map[string]string) []safetensors.Tensor {
			for i := range ts {
				if len(ts[i].Shape) == 2 {
					ts[i].Shape = []int{ts[i].Shape[1], ts[i].Shape[0]}
				}
			}
			return ts
		}, "has shape"},
		"missing tensor": {func(ts []safetensors.Tensor, _ map[string]string) []safetensors.Tensor {
			return ts[1:]
		}, "is missing"},
		"extra tensor": {func(ts []safetensors.Tensor, _ map[string]string) []safetensors.Tensor {
			return append(ts, safetensors.Tensor{Name: "layers.9.kernel", Shape: []int{1}, Data: []float32{1}})
		}, "not part of the architecture"},
		"NaN weight": {func(ts []safetensors.Tensor, _ map[string]string) []safetensors.Tensor {
			ts[0].Data[0] = float32(math.NaN())
			return ts
		}, "NaN"},
		"foreign format": {func(ts []safetensors.Tensor, m map[string]string) []safetensors.Tensor {
			m["format"] = "pt"
			return ts
		}, "Import"},
		"future version": {func(ts []safetensors.Tensor, m map[string]string) []safetensors.Tensor {
			m["format_version"] = "2"
			return ts
		}, "version"},
		"architecture not JSON": {func(ts []safetensors.Tensor, m map[string]string) []safetensors.Tensor {
			m["architecture"] = "{"
			return ts
		}, "architecture"},
		"architecture does not chain": {func(ts []safetensors.Tensor, m map[string]string) []safetensors.Tensor {
			m["architecture"] = strings.Replace(m["architecture"], `"actions":3`, `"actions":4`, 1)
			return ts
		}, "Q-values"},
		"unknown optimizer": {func(ts []safetensors.Tensor, m map[string]string) []safetensors.Tensor {
			m["optimizer"] = "sgd"
			return ts
		}, "optimizer"},
		"huge sizes": {func(ts []safetensors.Tensor, m map[string]string) []safetensors.Tensor {
			m["architecture"] = strings.Replace(m["architecture"], `"window":2`, `"window":100000000`, 1)
			return ts
		}, "window"},
	}
	for name, c := range cases {
		err := loadBytes(t, rewrite(t, data, c.edit))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, c.want)
		}
	}
}

func TestLoadRejectsWrongDtypeAndHugeHeader(t *testing.T) {
	data := smallModelFile(t)
	headerLen := binary.LittleEndian.Uint64(data)
	bad := bytes.Replace(slices.Clone(data), []byte(`"F32"`), []byte(`"F64"`), 1)
	if err := loadBytes(t, bad); err == nil || !strings.Contains(err.Error(), "F64") {
		t.Errorf("F64 tensor: error %v, want one naming F64", err)
	}
	huge := slices.Clone(data)
	binary.LittleEndian.PutUint64(huge, 1<<60)
	if err := loadBytes(t, huge); err == nil {
		t.Error("a header length of 2^60 loaded")
	}
	notJSON := slices.Clone(data)
	copy(notJSON[8:8+headerLen], bytes.Repeat([]byte("x"), int(headerLen)))
	if err := loadBytes(t, notJSON); err == nil {
		t.Error("a header that is not JSON loaded")
	}
}

func TestLoadForReportsEveryMismatch(t *testing.T) {
	n := mustBuild(t, ModelLSTM, DefaultConfig())
	path := saveTemp(t, n, SaveOptions{})
	cfg := DefaultConfig()
	cfg.Window, cfg.Actions = 20, 4
	_, err := LoadFor(path, cfg)
	if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "window is 30, expected 20") || !strings.Contains(err.Error(), "actions are 3, expected 4") {
		t.Errorf("error %v, want ErrMismatch naming window and actions", err)
	}
	if _, err := LoadFor(path, DefaultConfig()); err != nil {
		t.Errorf("matching config: %v", err)
	}
}

func TestLoadOrBuild(t *testing.T) {
	dir := t.TempDir()
	cfg := DefaultConfig()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))

	n, err := LoadOrBuild(filepath.Join(dir, "missing.safetensors"), cfg, logger, Strict)
	if err != nil || n.arch.Model != ModelLSTM {
		t.Fatalf("missing file: %v, model %v", err, n)
	}

	lstmPath := filepath.Join(dir, "lstm.safetensors")
	trained := mustBuild(t, ModelLSTM, cfg)
	trained.TrainOnBatch(randObs(150, 1), make([]float32, 3), 1)
	trained.SaveWith(lstmPath, SaveOptions{Optimizer: true})
	if n, err := LoadOrBuild(lstmPath, cfg, logger, Strict); err != nil || n.step != 1 {
		t.Errorf("matching LSTM file: err %v, step %d; want the saved network at step 1", err, n.step)
	}

	densePath := filepath.Join(dir, "dense.safetensors")
	mustBuild(t, ModelDense, denseConfig()).Save(densePath)
	if n, err := LoadOrBuild(densePath, cfg, logger, Strict); err != nil || n.arch.Model != ModelDense {
		t.Errorf("matching Dense file: err %v; want the Dense network", err)
	}

	other := cfg
	other.Window = 10
	before, _ := os.ReadFile(lstmPath)
	if _, err := LoadOrBuild(lstmPath, other, logger, Strict); !errors.Is(err, ErrMismatch) {
		t.Errorf("mismatched file, strict: error %v, want ErrMismatch", err)
	}
	logs.Reset()
	n, err = LoadOrBuild(lstmPath, other, logger, Rebuild)
	if err != nil || n.arch.Window != 10 || n.step != 0 {
		t.Errorf("mismatched file, rebuild: err %v; want a new network of window 10", err)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "window is 30, expected 10") {
		t.Errorf("rebuild logged %q; want a warning naming the mismatch", logs.String())
	}
	after, _ := os.ReadFile(lstmPath)
	if !bytes.Equal(before, after) {
		t.Error("LoadOrBuild modified the unusable file")
	}

	corrupt := filepath.Join(dir, "corrupt.safetensors")
	os.WriteFile(corrupt, []byte("not a model"), 0o644)
	if _, err := LoadOrBuild(corrupt, cfg, nil, Strict); err == nil {
		t.Error("corrupt file, strict: no error")
	}
	if n, err := LoadOrBuild(corrupt, cfg, nil, Rebuild); err != nil || n == nil {
		t.Errorf("corrupt file, rebuild: %v", err)
	}
}

// The committed Dense model of format version 1 must keep loading and
// predicting what it predicted when it was saved.
const (
	denseV1Path     = "testdata/dense_v1.safetensors"
	denseV1Expected = "testdata/dense_v1_expected.safetensors"
)

func TestDenseFormatV1StaysLoadable(t *testing.T) {
	if *update {
		writeDenseV1(t)
	}
	n, err := Load(denseV1Path)
	if err != nil {
		t.Fatal(err)
	}
	if n.arch.Model != ModelDense || n.step == 0 {
		t.Fatalf("loaded %v at step %d; want a trained Dense network", n.arch, n.step)
	}
	f, err := safetensors.ReadFile(denseV1Expected, 1<<20)
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
		if d := math.Abs(float64(got[i] - want.Data[i])); d > 1e-5+1e-5*math.Abs(float64(want.Data[i])) {
			t.Errorf("Q-value %d: %v, saved %v", i, got[i], want.Data[i])
		}
	}
	before := slices.Clone(n.params)
	if _, err := n.TrainOnBatch(obs.Data, want.Data, obs.Shape[0]); err != nil {
		t.Fatalf("training the loaded Dense network: %v", err)
	}
	if slices.Equal(before, n.params) {
		t.Error("a training step on the loaded Dense network changed no weight")
	}
}

// writeDenseV1 trains a Dense network briefly and saves it with its
// expected Q-values. Run with -update only to add a file for a new format
// version, never to hide a change in behaviour.
func writeDenseV1(t *testing.T) {
	n := mustBuild(t, ModelDense, denseConfig())
	obs := randObs(16*150, 21)
	for i := 0; i < 5; i++ {
		n.TrainOnBatch(obs, randObs(16*3, uint64(i)), 16)
	}
	if err := n.SaveWith(denseV1Path, SaveOptions{Optimizer: true}); err != nil {
		t.Fatal(err)
	}
	q := make([]float32, 4*3)
	n.PredictBatch(q, obs[:4*150], 4)
	err := safetensors.WriteFile(denseV1Expected, []safetensors.Tensor{
		{Name: "obs", Shape: []int{4, 150}, Data: obs[:4*150]},
		{Name: "q", Shape: []int{4, 3}, Data: q},
	}, map[string]string{"model": denseV1Path})
	if err != nil {
		t.Fatal(err)
	}
}
