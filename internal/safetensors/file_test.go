package safetensors

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const testMaxBytes = 1 << 20

// failingWriter passes the first limit bytes to w and then fails.
type failingWriter struct {
	w     io.Writer
	limit int
}

var errInjected = errors.New("injected write failure")

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) <= f.limit {
		f.limit -= len(p)
		return f.w.Write(p)
	}
	n, err := f.w.Write(p[:f.limit])
	f.limit = 0
	if err != nil {
		return n, err
	}
	return n, errInjected
}

func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("ReadDir: %v", err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileReadFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := WriteFile(path, sampleTensors(), map[string]string{"arch": "lstm"}); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}

	f, err := ReadFile(path, testMaxBytes)
	if err != nil {
		t.Fatalf("ReadFile: %v", err)
	}
	if got := f.Metadata["arch"]; got != "lstm" {
		t.Errorf(`Metadata["arch"] = %q, want "lstm"`, got)
	}
	w, ok := f.Get("w")
	if !ok {
		t.Fatal(`tensor "w" missing`)
	}
	if !sameBits(w.Data, sampleTensors()[0].Data) {
		t.Errorf("w data = %v, want %v", w.Data, sampleTensors()[0].Data)
	}

	onDisk, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var encoded bytes.Buffer
	if err := Encode(&encoded, sampleTensors(), map[string]string{"arch": "lstm"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(onDisk, encoded.Bytes()) {
		t.Error("WriteFile output differs from Encode output")
	}
}

func TestWriteFileNewFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := WriteFile(path, sampleTensors(), nil); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm&^0o644 != 0 || perm&0o600 != 0o600 {
		t.Errorf("new file mode = %v, want 0644 minus the umask", perm)
	}
}

func TestWriteFileKeepsExistingMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, sampleTensors(), nil); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o640 {
		t.Errorf("mode after overwrite = %v, want 0640", perm)
	}
}

func TestWriteFileFailureKeepsOldFile(t *testing.T) {
	full := encodeSample(t)
	// Fail inside the length prefix, the header and the data section.
	for _, limit := range []int{0, 5, 40, len(full) - 4} {
		dir := t.TempDir()
		path := filepath.Join(dir, "model.safetensors")
		old := []byte("previous model")
		if err := os.WriteFile(path, old, 0o644); err != nil {
			t.Fatal(err)
		}

		wrap := func(w io.Writer) io.Writer { return &failingWriter{w: w, limit: limit} }
		err := writeFile(path, sampleTensors(), map[string]string{"format": "deepq"}, wrap)
		if !errors.Is(err, errInjected) {
			t.Errorf("limit %d: error = %v, want the injected failure", limit, err)
		}
		if err != nil && !strings.Contains(err.Error(), path) {
			t.Errorf("limit %d: error %q does not name the path", limit, err)
		}

		got, readErr := os.ReadFile(path)
		if readErr != nil {
			t.Fatal(readErr)
		}
		if !bytes.Equal(got, old) {
			t.Errorf("limit %d: file content = %q, want the old content", limit, got)
		}
		if names := dirEntries(t, dir); !slices.Equal(names, []string{"model.safetensors"}) {
			t.Errorf("limit %d: directory contains %v, want only the target", limit, names)
		}
	}
}

func TestWriteFileInvalidTensorKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	if err := WriteFile(path, sampleTensors(), nil); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)

	bad := []Tensor{{Name: "w", Shape: []int{3}, Data: []float32{1}}}
	requireErrorContains(t, WriteFile(path, bad, nil), "len(Data) is 1")

	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("a rejected save changed the existing file")
	}
	if names := dirEntries(t, dir); len(names) != 1 {
		t.Errorf("directory contains %v, want only the target", names)
	}
}

func TestWriteFileOntoDirectory(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "model.safetensors")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(target, sampleTensors(), nil); err == nil {
		t.Fatal("WriteFile over a directory succeeded, expected an error")
	}
	if names := dirEntries(t, dir); !slices.Equal(names, []string{"model.safetensors"}) {
		t.Errorf("directory contains %v, want no temporary file", names)
	}
}

func TestWriteFileMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-dir", "model.safetensors")
	err := WriteFile(path, sampleTensors(), nil)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error = %v, want a not-exist error", err)
	}
}

func TestReadFileRejectsLargeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := WriteFile(path, sampleTensors(), nil); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(path)

	_, err := ReadFile(path, info.Size()-1)
	requireErrorContains(t, err, "more than the limit")
	requireErrorContains(t, err, path)

	if _, err := ReadFile(path, info.Size()); err != nil {
		t.Errorf("ReadFile with maxBytes equal to the size: %v", err)
	}
}

func TestReadFileNonPositiveLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.safetensors")
	for _, limit := range []int64{0, -1} {
		_, err := ReadFile(path, limit)
		requireErrorContains(t, err, "expected a positive limit")
	}
}

func TestReadFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.safetensors")
	_, err := ReadFile(path, testMaxBytes)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error = %v, want a not-exist error", err)
	}
	requireErrorContains(t, err, path)
}

func TestReadFileCorruptNamesPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.safetensors")
	data := encodeSample(t)
	data[len(data)-1] ^= 0x01
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(path, testMaxBytes)
	if !errors.Is(err, ErrChecksum) {
		t.Errorf("error = %v, want ErrChecksum", err)
	}
	requireErrorContains(t, err, "safetensors: "+path+": ")
}
