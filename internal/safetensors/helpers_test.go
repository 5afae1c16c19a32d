package safetensors

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

// sampleTensors returns a small set of tensors in unsorted order, covering
// a matrix, a vector, a scalar, a zero-size tensor and special values.
func sampleTensors() []Tensor {
	return []Tensor{
		{Name: "w", Shape: []int{2, 3}, Data: []float32{1, -2, 3.5, 0, float32(math.Inf(1)), float32(math.Copysign(0, -1))}},
		{Name: "b", Shape: []int{3}, Data: []float32{0.25, float32(math.NaN()), 1e-40}},
		{Name: "scale", Shape: []int{}, Data: []float32{7}},
		{Name: "empty", Shape: []int{0, 4}, Data: []float32{}},
	}
}

func encodeSample(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, sampleTensors(), map[string]string{"format": "deepq"}); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

// rawFile assembles a file from a literal JSON header and a data section,
// so that tests can write headers that Encode would never produce.
func rawFile(header string, data []byte) []byte {
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	out = append(out, header...)
	return append(out, data...)
}

// floatBytes encodes values as little-endian F32.
func floatBytes(values ...float32) []byte {
	var out []byte
	for _, v := range values {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(v))
	}
	return out
}

// sameBits reports whether a and b contain the same float32 bit patterns, so
// NaN payloads and the sign of zero count.
func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

func requireErrorContains(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("error is nil, expected one containing %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not contain %q", err, want)
	}
}
