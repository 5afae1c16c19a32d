// Package safetensors reads and writes model files in the safetensors
// layout, restricted to float32 (F32) tensors.
//
// A file is an 8-byte little-endian header length N, then N bytes of JSON
// header, then the data section. The header maps each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]}, where the offsets are
// byte positions relative to the start of the data section. An optional
// "__metadata__" entry maps strings to strings. The header may end with
// space padding, and the data is little-endian.
//
// Decode and ReadFile validate the whole header against the real data
// length before they allocate anything for a tensor. Files written by
// this package carry a CRC-32C of the data section under ChecksumKey in
// the metadata, and readers verify it when present. Files from other
// writers, such as PyTorch, usually have no checksum and are read without
// one.
//
// NOTE: the checksum covers only the data section. Header damage is caught
// by the structural checks, except an edit that still describes a consistent
// layout, such as a shape of [3, 2] changed to [2, 3].
package safetensors

// ChecksumKey is the metadata key that stores the CRC-32C (Castagnoli) of
// the data section as 8 hexadecimal digits.
const ChecksumKey = "crc32c"

// metadataKey is the reserved header entry for string metadata.
const metadataKey = "__metadata__"

// maxHeaderBytes bounds the JSON header. A tensor entry takes roughly 100
// bytes, so the bound allows about a million tensors.
const maxHeaderBytes = 100 << 20

// dtypeF32 is the only dtype this package decodes and encodes.
const dtypeF32 = "F32"

// knownDtypes lists the other dtypes of the safetensors format (those of
// the Rust crate safetensors 0.4.1), so a file that uses one is reported as
// unsupported rather than as malformed.
var knownDtypes = map[string]bool{
	"BOOL": true, "U8": true, "I8": true, "F8_E5M2": true, "F8_E4M3": true,
	"I16": true, "U16": true, "F16": true, "BF16": true, "I32": true,
	"U32": true, "F64": true, "I64": true, "U64": true,
}
