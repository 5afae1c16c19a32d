package qnet

import (
	"os"
	"testing"

	"github.com/deepq-go/deepq/internal/safetensors"
)

// FuzzLoad feeds arbitrary bytes to the model-file loader. It must return a
// network or an error, never panic, and a network it returns must predict.
// The seed corpus, which runs in every plain go test, holds a valid small
// model, the committed Dense file and damaged copies of them.
func FuzzLoad(f *testing.F) {
	small := smallModelFile(f)
	f.Add(small)
	f.Add(small[:len(small)/2])
	f.Add(append([]byte(nil), small[:9]...))
	if v1, err := os.ReadFile(denseV1Path); err == nil {
		f.Add(v1)
	}
	f.Add([]byte("not a model"))
	f.Add([]byte{})

	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := safetensors.Decode(data)
		if err != nil {
			return
		}
		n, err := fromFile(file)
		if err != nil {
			return
		}
		q := make([]float32, n.Actions())
		if err := n.PredictInto(q, make([]float32, n.ObservationSize())); err != nil {
			t.Fatalf("a loaded network rejected a zero observation: %v", err)
		}
	})
}
