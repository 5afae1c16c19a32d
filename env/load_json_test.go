package env

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// ohlcvJSON returns n five-minute bars in the t/o/h/l/c/v layout, one
// value per line as an indenting encoder writes them, with array elements
// edited by the optional edit function (key, index, text).
func ohlcvJSON(n int, edit func(key string, i int, text string) string) string {
	var b strings.Builder
	b.WriteString("{\n")
	for k, key := range jsonArrays {
		fmt.Fprintf(&b, "    %q: [\n", key)
		for i := range n {
			var text string
			switch key {
			case "t":
				text = fmt.Sprint(1734953700 + 300*i)
			case "o":
				text = fmt.Sprint(100 + i)
			case "h":
				text = fmt.Sprint(102 + i)
			case "l":
				text = fmt.Sprint(99 + i)
			case "c":
				text = fmt.Sprint(101 + i)
			case "v":
				text = fmt.Sprint(i % 3 * 5)
			}
			if edit != nil {
				text = edit(key, i, text)
			}
			sep := ","
			if i == n-1 {
				sep = ""
			}
			fmt.Fprintf(&b, "        %s%s\n", text, sep)
		}
		sep := ","
		if k == len(jsonArrays)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    ]%s\n", sep)
	}
	b.WriteString("}\n")
	return b.String()
}

// jsonLine returns the 1-based line of element i of array k in ohlcvJSON(n, ...).
func jsonLine(n, k, i int) int { return 2 + k*(n+2) + 1 + i }

