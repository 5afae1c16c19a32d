package safetensors

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
	"strconv"
)

// ErrChecksum is wrapped by the error that Decode and ReadFile return when
// the data section does not match the CRC-32C stored under ChecksumKey.
var ErrChecksum = errors.New("data section checksum mismatch")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// lengthPrefixBytes is the size of the little-endian header length.
const lengthPrefixBytes = 8

// Decode parses a safetensors file held in data. Tensor data is copied, so
// the caller may reuse data afterwards.
//
// Decode returns an error, and does not panic, when:
//   - the header length exceeds 100 MiB or the bytes that follow it;
//   - the header is not valid UTF-8, is not one JSON object followed only by
//     space padding, or has a duplicate key;
//   - a tensor entry lacks dtype, shape or data_offsets, or has another field;
//   - a tensor's dtype is not F32;
//   - a dimension is negative or the element count overflows an int;
//   - a tensor's byte range lies outside the data section or does not span
//     product(shape)*4 bytes;
//   - byte ranges overlap or leave bytes of the data section unused;
//   - the metadata has a ChecksumKey entry that does not match the data, in
//     which case errors.Is(err, ErrChecksum) holds.
func Decode(data []byte) (*File, error) {
	f, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	return f, nil
}

func decode(data []byte) (*File, error) {
	if len(data) < lengthPrefixBytes {
		return nil, fmt.Errorf("file is %d bytes, shorter than the 8-byte header length", len(data))
	}
	headerLength := binary.LittleEndian.Uint64(data)
	if headerLength > maxHeaderBytes {
		return nil, fmt.Errorf("header length is %d bytes, more than the maximum of %d", headerLength, maxHeaderBytes)
	}
	available := uint64(len(data) - lengthPrefixBytes)
	if headerLength > available {
		return nil, fmt.Errorf("header length is %d bytes, but only %d bytes follow the length (file truncated?)", headerLength, available)
	}
	dataStart := lengthPrefixBytes + int(headerLength)
	h, err := parseHeader(data[lengthPrefixBytes:dataStart])
	if err != nil {
		return nil, err
	}
	section := data[dataStart:]

	counts := make([]int, len(h.entries))
	for i := range h.entries {
		counts[i], err = checkEntry(&h.entries[i], int64(len(section)))
		if err != nil {
			return nil, err
		}
	}
	if err := checkLayout(h.entries, int64(len(section))); err != nil {
		return nil, err
	}
	if err := verifyChecksum(h.metadata, section); err != nil {
		return nil, err
	}

	f := &File{
		Metadata: h.metadata,
		tensors:  make([]Tensor, len(h.entries)),
		index:    make(map[string]int, len(h.entries)),
	}
	for i, e := range h.entries {
		f.tensors[i] = Tensor{
			Name:  e.name,
			Shape: toInts(e.shape),
			Data:  decodeFloats(section[e.begin:e.end], counts[i]),
		}
		f.index[e.name] = i
	}
	return f, nil
}

// checkEntry validates one entry's dtype, shape and byte range and returns
// its element count.
func checkEntry(e *headerEntry, sectionLength int64) (int, error) {
	if e.dtype != dtypeF32 {
		if knownDtypes[e.dtype] {
			return 0, fmt.Errorf("tensor %q has dtype %s, but only F32 is supported", e.name, e.dtype)
		}
		return 0, fmt.Errorf("tensor %q has unknown dtype %q, expected F32", e.name, e.dtype)
	}
	count, err := elementCount(e.shape)
	if err != nil {
		return 0, fmt.Errorf("tensor %q: %w", e.name, err)
	}
	if e.begin < 0 || e.end < e.begin {
		return 0, fmt.Errorf("tensor %q has data_offsets [%d, %d], expected 0 <= begin <= end", e.name, e.begin, e.end)
	}
	if e.end > sectionLength {
		return 0, fmt.Errorf("tensor %q has data_offsets [%d, %d] beyond the data section of %d bytes (file truncated?)", e.name, e.begin, e.end, sectionLength)
	}
	// count <= maxElements, so count*4 cannot overflow.
	if want := int64(count) * 4; e.end-e.begin != want {
		return 0, fmt.Errorf("tensor %q has shape %v, which needs %d bytes of F32, but data_offsets [%d, %d] span %d bytes",
			e.name, e.shape, want, e.begin, e.end, e.end-e.begin)
	}
	return count, nil
}

// maxElements bounds a tensor's element count so that its byte length fits
// in an int.
const maxElements = math.MaxInt / 4

// elementCount returns the product of shape. It rejects negative
// dimensions, dimensions above maxElements, and products above maxElements
// unless a dimension is zero.
func elementCount(shape []int64) (int, error) {
	for i, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("dimension %d of shape %v is negative", i, shape)
		}
		if d > maxElements {
			return 0, fmt.Errorf("dimension %d of shape %v is larger than the maximum of %d elements", i, shape, maxElements)
		}
	}
	if slices.Contains(shape, 0) {
		return 0, nil
	}
	count := int64(1)
	for _, d := range shape {
		if count > maxElements/d {
			return 0, fmt.Errorf("shape %v has more than the maximum of %d elements", shape, maxElements)
		}
		count *= d
	}
	return int(count), nil
}

// checkLayout requires the byte ranges to tile the data section exactly:
// sorted by offset, each range starts where the previous one ends, the
// first starts at 0 and the last ends at sectionLength.
func checkLayout(entries []headerEntry, sectionLength int64) error {
	sorted := make([]*headerEntry, len(entries))
	for i := range entries {
		sorted[i] = &entries[i]
	}
	slices.SortStableFunc(sorted, func(a, b *headerEntry) int {
		return cmp.Or(cmp.Compare(a.begin, b.begin), cmp.Compare(a.end, b.end))
	})

	var cursor int64
	var previous *headerEntry
	for _, e := range sorted {
		if e.begin < cursor {
			return fmt.Errorf("tensors %q [%d, %d] and %q [%d, %d] overlap in the data section",
				previous.name, previous.begin, previous.end, e.name, e.begin, e.end)
		}
		if e.begin > cursor {
			return fmt.Errorf("data section bytes [%d, %d) belong to no tensor", cursor, e.begin)
		}
		cursor = e.end
		previous = e
	}
	if cursor != sectionLength {
		return fmt.Errorf("data section bytes [%d, %d) belong to no tensor", cursor, sectionLength)
	}
	return nil
}

// verifyChecksum compares the CRC-32C of section with the metadata value
// under ChecksumKey. Files without that key pass.
func verifyChecksum(metadata map[string]string, section []byte) error {
	stored, ok := metadata[ChecksumKey]
	if !ok {
		return nil
	}
	want, err := strconv.ParseUint(stored, 16, 32)
	if err != nil || len(stored) != 8 {
		return fmt.Errorf("metadata %s is %q, expected 8 hexadecimal digits", ChecksumKey, stored)
	}
	if got := crc32.Checksum(section, castagnoli); got != uint32(want) {
		return fmt.Errorf("%w: metadata %s is %08x, but the data has %08x (file corrupted)", ErrChecksum, ChecksumKey, want, got)
	}
	return nil
}

func toInts(shape []int64) []int {
	ints := make([]int, len(shape))
	for i, d := range shape {
		ints[i] = int(d)
	}
	return ints
}

// decodeFloats converts little-endian F32 bytes; len(b) is count*4.
func decodeFloats(b []byte, count int) []float32 {
	values := make([]float32, count)
	for i := range values {
		values[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return values
}
