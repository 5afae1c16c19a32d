package safetensors

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// defaultFileMode is the mode of a new file before the process umask.
const defaultFileMode fs.FileMode = 0o644

// WriteFile saves tensors and metadata to path as Encode does, atomically.
//
// It writes a temporary file in the same directory, syncs it to disk,
// renames it over path and syncs the directory. If any step before the
// rename fails, WriteFile removes the temporary file and leaves an existing
// file at path unchanged. The new file keeps the permission bits of the file
// it replaces, or gets 0644 minus the umask. If path is a symbolic link, the
// link is replaced by a regular file.
func WriteFile(path string, tensors []Tensor, metadata map[string]string) error {
	return writeFile(path, tensors, metadata, nil)
}

// writeFile is WriteFile with an optional wrapper around the temporary
// file's writer, so that tests can make the write fail midway.
func writeFile(path string, tensors []Tensor, metadata map[string]string, wrap func(io.Writer) io.Writer) error {
	if err := writeFileAtomic(path, tensors, metadata, wrap); err != nil {
		return fmt.Errorf("safetensors: write %s: %w", path, err)
	}
	return nil
}

func writeFileAtomic(path string, tensors []Tensor, metadata map[string]string, wrap func(io.Writer) io.Writer) (err error) {
	mode := defaultFileMode
	keepMode := false
	info, err := os.Stat(path)
	switch {
	case err == nil:
		mode = info.Mode().Perm()
		keepMode = true
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}

	dir := filepath.Dir(path)
	tmp, err := createTemp(dir, filepath.Base(path), mode)
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	closed := false
	defer func() {
		if err == nil {
			return
		}
		if !closed {
			tmp.Close()
		}
		os.Remove(tmpName)
	}()

	var w io.Writer = tmp
	if wrap != nil {
		w = wrap(tmp)
	}
	if err := encode(w, tensors, metadata); err != nil {
		return err
	}
	// OpenFile applied the umask, so restore the replaced file's exact bits.
	if keepMode {
		if err := tmp.Chmod(mode); err != nil {
			return err
		}
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	closed = true
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmpName, path); err != nil {
		return err
	}
	if err := syncDir(dir); err != nil {
		// The new file is in place, but the rename may not survive a crash.
		return fmt.Errorf("file renamed, but syncing the directory failed, so the save may not survive a crash: %w", err)
	}
	return nil
}

// createTemp creates a new hidden file next to the target. Unlike
// os.CreateTemp it passes mode to open, so the umask applies.
func createTemp(dir, base string, mode fs.FileMode) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, fmt.Sprintf(".%s.tmp-%08x", base, rand.Uint32()))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("create temporary file in %s: 100 random names already exist", dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	syncErr := d.Sync()
	closeErr := d.Close()
	return errors.Join(syncErr, closeErr)
}

// ReadFile reads and decodes the safetensors file at path, as Decode does.
//
// It rejects files larger than maxBytes before reading them, and stops
// reading past maxBytes if the file grows meanwhile. maxBytes must be
// positive. Every error names path.
func ReadFile(path string, maxBytes int64) (*File, error) {
	f, err := readFile(path, maxBytes)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %s: %w", path, err)
	}
	return f, nil
}

func readFile(path string, maxBytes int64) (*File, error) {
	if maxBytes <= 0 {
		return nil, fmt.Errorf("maxBytes is %d, expected a positive limit", maxBytes)
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()

	info, err := file.Stat()
	if err != nil {
		return nil, err
	}
	if info.Size() > maxBytes {
		return nil, fmt.Errorf("file is %d bytes, more than the limit of %d bytes", info.Size(), maxBytes)
	}
	if info.Size() >= math.MaxInt {
		return nil, fmt.Errorf("file is %d bytes, too large to hold in memory", info.Size())
	}

	// Read one byte past the limit to detect a file that grew after Stat.
	limit := maxBytes
	if limit < math.MaxInt64 {
		limit++
	}
	var buf bytes.Buffer
	buf.Grow(int(info.Size()) + 1)
	if _, err := buf.ReadFrom(io.LimitReader(file, limit)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > maxBytes {
		return nil, fmt.Errorf("file grew to more than the limit of %d bytes while being read", maxBytes)
	}
	return decode(buf.Bytes())
}
