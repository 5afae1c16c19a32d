package safetensors

import (
	"bytes"
	"encoding/binary"
	"testing"
)

func FuzzDecode(f *testing.F) {
	var sample bytes.Buffer
	if err := Encode(&sample, sampleTensors(), map[string]string{"format": "deepq"}); err != nil {
		f.Fatal(err)
	}
	f.Add(sample.Bytes())
	f.Add(rawFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, floatBytes(1, 2)))
	f.Add(rawFile(`{"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}  `, floatBytes(1, 2)))
	f.Add(rawFile(`{}`, nil))
	f.Add(rawFile(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`, floatBytes(1, 2)))
	f.Add(rawFile(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, floatBytes(1)))
	f.Add(rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}`, floatBytes(1, 2)))
	f.Add(rawFile(`{"a":{"dtype":"F32","shape":[65536,65536,65536,65536],"data_offsets":[0,4]}}`, floatBytes(1)))
	f.Add(rawFile(`{"__metadata__":{"crc32c":"00000000"}}`, nil))
	f.Add(binary.LittleEndian.AppendUint64(nil, 1<<40))
	f.Add([]byte("not a safetensors file"))

	f.Fuzz(func(t *testing.T, data []byte) {
		decoded, err := Decode(data)
		if err != nil {
			return
		}
		for _, tensor := range decoded.Tensors() {
			count := 1
			for _, d := range tensor.Shape {
				count *= d
			}
			if count != len(tensor.Data) {
				t.Fatalf("tensor %q has shape %v but %d elements", tensor.Name, tensor.Shape, len(tensor.Data))
			}
		}

		// Whatever Decode accepts, Encode must write back and Decode must
		// read again with the same content.
		var again bytes.Buffer
		if err := Encode(&again, decoded.Tensors(), decoded.Metadata); err != nil {
			t.Fatalf("Encode of a decoded file: %v", err)
		}
		redecoded, err := Decode(again.Bytes())
		if err != nil {
			t.Fatalf("Decode of a re-encoded file: %v", err)
		}
		if redecoded.Len() != decoded.Len() {
			t.Fatalf("re-encoded file has %d tensors, want %d", redecoded.Len(), decoded.Len())
		}
		for _, tensor := range decoded.Tensors() {
			got, ok := redecoded.Get(tensor.Name)
			if !ok || !sameBits(got.Data, tensor.Data) {
				t.Fatalf("tensor %q changed after re-encoding", tensor.Name)
			}
		}
	})
}
