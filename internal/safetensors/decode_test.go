package safetensors

import (
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestDecodeTruncatedAtEveryByte(t *testing.T) {
	data := encodeSample(t)
	for n := range len(data) {
		if _, err := Decode(data[:n]); err == nil {
			t.Errorf("Decode of the first %d of %d bytes succeeded, expected an error", n, len(data))
		}
	}
}

func TestDecodeFlippedDataByte(t *testing.T) {
	data := encodeSample(t)
	dataStart := 8 + int(binary.LittleEndian.Uint64(data))
	if dataStart == len(data) {
		t.Fatal("sample has an empty data section")
	}
	for i := dataStart; i < len(data); i++ {
		corrupt := slices.Clone(data)
		corrupt[i] ^= 0xff
		_, err := Decode(corrupt)
		if !errors.Is(err, ErrChecksum) {
			t.Errorf("byte %d flipped: error = %v, want ErrChecksum", i, err)
		}
	}
}

func TestDecodeFlippedHeaderByte(t *testing.T) {
	data := encodeSample(t)
	dataStart := 8 + int(binary.LittleEndian.Uint64(data))
	// Setting the top bit of any header byte makes invalid UTF-8 or breaks
	// the length, so every position must be rejected.
	for i := range dataStart {
		corrupt := slices.Clone(data)
		corrupt[i] ^= 0x80
		if _, err := Decode(corrupt); err == nil {
			t.Errorf("byte %d flipped: Decode succeeded, expected an error", i)
		}
	}
}

func TestDecodeEditedHeader(t *testing.T) {
	data := string(encodeSample(t))
	cases := []struct {
		name, old, new, want string
	}{
		{"dtype F64", `"dtype":"F32","shape":[2,3]`, `"dtype":"F64","shape":[2,3]`, `tensor "w" has dtype F64, but only F32 is supported`},
		{"shape too large", `"shape":[2,3]`, `"shape":[2,4]`, `tensor "w" has shape [2 4], which needs 32 bytes`},
		{"offsets shifted", `"data_offsets":[0,12]`, `"data_offsets":[4,16]`, "data section bytes [0, 4) belong to no tensor"},
		{"key renamed to duplicate", `"scale":`, `"empty":`, `duplicate key "empty"`},
		{"brace removed", `}}`, `} `, "not valid JSON"},
		{"checksum digit changed", `"crc32c":"`, `"crc32c":"0`, "expected 8 hexadecimal digits"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(data, tc.old) {
				t.Fatalf("sample header does not contain %q", tc.old)
			}
			edited := strings.Replace(data, tc.old, tc.new, 1)
			if len(edited) != len(data) {
				// Keep the length prefix consistent with the edited header.
				edited = fixHeaderLength(edited, len(data))
			}
			_, err := Decode([]byte(edited))
			requireErrorContains(t, err, tc.want)
		})
	}
}

// fixHeaderLength rewrites the length prefix of an edited file whose header
// changed size.
func fixHeaderLength(edited string, originalLength int) string {
	b := []byte(edited)
	old := binary.LittleEndian.Uint64(b)
	binary.LittleEndian.PutUint64(b, old+uint64(len(edited)-originalLength))
	return string(b)
}

