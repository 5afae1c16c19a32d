package env

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// jsonArrays are the keys of the OHLCV JSON layout, in the order of
// time, open, high, low, close and volume.
var jsonArrays = [...]string{"t", "o", "h", "l", "c", "v"}

// jsonValue is one array element as written, with its end offset in the
// file for line numbers. A JSON null has null set and empty text.
type jsonValue struct {
	text   string
	offset int64
	null   bool
}

// LoadOHLCVJSON reads an object of equal-length arrays "t" (Unix seconds),
// "o", "h", "l", "c" and "v" as an OHLCV series with UTC times. Other keys
// are ignored. A missing array, arrays of different lengths, nulls (unless
// opts.SkipNullRows), non-numbers, times that are not Unix seconds from
// 1900 to 2199 (such as Unix milliseconds), and the checks of LoadYahooCSV
// are errors that name the file, array element and value. The line in an
// error is the line the element ends on, so in a file written on one line
// only the element index locates the value.
func LoadOHLCVJSON(path string, opts LoadOptions) (*Series, error) {
	f, err := openData(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadOHLCVJSON(f, path, opts)
}

// ReadOHLCVJSON is LoadOHLCVJSON for data from r; file names the input in
// errors and in Series.Source.
func ReadOHLCVJSON(r io.Reader, file string, opts LoadOptions) (*Series, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("env: read %s: %w", file, err)
	}
	lines := newLineIndex(data)
	arrays, err := decodeJSONArrays(data, lines, file)
	if err != nil {
		return nil, err
	}
	n := len(arrays["t"])
	for _, key := range jsonArrays {
		if len(arrays[key]) != n {
			return nil, &DataError{File: file, Reason: fmt.Sprintf(
				"arrays have different lengths (%s), expected equal lengths", jsonLengths(arrays))}
		}
	}
	s := &Series{Name: opts.Name, Source: file, HasOHLCV: true}
	if s.Name == "" {
		s.Name = baseName(file)
	}

	var elements []int // index in the arrays of each bar kept
	for i := range n {
		skip, err := checkJSONNulls(lines, file, arrays, i, opts)
		if err != nil {
			return nil, err
		}
		if skip {
			s.SkippedLines = append(s.SkippedLines, lines.line(arrays["t"][i].offset))
			continue
		}
		if err := appendJSONBar(s, lines, file, arrays, i); err != nil {
			return nil, err
		}
		elements = append(elements, i)
	}
	return finishSeries(s, jsonOrderError(s, lines, arrays, elements), opts)
}

// jsonOrderError returns the order error builder of finishSeries for a JSON
// file. It names array elements, because elements[i] is the index in the
// arrays of bar i once null rows are skipped, and a file written on one
// line has no line numbers to tell bars apart.
func jsonOrderError(s *Series, lines lineIndex, arrays map[string][]jsonValue, elements []int) func(i int, relation string) error {
	return func(i int, relation string) error {
		k, previous := elements[i], elements[i-1]
		v := arrays["t"][k]
		return dataErrorf(s.Source, lines.line(v.offset), elementName("t", k), v.text,
			"time %s %s t[%d] (%s); the values of t must be strictly increasing",
			s.Times[i].Format(time.RFC3339), relation, previous, s.Times[i-1].Format(time.RFC3339))
	}
}

func checkJSONNulls(lines lineIndex, file string, arrays map[string][]jsonValue, i int, opts LoadOptions) (skip bool, err error) {
	for _, key := range jsonArrays {
		v := arrays[key][i]
		if !v.null {
			continue
		}
		if opts.SkipNullRows {
			return true, nil
		}
		return false, dataErrorf(file, lines.line(v.offset), elementName(key, i), "null",
			"missing value; remove the bar or set LoadOptions.SkipNullRows to skip bars with null values")
	}
	return false, nil
}

func appendJSONBar(s *Series, lines lineIndex, file string, arrays map[string][]jsonValue, i int) error {
	tv := arrays["t"][i]
	seconds, ok := parseUnixSeconds(tv.text)
	if !ok {
		return dataErrorf(file, lines.line(tv.offset), elementName("t", i), tv.text, "expected whole Unix seconds")
	}
	if err := checkUnixSeconds(file, lines.line(tv.offset), elementName("t", i), tv.text, seconds); err != nil {
		return err
	}

	var values [5]float64
	for k, key := range jsonArrays[1:] {
		v := arrays[key][i]
		line := lines.line(v.offset)
		var err error
		if key == "v" {
			values[k], err = parseVolume(file, line, elementName(key, i), v.text)
		} else {
			values[k], err = parsePrice(file, line, elementName(key, i), v.text)
		}
		if err != nil {
			return err
		}
	}
	if err := checkJSONBarRange(lines, file, arrays, i, values); err != nil {
		return err
	}

	s.Times = append(s.Times, time.Unix(seconds, 0).UTC())
	s.Open = append(s.Open, values[0])
	s.High = append(s.High, values[1])
	s.Low = append(s.Low, values[2])
	s.Close = append(s.Close, values[3])
	s.Volume = append(s.Volume, values[4])
	return nil
}

