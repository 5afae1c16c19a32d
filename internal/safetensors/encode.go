package safetensors

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// dataAlignment is the multiple at which the data section starts, counted
// from the start of the file. Space padding after the JSON header fills
// the difference.
const dataAlignment = 8

// Encode writes tensors and metadata to w as a safetensors file.
//
// The output is deterministic: tensors are sorted by name in both the
// header and the data section, and header keys are sorted. Encode copies
// metadata, sets ChecksumKey in the copy to the CRC-32C of the data section
// (replacing any value the caller passed) and leaves the caller's map
// unchanged. It rejects duplicate names, the name
// "__metadata__", names and metadata that are not valid UTF-8, negative
// dimensions, and tensors whose len(Data) differs from the product of Shape.
// When w fails, Encode returns the error after writing part of the file.
func Encode(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	if err := encode(w, tensors, metadata); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	return nil
}

func encode(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	sorted, err := sortTensors(tensors)
	if err != nil {
		return err
	}
	if err := checkMetadata(metadata); err != nil {
		return err
	}

	hash := crc32.New(castagnoli)
	if err := writeData(hash, sorted); err != nil {
		return err
	}
	allMetadata := maps.Clone(metadata)
	if allMetadata == nil {
		allMetadata = map[string]string{}
	}
	allMetadata[ChecksumKey] = fmt.Sprintf("%08x", hash.Sum32())
	headerBytes, err := encodeHeader(sorted, allMetadata)
	if err != nil {
		return err
	}

	out := bufio.NewWriterSize(w, 64<<10)
	var prefix [lengthPrefixBytes]byte
	binary.LittleEndian.PutUint64(prefix[:], uint64(len(headerBytes)))
	if _, err := out.Write(prefix[:]); err != nil {
		return fmt.Errorf("write header length: %w", err)
	}
	if _, err := out.Write(headerBytes); err != nil {
		return fmt.Errorf("write header: %w", err)
	}
	if err := writeData(out, sorted); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("write data: %w", err)
	}
	return nil
}

// sortTensors validates tensors and returns them sorted by name.
func sortTensors(tensors []Tensor) ([]Tensor, error) {
	sorted := slices.Clone(tensors)
	slices.SortFunc(sorted, func(a, b Tensor) int { return strings.Compare(a.Name, b.Name) })
	for i, t := range sorted {
		if i > 0 && sorted[i-1].Name == t.Name {
			return nil, fmt.Errorf("duplicate tensor name %q", t.Name)
		}
		if t.Name == metadataKey {
			return nil, fmt.Errorf("tensor name %q is reserved for metadata", t.Name)
		}
		if !utf8.ValidString(t.Name) {
			return nil, fmt.Errorf("tensor name %q is not valid UTF-8", t.Name)
		}
		shape := make([]int64, len(t.Shape))
		for j, d := range t.Shape {
			shape[j] = int64(d)
		}
		count, err := elementCount(shape)
		if err != nil {
			return nil, fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		if count != len(t.Data) {
			return nil, fmt.Errorf("tensor %q has shape %v with %d elements, but len(Data) is %d", t.Name, t.Shape, count, len(t.Data))
		}
	}
	return sorted, nil
}

func checkMetadata(metadata map[string]string) error {
	for key, value := range metadata {
		if !utf8.ValidString(key) {
			return fmt.Errorf("metadata key %q is not valid UTF-8", key)
		}
		if !utf8.ValidString(value) {
			return fmt.Errorf("metadata value %q of key %q is not valid UTF-8", value, key)
		}
	}
	return nil
}

// jsonEntry is a tensor's header entry in the field order of the format.
type jsonEntry struct {
	Dtype       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// encodeHeader returns the JSON header padded with spaces so that the data
// section starts at a multiple of dataAlignment.
func encodeHeader(sorted []Tensor, metadata map[string]string) ([]byte, error) {
	entries := make(map[string]any, len(sorted)+1)
	entries[metadataKey] = metadata
	var offset int64
	for _, t := range sorted {
		size := int64(len(t.Data)) * 4
		entries[t.Name] = jsonEntry{
			Dtype:       dtypeF32,
			Shape:       append([]int{}, t.Shape...), // never null, even for scalars
			DataOffsets: [2]int64{offset, offset + size},
		}
		offset += size
	}

	// encoding/json writes map keys in sorted order.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(entries); err != nil {
		return nil, fmt.Errorf("encode header: %w", err)
	}
	headerBytes := bytes.TrimRight(buf.Bytes(), "\n")
	padding := (dataAlignment - (lengthPrefixBytes+len(headerBytes))%dataAlignment) % dataAlignment
	return append(headerBytes, bytes.Repeat([]byte(" "), padding)...), nil
}

// writeData writes the tensors' data as little-endian F32 in the given order.
func writeData(w io.Writer, sorted []Tensor) error {
	var buf [4096]byte
	for _, t := range sorted {
		data := t.Data
		for len(data) > 0 {
			n := min(len(data), len(buf)/4)
			for i, v := range data[:n] {
				binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
			}
			if _, err := w.Write(buf[:4*n]); err != nil {
				return fmt.Errorf("write data of tensor %q: %w", t.Name, err)
			}
			data = data[n:]
		}
	}
	return nil
}