func TestDecodeRejectsMalformedFiles(t *testing.T) {
	eight := floatBytes(1, 2)
	twelve := floatBytes(1, 2, 3)
	entry := func(name, dtype, shape, offsets string) string {
		return `"` + name + `":{"dtype":"` + dtype + `","shape":` + shape + `,"data_offsets":` + offsets + `}`
	}
	valid := entry("a", "F32", "[2]", "[0,8]")

	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"empty file", nil, "shorter than the 8-byte header length"},
		{"short length prefix", []byte{1, 0, 0}, "shorter than the 8-byte header length"},
		{"huge header length", binary.LittleEndian.AppendUint64(nil, 1<<62), "more than the maximum"},
		{"max uint64 header length", binary.LittleEndian.AppendUint64(nil, ^uint64(0)), "more than the maximum"},
		{"header length past end", append(binary.LittleEndian.AppendUint64(nil, 1000), "{}"...), "only 2 bytes follow"},
		{"zero header length", rawFile("", nil), "does not start with '{'"},
		{"header not JSON", rawFile("hello world", nil), "does not start with '{'"},
		{"header is array", rawFile("[1,2]", nil), "does not start with '{'"},
		{"leading space", rawFile(" {}", nil), "does not start with '{'"},
		{"truncated JSON", rawFile(`{"a":{"dtype":`, nil), "not valid JSON"},
		{"missing colon", rawFile(`{"a" 1}`, nil), "not valid JSON"},
		{"trailing garbage", rawFile(`{} x`, nil), "unexpected bytes after the JSON object"},
		{"two objects", rawFile(`{}{}`, nil), "unexpected bytes after the JSON object"},
		{"trailing newline", rawFile("{}\n", nil), "unexpected bytes after the JSON object"},
		{"invalid UTF-8", rawFile("{\"\xff\":1}", nil), "not valid UTF-8"},
		{"duplicate tensor", rawFile("{"+valid+","+valid+"}", eight), `duplicate key "a"`},
		{"duplicate metadata key", rawFile(`{"__metadata__":{"k":"1","k":"2"}}`, nil), `__metadata__ has duplicate key "k"`},
		{"duplicate entry field", rawFile(`{"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, eight), `duplicate key "dtype"`},
		{"metadata number", rawFile(`{"__metadata__":{"k":1}}`, nil), `__metadata__ value "k" is 1, expected a string`},
		{"metadata null", rawFile(`{"__metadata__":null}`, nil), "__metadata__ is null, expected a JSON object"},
		{"entry is array", rawFile(`{"a":[1]}`, nil), `tensor "a" is '[', expected a JSON object`},
		{"missing dtype", rawFile(`{"a":{"shape":[2],"data_offsets":[0,8]}}`, eight), `tensor "a" is missing dtype`},
		{"missing shape", rawFile(`{"a":{"dtype":"F32","data_offsets":[0,8]}}`, eight), `tensor "a" is missing shape`},
		{"missing offsets", rawFile(`{"a":{"dtype":"F32","shape":[2]}}`, eight), `tensor "a" is missing data_offsets`},
		{"unknown field", rawFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}}`, eight), `unknown field "x"`},
		{"dtype number", rawFile("{"+`"a":{"dtype":32,"shape":[2],"data_offsets":[0,8]}`+"}", eight), `tensor "a" dtype is 32, expected a string`},
		{"shape null", rawFile("{"+entry("a", "F32", "null", "[0,8]")+"}", eight), `tensor "a" shape is null, expected an array of integers`},
		{"shape string", rawFile("{"+entry("a", "F32", `["2"]`, "[0,8]")+"}", eight), `tensor "a" shape element 0 is "2", expected an integer`},
		{"shape fraction", rawFile("{"+entry("a", "F32", "[2.0]", "[0,8]")+"}", eight), "expected an integer within 64 bits"},
		{"shape beyond int64", rawFile("{"+entry("a", "F32", "[99999999999999999999]", "[0,8]")+"}", eight), "expected an integer within 64 bits"},
		{"shape nested", rawFile("{"+entry("a", "F32", "[[2]]", "[0,8]")+"}", eight), "is '[', expected an integer"},
		{"one offset", rawFile("{"+entry("a", "F32", "[2]", "[8]")+"}", eight), "data_offsets has 1 elements, expected [begin, end]"},
		{"three offsets", rawFile("{"+entry("a", "F32", "[2]", "[0,8,8]")+"}", eight), "data_offsets has 3 elements"},
		{"dtype F64", rawFile("{"+entry("w", "F64", "[1]", "[0,8]")+"}", eight), `tensor "w" has dtype F64, but only F32 is supported`},
		{"dtype F16", rawFile("{"+entry("w", "F16", "[4]", "[0,8]")+"}", eight), `tensor "w" has dtype F16, but only F32 is supported`},
		{"dtype BF16", rawFile("{"+entry("w", "BF16", "[4]", "[0,8]")+"}", eight), `has dtype BF16, but only F32 is supported`},
		{"dtype I64", rawFile("{"+entry("w", "I64", "[1]", "[0,8]")+"}", eight), `has dtype I64, but only F32 is supported`},
		{"dtype I32", rawFile("{"+entry("w", "I32", "[2]", "[0,8]")+"}", eight), `has dtype I32, but only F32 is supported`},
		{"dtype U8", rawFile("{"+entry("w", "U8", "[8]", "[0,8]")+"}", eight), `has dtype U8, but only F32 is supported`},
		{"dtype BOOL", rawFile("{"+entry("w", "BOOL", "[8]", "[0,8]")+"}", eight), `has dtype BOOL, but only F32 is supported`},
		{"dtype unknown", rawFile("{"+entry("w", "f32", "[2]", "[0,8]")+"}", eight), `tensor "w" has unknown dtype "f32", expected F32`},
		{"shape size mismatch", rawFile("{"+entry("a", "F32", "[3]", "[0,8]")+"}", eight), `tensor "a" has shape [3], which needs 12 bytes of F32, but data_offsets [0, 8] span 8 bytes`},
		{"negative dimensions", rawFile("{"+entry("a", "F32", "[-1,-2]", "[0,8]")+"}", eight), "dimension 0 of shape [-1 -2] is negative"},
		{"negative dimension zero product", rawFile("{"+entry("a", "F32", "[0,-2]", "[0,0]")+"}", nil), "dimension 1 of shape [0 -2] is negative"},
		{"element count overflow", rawFile("{"+entry("a", "F32", "[65536,65536,65536,65536]", "[0,8]")+"}", eight), "more than the maximum"},
		{"dimension too large", rawFile("{"+entry("a", "F32", "[9223372036854775807,0]", "[0,0]")+"}", nil), "larger than the maximum"},
		{"offsets out of range", rawFile("{"+entry("a", "F32", "[4]", "[0,16]")+"}", eight), `tensor "a" has data_offsets [0, 16] beyond the data section of 8 bytes`},
		{"offsets past int64", rawFile("{"+entry("a", "F32", "[2]", "[0,18446744073709551615]")+"}", eight), "expected an integer within 64 bits"},
		{"begin after end", rawFile("{"+entry("a", "F32", "[2]", "[8,0]")+"}", eight), "expected 0 <= begin <= end"},
		{"negative begin", rawFile("{"+entry("a", "F32", "[2]", "[-4,4]")+"}", eight), "expected 0 <= begin <= end"},
		{"overlapping offsets", rawFile("{"+entry("a", "F32", "[2]", "[0,8]")+","+entry("b", "F32", "[2]", "[4,12]")+"}", twelve), `tensors "a" [0, 8] and "b" [4, 12] overlap`},
		{"same offsets", rawFile("{"+entry("a", "F32", "[2]", "[0,8]")+","+entry("b", "F32", "[2]", "[0,8]")+"}", eight), "overlap"},
		{"empty tensor inside another", rawFile("{"+entry("a", "F32", "[2]", "[0,8]")+","+entry("b", "F32", "[0]", "[4,4]")+"}", eight), "overlap"},
		{"gap between tensors", rawFile("{"+entry("a", "F32", "[1]", "[0,4]")+","+entry("b", "F32", "[1]", "[8,12]")+"}", twelve), "data section bytes [4, 8) belong to no tensor"},
		{"gap at start", rawFile("{"+entry("a", "F32", "[1]", "[4,8]")+"}", eight), "data section bytes [0, 4) belong to no tensor"},
		{"trailing data", rawFile("{"+entry("a", "F32", "[1]", "[0,4]")+"}", eight), "data section bytes [4, 8) belong to no tensor"},
		{"data without tensors", rawFile("{}", eight), "data section bytes [0, 8) belong to no tensor"},
		{"checksum not hex", rawFile(`{"__metadata__":{"crc32c":"zzzzzzzz"},`+valid+"}", eight), `metadata crc32c is "zzzzzzzz", expected 8 hexadecimal digits`},
		{"checksum short", rawFile(`{"__metadata__":{"crc32c":"1"},`+valid+"}", eight), "expected 8 hexadecimal digits"},
		{"checksum signed", rawFile(`{"__metadata__":{"crc32c":"+0000000"},`+valid+"}", eight), "expected 8 hexadecimal digits"},
		{"checksum mismatch", rawFile(`{"__metadata__":{"crc32c":"00000000"},`+valid+"}", eight), "checksum mismatch"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Decode(tc.file)
			requireErrorContains(t, err, tc.want)
			if f != nil {
				t.Errorf("Decode returned a File along with error %v", err)
			}
			if !strings.HasPrefix(err.Error(), "safetensors: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestDecodeChecksumMismatchIsErrChecksum(t *testing.T) {
	file := rawFile(`{"__metadata__":{"crc32c":"00000000"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, floatBytes(1))
	_, err := Decode(file)
	if !errors.Is(err, ErrChecksum) {
		t.Errorf("error = %v, want ErrChecksum", err)
	}
}

func TestDecodeWithoutChecksum(t *testing.T) {
	// Tensors listed in the header in another order than their data, as
	// other writers may lay them out, with space padding and no metadata.
	header := `{"z":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]},` +
		`"e":{"dtype":"F32","shape":[0,268435456],"data_offsets":[4,4]},` +
		`"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}    `
	f, err := Decode(rawFile(header, floatBytes(5, 6, 7)))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}

	if got, want := f.Names(), []string{"z", "e", "a"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want header order %v", got, want)
	}
	if len(f.Metadata) != 0 {
		t.Errorf("Metadata = %v, want empty", f.Metadata)
	}
	z, _ := f.Get("z")
	if !slices.Equal(z.Data, []float32{6, 7}) {
		t.Errorf("z data = %v, want [6 7]", z.Data)
	}
	a, _ := f.Get("a")
	if len(a.Shape) != 0 || !slices.Equal(a.Data, []float32{5}) {
		t.Errorf("scalar a = %v %v, want [] [5]", a.Shape, a.Data)
	}
	e, _ := f.Get("e")
	if len(e.Data) != 0 {
		t.Errorf("zero-size e has %d elements", len(e.Data))
	}
	if got := f.Tensors(); len(got) != 3 || got[0].Name != "z" {
		t.Errorf("Tensors() = %v, want 3 tensors starting with z", got)
	}
}

func TestDecodeCopiesData(t *testing.T) {
	file := rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, floatBytes(3))
	f, err := Decode(file)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	clear(file)
	a, _ := f.Get("a")
	if a.Data[0] != 3 {
		t.Errorf("tensor data changed to %v after the input was cleared", a.Data[0])
	}
}