// checkJSONBarRange checks that high is at least low and that open and
// close lie within [low, high]. Prices holds o, h, l, c and v of bar i.
func checkJSONBarRange(lines lineIndex, file string, arrays map[string][]jsonValue, i int, prices [5]float64) error {
	if prices[1] < prices[2] {
		return dataErrorf(file, lines.line(arrays["h"][i].offset), elementName("h", i), arrays["h"][i].text,
			"high is below low %s", arrays["l"][i].text)
	}
	for _, k := range [...]int{0, 3} {
		key := jsonArrays[k+1]
		if outsideBarRange(prices[k], prices[1], prices[2]) {
			v := arrays[key][i]
			return dataErrorf(file, lines.line(v.offset), elementName(key, i), v.text,
				"outside the bar's range from low %s to high %s", arrays["l"][i].text, arrays["h"][i].text)
		}
	}
	return nil
}

// decodeJSONArrays reads the top-level object and keeps the elements of
// the arrays named in jsonArrays, skipping every other key.
func decodeJSONArrays(data []byte, lines lineIndex, file string) (map[string][]jsonValue, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	syntaxError := func(err error) error {
		return &DataError{File: file, Line: lines.line(dec.InputOffset()), Reason: "invalid JSON: " + err.Error()}
	}
	if err := expectDelim(dec, '{'); err != nil {
		return nil, syntaxError(err)
	}
	arrays := make(map[string][]jsonValue, len(jsonArrays))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(err)
		}
		key, _ := tok.(string)
		if !isJSONArrayKey(key) {
			if err := skipJSONValue(dec); err != nil {
				return nil, syntaxError(err)
			}
			continue
		}
		if _, seen := arrays[key]; seen {
			return nil, &DataError{File: file, Line: lines.line(dec.InputOffset()), Column: key,
				Reason: "array appears twice, expected each key once"}
		}
		values, err := readJSONArray(dec, lines, file, key)
		if err != nil {
			return nil, err
		}
		arrays[key] = values
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, syntaxError(err)
	}
	var missing []string
	for _, key := range jsonArrays {
		if _, ok := arrays[key]; !ok {
			missing = append(missing, strconv.Quote(key))
		}
	}
	if len(missing) > 0 {
		return nil, &DataError{File: file, Reason: fmt.Sprintf(
			"missing arrays %s; expected an object with equal-length arrays \"t\", \"o\", \"h\", \"l\", \"c\", \"v\"",
			strings.Join(missing, ", "))}
	}
	return arrays, nil
}

func readJSONArray(dec *json.Decoder, lines lineIndex, file, key string) ([]jsonValue, error) {
	if err := expectDelim(dec, '['); err != nil {
		return nil, &DataError{File: file, Line: lines.line(dec.InputOffset()), Column: key,
			Reason: "expected an array of numbers: " + err.Error()}
	}
	var values []jsonValue
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, &DataError{File: file, Line: lines.line(dec.InputOffset()), Reason: "invalid JSON: " + err.Error()}
		}
		v := jsonValue{offset: dec.InputOffset()}
		switch tok := tok.(type) {
		case json.Number:
			v.text = tok.String()
		case nil:
			v.null = true
		default:
			return nil, dataErrorf(file, lines.line(v.offset), elementName(key, len(values)), fmt.Sprint(tok),
				"expected a number")
		}
		values = append(values, v)
	}
	if err := expectDelim(dec, ']'); err != nil {
		return nil, &DataError{File: file, Line: lines.line(dec.InputOffset()), Reason: "invalid JSON: " + err.Error()}
	}
	return values, nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("found %v, expected %q", tok, string(want))
	}
	return nil
}

// skipJSONValue consumes one value of any kind.
func skipJSONValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return io.ErrUnexpectedEOF
		}
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

func isJSONArrayKey(key string) bool {
	for _, k := range jsonArrays {
		if k == key {
			return true
		}
	}
	return false
}

// parseUnixSeconds accepts an integer, or a number with a zero fraction such as 1734953700.0.
func parseUnixSeconds(text string) (int64, bool) {
	if s, err := strconv.ParseInt(text, 10, 64); err == nil {
		return s, true
	}
	f, ok := parseFinite(text)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// lineIndex maps byte offsets in a file to 1-based line numbers.
type lineIndex []int64 // offsets of the newline characters, ascending

func newLineIndex(data []byte) lineIndex {
	var newlines lineIndex
	for i, b := range data {
		if b == '\n' {
			newlines = append(newlines, int64(i))
		}
	}
	return newlines
}

// line returns the line of the byte just before offset, which for the end
// offset of a token is the line the token ends on.
func (x lineIndex) line(offset int64) int {
	n, _ := slices.BinarySearch(x, offset-1)
	return 1 + n
}

func elementName(key string, i int) string { return key + "[" + strconv.Itoa(i) + "]" }

func jsonLengths(arrays map[string][]jsonValue) string {
	parts := make([]string, len(jsonArrays))
	for i, key := range jsonArrays {
		parts[i] = fmt.Sprintf("%s: %d", key, len(arrays[key]))
	}
	return strings.Join(parts, ", ")
}
