package safetensors

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"slices"
	"testing"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	data := encodeSample(t)
	f, err := Decode(data)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}

	for _, want := range sampleTensors() {
		got, ok := f.Get(want.Name)
		if !ok {
			t.Errorf("tensor %q missing after round trip", want.Name)
			continue
		}
		if !slices.Equal(got.Shape, want.Shape) {
			t.Errorf("tensor %q shape = %v, want %v", want.Name, got.Shape, want.Shape)
		}
		if !sameBits(got.Data, want.Data) {
			t.Errorf("tensor %q data = %v, want %v (bit for bit)", want.Name, got.Data, want.Data)
		}
	}
	if f.Len() != 4 {
		t.Errorf("Len() = %d, want 4", f.Len())
	}
	if got, want := f.Names(), []string{"b", "empty", "scale", "w"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want sorted %v", got, want)
	}
	if got := f.Metadata["format"]; got != "deepq" {
		t.Errorf(`Metadata["format"] = %q, want "deepq"`, got)
	}
	if _, ok := f.Get("missing"); ok {
		t.Error(`Get("missing") found a tensor`)
	}
}

func TestEncodeChecksumKey(t *testing.T) {
	data := encodeSample(t)
	f, err := Decode(data)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}

	headerLength := binary.LittleEndian.Uint64(data)
	section := data[8+headerLength:]
	want := fmt.Sprintf("%08x", crc32.Checksum(section, crc32.MakeTable(crc32.Castagnoli)))
	if got := f.Metadata[ChecksumKey]; got != want {
		t.Errorf("Metadata[%q] = %q, want CRC-32C %q", ChecksumKey, got, want)
	}
}

func TestEncodeDeterministic(t *testing.T) {
	first := encodeSample(t)

	reversed := sampleTensors()
	slices.Reverse(reversed)
	var second bytes.Buffer
	if err := Encode(&second, reversed, map[string]string{"format": "deepq"}); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if !bytes.Equal(first, second.Bytes()) {
		t.Error("Encode output depends on the order of the tensors")
	}
}

func TestEncodeAlignsDataSection(t *testing.T) {
	for n := range 9 {
		name := string(bytes.Repeat([]byte("x"), n+1))
		var buf bytes.Buffer
		if err := Encode(&buf, []Tensor{{Name: name, Shape: []int{1}, Data: []float32{1}}}, nil); err != nil {
			t.Fatalf("Encode: %v", err)
		}
		headerLength := binary.LittleEndian.Uint64(buf.Bytes())
		if (8+headerLength)%8 != 0 {
			t.Errorf("name length %d: data section starts at %d, not a multiple of 8", n+1, 8+headerLength)
		}
	}
}

func TestEncodeKeepsCallerMetadata(t *testing.T) {
	metadata := map[string]string{"format": "deepq", ChecksumKey: "stale"}
	var buf bytes.Buffer
	if err := Encode(&buf, sampleTensors(), metadata); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if metadata[ChecksumKey] != "stale" {
		t.Errorf("Encode changed the caller's metadata to %v", metadata)
	}
	f, err := Decode(buf.Bytes())
	if err != nil {
		t.Fatalf("Decode after replacing a stale checksum: %v", err)
	}
	if f.Metadata[ChecksumKey] == "stale" {
		t.Error("Encode kept the caller's stale checksum")
	}
}

func TestEncodeNoTensors(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, nil, nil); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	f, err := Decode(buf.Bytes())
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if f.Len() != 0 {
		t.Errorf("Len() = %d, want 0", f.Len())
	}
}

func TestEncodeRejectsInvalidInput(t *testing.T) {
	cases := []struct {
		name     string
		tensors  []Tensor
		metadata map[string]string
		want     string
	}{
		{
			name:    "duplicate name",
			tensors: []Tensor{{Name: "a", Shape: []int{1}, Data: []float32{1}}, {Name: "a", Shape: []int{1}, Data: []float32{2}}},
			want:    `duplicate tensor name "a"`,
		},
		{
			name:    "reserved name",
			tensors: []Tensor{{Name: "__metadata__", Shape: []int{1}, Data: []float32{1}}},
			want:    "reserved for metadata",
		},
		{
			name:    "invalid UTF-8 name",
			tensors: []Tensor{{Name: "a\xff", Shape: []int{1}, Data: []float32{1}}},
			want:    "not valid UTF-8",
		},
		{
			name:    "shape larger than data",
			tensors: []Tensor{{Name: "w", Shape: []int{2, 3}, Data: []float32{1, 2}}},
			want:    `tensor "w" has shape [2 3] with 6 elements, but len(Data) is 2`,
		},
		{
			name:    "negative dimension",
			tensors: []Tensor{{Name: "w", Shape: []int{-1, -2}, Data: []float32{1, 2}}},
			want:    "is negative",
		},
		{
			name:    "element count overflow",
			tensors: []Tensor{{Name: "w", Shape: []int{1 << 20, 1 << 20, 1 << 20, 1 << 20}, Data: []float32{1}}},
			want:    "more than the maximum",
		},
		{
			name:     "invalid UTF-8 metadata",
			metadata: map[string]string{"k": "\xfe"},
			want:     "not valid UTF-8",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Encode(&buf, tc.tensors, tc.metadata)
			requireErrorContains(t, err, tc.want)
			if buf.Len() != 0 {
				t.Errorf("Encode wrote %d bytes before rejecting its input", buf.Len())
			}
		})
	}
}
