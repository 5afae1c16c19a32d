package safetensors

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// headerEntry is one tensor's entry in the JSON header, not yet checked
// against the data section.
type headerEntry struct {
	name        string
	dtype       string
	shape       []int64
	begin, end  int64
	hasDtype    bool
	hasShape    bool
	hasOffsets  bool
	offsetCount int
}

// header is the parsed JSON header.
type header struct {
	metadata map[string]string
	entries  []headerEntry // in header order
}

// parseHeader parses the JSON header. It rejects invalid UTF-8, anything
// but one JSON object followed by space padding, duplicate keys at any
// level, and unknown fields in tensor entries. It does not check dtypes,
// shapes or offsets against the data.
func parseHeader(raw []byte) (*header, error) {
	if !utf8.Valid(raw) {
		return nil, errors.New("header is not valid UTF-8")
	}
	trimmed := bytes.TrimRight(raw, " ")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, errors.New("header does not start with '{', expected a JSON object")
	}

	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	h := &header{metadata: map[string]string{}}
	err := readObject(dec, "header", func(key string) error {
		if key == metadataKey {
			return readStringMap(dec, h.metadata)
		}
		entry, err := readEntry(dec, key)
		if err != nil {
			return err
		}
		h.entries = append(h.entries, entry)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if end := dec.InputOffset(); end != int64(len(trimmed)) {
		return nil, fmt.Errorf("header has unexpected bytes after the JSON object at offset %d, expected only space padding", end)
	}
	return h, nil
}

// readObject reads one JSON object from dec and calls readValue for each
// key, which must consume the key's value. Duplicate keys are rejected.
func readObject(dec *json.Decoder, label string, readValue func(key string) error) error {
	if err := expectDelim(dec, '{', label, "a JSON object"); err != nil {
		return err
	}
	seen := map[string]bool{}
	for dec.More() {
		token, err := nextToken(dec, label)
		if err != nil {
			return err
		}
		key, ok := token.(string)
		if !ok {
			return fmt.Errorf("%s has key %v, expected a string", label, token)
		}
		if seen[key] {
			return fmt.Errorf("%s has duplicate key %q", label, key)
		}
		seen[key] = true
		if err := readValue(key); err != nil {
			return err
		}
	}
	return expectDelim(dec, '}', label, "the end of a JSON object")
}

// readStringMap reads a JSON object of strings into m.
func readStringMap(dec *json.Decoder, m map[string]string) error {
	return readObject(dec, metadataKey, func(key string) error {
		value, err := readString(dec, fmt.Sprintf("%s value %q", metadataKey, key))
		if err != nil {
			return err
		}
		m[key] = value
		return nil
	})
}

// readEntry reads one tensor entry {"dtype", "shape", "data_offsets"}.
func readEntry(dec *json.Decoder, name string) (headerEntry, error) {
	entry := headerEntry{name: name}
	label := fmt.Sprintf("tensor %q", name)
	err := readObject(dec, label, func(key string) error {
		var err error
		switch key {
		case "dtype":
			entry.hasDtype = true
			entry.dtype, err = readString(dec, label+" dtype")
		case "shape":
			entry.hasShape = true
			entry.shape, err = readIntegers(dec, label+" shape")
		case "data_offsets":
			entry.hasOffsets = true
			var offsets []int64
			offsets, err = readIntegers(dec, label+" data_offsets")
			entry.offsetCount = len(offsets)
			if len(offsets) == 2 {
				entry.begin, entry.end = offsets[0], offsets[1]
			}
		default:
			err = fmt.Errorf("%s has unknown field %q, expected only dtype, shape and data_offsets", label, key)
		}
		return err
	})
	if err != nil {
		return headerEntry{}, err
	}
	switch {
	case !entry.hasDtype:
		return headerEntry{}, fmt.Errorf("%s is missing dtype", label)
	case !entry.hasShape:
		return headerEntry{}, fmt.Errorf("%s is missing shape", label)
	case !entry.hasOffsets:
		return headerEntry{}, fmt.Errorf("%s is missing data_offsets", label)
	case entry.offsetCount != 2:
		return headerEntry{}, fmt.Errorf("%s data_offsets has %d elements, expected [begin, end]", label, entry.offsetCount)
	}
	return entry, nil
}

func readString(dec *json.Decoder, label string) (string, error) {
	token, err := nextToken(dec, label)
	if err != nil {
		return "", err
	}
	s, ok := token.(string)
	if !ok {
		return "", fmt.Errorf("%s is %s, expected a string", label, describeToken(token))
	}
	return s, nil
}

// readIntegers reads a JSON array of integers. It accepts negative values
// so that the caller can report them with the tensor's context.
func readIntegers(dec *json.Decoder, label string) ([]int64, error) {
	if err := expectDelim(dec, '[', label, "an array of integers"); err != nil {
		return nil, err
	}
	values := []int64{}
	for dec.More() {
		token, err := nextToken(dec, label)
		if err != nil {
			return nil, err
		}
		number, ok := token.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%s element %d is %s, expected an integer", label, len(values), describeToken(token))
		}
		value, err := strconv.ParseInt(number.String(), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s element %d is %s, expected an integer within 64 bits", label, len(values), number)
		}
		values = append(values, value)
	}
	if err := expectDelim(dec, ']', label, "the end of an array"); err != nil {
		return nil, err
	}
	return values, nil
}

func expectDelim(dec *json.Decoder, delim json.Delim, label, expected string) error {
	token, err := nextToken(dec, label)
	if err != nil {
		return err
	}
	if d, ok := token.(json.Delim); !ok || d != delim {
		return fmt.Errorf("%s is %s, expected %s", label, describeToken(token), expected)
	}
	return nil
}

// nextToken wraps dec.Token so that syntax errors and a truncated header
// name the part of the header being read.
func nextToken(dec *json.Decoder, label string) (json.Token, error) {
	token, err := dec.Token()
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, fmt.Errorf("header is not valid JSON (reading %s): %w", label, err)
	}
	return token, nil
}

func describeToken(token json.Token) string {
	switch v := token.(type) {
	case nil:
		return "null"
	case json.Delim:
		return fmt.Sprintf("'%v'", v)
	case string:
		return strconv.Quote(v)
	default:
		return fmt.Sprintf("%v", v)
	}
}