func TestLoadOHLCVJSONValid(t *testing.T) {
	s, err := LoadOHLCVJSON(writeFile(t, "bars.json", ohlcvJSON(40, nil)), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 40 || !s.HasOHLCV || s.Name != "bars" {
		t.Fatalf("Len %d, HasOHLCV %v, Name %q", s.Len(), s.HasOHLCV, s.Name)
	}
	if !s.Times[0].Equal(time.Unix(1734953700, 0)) || s.Times[0].Location() != time.UTC {
		t.Errorf("Times[0] = %v", s.Times[0])
	}
	if s.Open[1] != 101 || s.High[1] != 103 || s.Low[1] != 100 || s.Close[1] != 102 || s.Volume[1] != 5 {
		t.Errorf("bar 1 = O %v H %v L %v C %v V %v", s.Open[1], s.High[1], s.Low[1], s.Close[1], s.Volume[1])
	}
	if s.PeriodsPerYear != FiveMinuteBarsPerYear {
		t.Errorf("PeriodsPerYear = %v, expected %d", s.PeriodsPerYear, FiveMinuteBarsPerYear)
	}
}

func TestLoadOHLCVJSONExtraKeysAndCompactLayout(t *testing.T) {
	content := `{"s":"ok","meta":{"a":[1,{"b":null}]},"t":[` + joinInts(40, func(i int) int { return 1000 + 60*i }) +
		`],"o":[` + joinInts(40, func(int) int { return 5 }) + `],"h":[` + joinInts(40, func(int) int { return 6 }) +
		`],"l":[` + joinInts(40, func(int) int { return 4 }) + `],"c":[` + joinInts(40, func(int) int { return 5 }) +
		`],"v":[` + joinInts(40, func(int) int { return 0 }) + `]}`
	s, err := ReadOHLCVJSON(strings.NewReader(content), "inline.json", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 40 || s.PeriodsPerYear != CalendarDaysPerYear*24*60 {
		t.Errorf("Len %d, PeriodsPerYear %v for one-minute bars", s.Len(), s.PeriodsPerYear)
	}
}

func joinInts(n int, value func(int) int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprint(value(i))
	}
	return strings.Join(parts, ",")
}

func TestLoadOHLCVJSONErrors(t *testing.T) {
	const n = 40
	at := func(key string, i int, text string) func(string, int, string) string {
		return func(k string, j int, old string) string {
			if k == key && j == i {
				return text
			}
			return old
		}
	}
	cases := []struct {
		name      string
		edit      func(string, int, string) string
		line      int
		fragments []string
	}{
		{"null close", at("c", 7, "null"), jsonLine(n, 4, 7), []string{"c[7]", `"null"`, "SkipNullRows"}},
		{"zero price", at("o", 3, "0"), jsonLine(n, 1, 3), []string{"o[3]", `"0"`, "positive price"}},
		{"negative volume", at("v", 3, "-1"), jsonLine(n, 5, 3), []string{"v[3]", `"-1"`, "non-negative"}},
		{"string value", at("h", 2, `"12"`), jsonLine(n, 2, 2), []string{"h[2]", "expected a number"}},
		{"fractional time", at("t", 2, "1734954300.5"), jsonLine(n, 0, 2), []string{"t[2]", "1734954300.5", "Unix seconds"}},
		{"high below low", at("h", 9, "90"), jsonLine(n, 2, 9), []string{"h[9]", `"90"`, "below low 108"}},
		{"repeated time", at("t", 9, "1734956100"), jsonLine(n, 0, 9), []string{"t[9]", `"1734956100"`, "duplicates t[8] (2024-12-23T12:15:00Z)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadOHLCVJSON(writeFile(t, "bars.json", ohlcvJSON(n, c.edit)), LoadOptions{})
			requireDataError(t, err, c.line, append([]string{"bars.json"}, c.fragments...)...)
		})
	}
}

func TestLoadOHLCVJSONShapeErrors(t *testing.T) {
	cases := []struct {
		name      string
		content   string
		fragments []string
	}{
		{"different lengths", strings.Replace(ohlcvJSON(40, nil), "101,\n", "", 1),
			[]string{"different lengths", "t: 40", "o: 39"}},
		{"missing array", `{"t":[1,2],"o":[1,2],"h":[1,2],"l":[1,2],"c":[1,2]}`,
			[]string{`missing arrays "v"`}},
		{"not an object", `[1,2,3]`, []string{"invalid JSON"}},
		{"truncated", `{"t":[1,2`, []string{"invalid JSON"}},
		{"array is a number", `{"t":5}`, []string{"t", "expected an array"}},
		{"repeated key", `{"t":[1],"t":[2]}`, []string{"appears twice"}},
		{"empty", ``, []string{"invalid JSON"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadOHLCVJSON(strings.NewReader(c.content), "x.json", LoadOptions{})
			if err == nil {
				t.Fatal("no error")
			}
			for _, f := range append([]string{"x.json"}, c.fragments...) {
				if !strings.Contains(err.Error(), f) {
					t.Errorf("error %q does not contain %q", err, f)
				}
			}
		})
	}
}

func TestLoadOHLCVJSONSkipNullRows(t *testing.T) {
	content := ohlcvJSON(40, func(key string, i int, text string) string {
		if (key == "c" && i == 4) || (key == "v" && i == 30) {
			return "null"
		}
		return text
	})
	s, err := LoadOHLCVJSON(writeFile(t, "bars.json", content), LoadOptions{SkipNullRows: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 38 || len(s.SkippedLines) != 2 || s.SkippedLines[0] != jsonLine(40, 0, 4) {
		t.Errorf("Len %d, SkippedLines %v, expected 38 bars and lines of t[4], t[30]", s.Len(), s.SkippedLines)
	}
}

// compactJSON removes the line breaks and indentation of ohlcvJSON, giving
// the one-line layout that most programs write.
func compactJSON(indented string) string {
	return strings.NewReplacer("\n", "", " ", "").Replace(indented)
}

func TestLoadOHLCVJSONTimeUnits(t *testing.T) {
	scale := func(factor string) func(string, int, string) string {
		return func(key string, _ int, text string) string {
			if key == "t" {
				return text + factor
			}
			return text
		}
	}
	cases := []struct {
		name      string
		edit      func(string, int, string) string
		fragments []string
	}{
		{"milliseconds", scale("000"), []string{"t[0]", `value "1734953700000"`, "year 56948",
			"it looks like Unix milliseconds (2024-12-23T11:35:00Z), so divide the values by 1000", "t must hold Unix seconds"}},
		{"microseconds", scale("000000"), []string{"t[0]", "Unix microseconds (2024-12-23T11:35:00Z)"}},
		{"nanoseconds", scale("000000000"), []string{"t[0]", "Unix nanoseconds (2024-12-23T11:35:00Z)"}},
		{"before 1900", func(key string, i int, text string) string {
			if key == "t" {
				return fmt.Sprint(int64(-2208988801) + 60*int64(i))
			}
			return text
		}, []string{"t[0]", `"-2208988801"`, "from 1900-01-01 to 2199-12-31", "year 1899"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadOHLCVJSON(writeFile(t, "bars.json", ohlcvJSON(40, c.edit)), LoadOptions{})
			requireDataError(t, err, jsonLine(40, 0, 0), append([]string{"bars.json"}, c.fragments...)...)
		})
	}

	// A value that fits no unit gets no guess, and no year beyond what
	// time.Time represents.
	huge := func(key string, i int, text string) string {
		if key == "t" && i == 0 {
			return "9000000000000000000"
		}
		return text
	}
	_, err := LoadOHLCVJSON(writeFile(t, "bars.json", ohlcvJSON(40, huge)), LoadOptions{})
	de := requireDataError(t, err, jsonLine(40, 0, 0), "t[0]", "t must hold Unix seconds")
	if strings.Contains(de.Reason, "looks like") || strings.Contains(de.Reason, "year") {
		t.Errorf("reason %q guesses a unit or year for a value that fits none", de.Reason)
	}
}

func TestLoadOHLCVJSONTimeBounds(t *testing.T) {
	for _, first := range []int64{-2208988800, 7258118400 - 40*60} { // 1900-01-01 and 40 minutes before 2200
		content := ohlcvJSON(40, func(key string, i int, text string) string {
			if key == "t" {
				return fmt.Sprint(first + int64(60*i))
			}
			return text
		})
		if _, err := LoadOHLCVJSON(writeFile(t, "bars.json", content), LoadOptions{}); err != nil {
			t.Errorf("first time %d: %v", first, err)
		}
	}
}

func TestLoadOHLCVJSONOrderByElement(t *testing.T) {
	const n = 150
	swap := func(key string, i int, text string) string {
		switch {
		case key == "t" && i == 100:
			return fmt.Sprint(1734953700 + 300*101)
		case key == "t" && i == 101:
			return fmt.Sprint(1734953700 + 300*100)
		}
		return text
	}
	path := writeFile(t, "c_unsorted.json", compactJSON(ohlcvJSON(n, swap)))
	_, err := LoadOHLCVJSON(path, LoadOptions{})
	de := requireDataError(t, err, 1, "c_unsorted.json:1: t[101]", `value "1734983700"`,
		"time 2024-12-23T19:55:00Z is earlier than t[100] (2024-12-23T20:00:00Z)")
	if de.Column != "t[101]" {
		t.Errorf("Column = %q, expected t[101]", de.Column)
	}
	if strings.Contains(de.Reason, "line") {
		t.Errorf("reason %q refers to a line of a one-line JSON file", de.Reason)
	}

	// With a skipped element between them, the error names the elements
	// compared, not the positions among the kept bars.
	repeat := func(key string, i int, text string) string {
		switch {
		case key == "c" && i == 100:
			return "null"
		case key == "t" && i == 101:
			return fmt.Sprint(1734953700 + 300*99)
		}
		return text
	}
	_, err = LoadOHLCVJSON(writeFile(t, "bars.json", ohlcvJSON(n, repeat)), LoadOptions{SkipNullRows: true})
	requireDataError(t, err, jsonLine(n, 0, 101), "t[101]", "duplicates t[99]")
}

func TestLoadOHLCVJSONMissingValues(t *testing.T) {
	const n = 40
	nullVolume := func(key string, i int, text string) string {
		if key == "v" && i == 12 {
			return "null"
		}
		return text
	}
	path := writeFile(t, "bars.json", ohlcvJSON(n, nullVolume))
	_, err := LoadOHLCVJSON(path, LoadOptions{})
	requireDataError(t, err, jsonLine(n, 5, 12), "bars.json", "v[12]", `"null"`, "set LoadOptions.SkipNullRows")

	s, err := LoadOHLCVJSON(path, LoadOptions{SkipNullRows: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != n-1 || len(s.SkippedLines) != 1 || s.SkippedLines[0] != jsonLine(n, 0, 12) {
		t.Errorf("Len %d, SkippedLines %v, expected %d bars and the line of t[12]", s.Len(), s.SkippedLines, n-1)
	}

	// NaN is not valid JSON, so it is a syntax error whatever the option.
	nan := func(key string, i int, text string) string {
		if key == "c" && i == 3 {
			return "NaN"
		}
		return text
	}
	_, err = LoadOHLCVJSON(writeFile(t, "bars.json", ohlcvJSON(n, nan)), LoadOptions{SkipNullRows: true})
	requireDataError(t, err, jsonLine(n, 4, 3), "bars.json", "invalid JSON")
}

func TestLoadOHLCVJSONOpenCloseRange(t *testing.T) {
	// Bar 5 has o 105, h 107, l 104 and c 106.
	cases := []struct {
		name      string
		key       string
		value     string
		fragments []string
	}{
		{"close above high", "c", "107.5", []string{"c[5]", `"107.5"`, "outside the bar's range from low 104 to high 107"}},
		{"open below low", "o", "103", []string{"o[5]", `"103"`, "outside"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			content := ohlcvJSON(40, func(key string, i int, text string) string {
				if key == c.key && i == 5 {
					return c.value
				}
				return text
			})
			_, err := LoadOHLCVJSON(writeFile(t, "bars.json", content), LoadOptions{})
			requireDataError(t, err, jsonLine(40, slices.Index(jsonArrays[:], c.key), 5), c.fragments...)
		})
	}
}
