package env

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLoadYahooCSVValid(t *testing.T) {
	path := writeFile(t, "prices.csv", yahooCSV(40, nil))
	s, err := LoadYahooCSV(path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 40 || !s.HasOHLCV {
		t.Fatalf("Len = %d, HasOHLCV = %v, expected 40 bars with OHLCV", s.Len(), s.HasOHLCV)
	}
	if s.Name != "prices" || s.Source != path {
		t.Errorf("Name = %q, Source = %q", s.Name, s.Source)
	}
	if want := time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC); !s.Times[1].Equal(want) {
		t.Errorf("Times[1] = %v, expected %v", s.Times[1], want)
	}
	if s.Close[0] != 100 || s.High[0] != 101 || s.Low[0] != 99 || s.Open[0] != 99.5 || s.Volume[0] != 1000 {
		t.Errorf("bar 0 = O %v H %v L %v C %v V %v", s.Open[0], s.High[0], s.Low[0], s.Close[0], s.Volume[0])
	}
	if s.PeriodsPerYear != CalendarDaysPerYear {
		t.Errorf("PeriodsPerYear = %v for bars on every calendar day, expected %d", s.PeriodsPerYear, CalendarDaysPerYear)
	}
}

func TestLoadYahooCSVLineEndings(t *testing.T) {
	lf := yahooCSV(40, nil)
	cases := map[string]string{
		"no final newline": strings.TrimSuffix(lf, "\n"),
		"CRLF":             strings.ReplaceAll(lf, "\n", "\r\n"),
		"CRLF no final":    strings.TrimSuffix(strings.ReplaceAll(lf, "\n", "\r\n"), "\r\n"),
		"byte order mark":  "\ufeff" + lf,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			s, err := LoadYahooCSV(writeFile(t, "p.csv", content), LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if s.Len() != 40 || s.Close[39] == 0 {
				t.Errorf("Len = %d, last close %v", s.Len(), s.Close[39])
			}
		})
	}
}

func TestLoadYahooCSVColumnOrder(t *testing.T) {
	// Reorder the generated rows' fields to match a shuffled header.
	lines := strings.Split(strings.TrimSpace(yahooCSV(40, nil)), "\n")[1:]
	var b strings.Builder
	b.WriteString("Volume,Close,Low,High,Open,Date\n")
	for _, line := range lines {
		f := strings.Split(line, ",")
		b.WriteString(strings.Join([]string{f[6], f[4], f[3], f[2], f[1], f[0]}, ",") + "\n")
	}
	s, err := LoadYahooCSV(writeFile(t, "p.csv", b.String()), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Close[0] != 100 || s.Volume[0] != 1000 || s.Open[0] != 99.5 {
		t.Errorf("bar 0 = O %v C %v V %v", s.Open[0], s.Close[0], s.Volume[0])
	}
}

func TestLoadYahooCSVErrors(t *testing.T) {
	type edit = func(i int, f []string) []string
	at := func(row int, change func(f []string) []string) edit {
		return func(i int, f []string) []string {
			if i == row {
				return change(f)
			}
			return f
		}
	}
	cases := []struct {
		name      string
		edit      edit
		line      int // header is line 1, so row i is on line i+2
		fragments []string
	}{
		{"null row", at(5, func(f []string) []string { return []string{f[0], "null", "null", "null", "null", "null", "null"} }),
			7, []string{"p.csv:7", "Open", `"null"`, "SkipNullRows"}},
		{"empty field", at(6, func(f []string) []string { f[4] = ""; return f }),
			8, []string{"p.csv:8", "Close", "missing value"}},
		{"NaN close", at(6, func(f []string) []string { f[4] = "NaN"; return f }),
			8, []string{"Close", `"NaN"`}},
		{"zero price", at(3, func(f []string) []string { f[4] = "0"; return f }),
			5, []string{"p.csv:5", "Close", `"0"`, "expected a positive price"}},
		{"negative price", at(3, func(f []string) []string { f[3] = "-1.5"; return f }),
			5, []string{"Low", `"-1.5"`, "positive price"}},
		{"infinite price", at(3, func(f []string) []string { f[2] = "Inf"; return f }),
			5, []string{"High", `"Inf"`, "expected a finite positive price"}},
		{"overflowing price", at(3, func(f []string) []string { f[2] = "1e999"; return f }),
			5, []string{"High", `"1e999"`, "finite"}},
		{"text price", at(3, func(f []string) []string { f[1] = "abc"; return f }),
			5, []string{"Open", `"abc"`, "expected a number"}},
		{"text volume", at(3, func(f []string) []string { f[6] = "12k"; return f }),
			5, []string{"Volume", `"12k"`, "expected a number"}},
		{"negative volume", at(3, func(f []string) []string { f[6] = "-5"; return f }),
			5, []string{"Volume", `"-5"`, "non-negative"}},
		{"bad date", at(9, func(f []string) []string { f[0] = "2020-13-01"; return f }),
			11, []string{"p.csv:11", "Date", `"2020-13-01"`, "YYYY-MM-DD"}},
		{"unsorted", at(9, func(f []string) []string { f[0] = "2019-06-01"; return f }),
			11, []string{"p.csv:11", "2019-06-01", "earlier than", "line 10"}},
		{"duplicate", at(9, func(f []string) []string { f[0] = "2020-01-09"; return f }),
			11, []string{"2020-01-09", "duplicates", "line 10"}},
		{"too few fields", at(2, func(f []string) []string { return f[:5] }),
			4, []string{"p.csv:4", "5 fields, expected 7"}},
		{"too many fields", at(2, func(f []string) []string { return append(f, "x") }),
			4, []string{"8 fields, expected 7"}},
		{"high below low", at(4, func(f []string) []string { f[2], f[3] = "98", "99"; return f }),
			6, []string{"p.csv:6", "High", `"98"`, "below Low 99"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadYahooCSV(writeFile(t, "p.csv", yahooCSV(40, c.edit)), LoadOptions{})
			requireDataError(t, err, c.line, c.fragments...)
		})
	}
}

func TestLoadYahooCSVTooFewRows(t *testing.T) {
	_, err := LoadYahooCSV(writeFile(t, "p.csv", yahooCSV(30, nil)), LoadOptions{})
	requireDataError(t, err, 0, "p.csv", "30 usable rows, need at least 31")

	s, err := LoadYahooCSV(writeFile(t, "p.csv", yahooCSV(10, nil)), LoadOptions{MinRows: 10})
	if err != nil || s.Len() != 10 {
		t.Fatalf("MinRows 10: %v", err)
	}
}

func TestLoadYahooCSVMissingColumn(t *testing.T) {
	content := strings.Replace(yahooCSV(40, nil), "Volume", "Vol", 1)
	_, err := LoadYahooCSV(writeFile(t, "p.csv", content), LoadOptions{})
	requireDataError(t, err, 1, `column "Volume" not found`, "available columns: Date, Open, High, Low, Close, Adj Close, Vol")
}

func TestLoadYahooCSVEmptyAndMissingFile(t *testing.T) {
	_, err := LoadYahooCSV(writeFile(t, "p.csv", ""), LoadOptions{})
	requireDataError(t, err, 0, "p.csv", "empty")

	if _, err := LoadYahooCSV("/nonexistent/prices.csv", LoadOptions{}); err == nil ||
		!strings.Contains(err.Error(), "/nonexistent/prices.csv") {
		t.Errorf("missing file: error %v, expected one naming the path", err)
	}
}

func TestLoadYahooCSVSkipNullRows(t *testing.T) {
	content := yahooCSV(45, func(i int, f []string) []string {
		switch i {
		case 3, 17:
			return []string{f[0], "null", "null", "null", "null", "null", "null"}
		case 20:
			f[6] = ""
		}
		return f
	})
	s, err := LoadYahooCSV(writeFile(t, "p.csv", content), LoadOptions{SkipNullRows: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 42 {
		t.Errorf("Len = %d, expected 45 rows minus 3 skipped", s.Len())
	}
	if want := []int{5, 19, 22}; !slices.Equal(s.SkippedLines, want) {
		t.Errorf("SkippedLines = %v, expected %v", s.SkippedLines, want)
	}

	// A bad value that is not a null marker is still an error.
	content = yahooCSV(40, func(i int, f []string) []string {
		if i == 4 {
			f[4] = "-3"
		}
		return f
	})
	_, err = LoadYahooCSV(writeFile(t, "p.csv", content), LoadOptions{SkipNullRows: true})
	requireDataError(t, err, 6, "Close", `"-3"`)
}

func TestLoadDispatch(t *testing.T) {
	s, err := Load(writeFile(t, "p.csv", yahooCSV(40, nil)), LoadOptions{})
	if err != nil || !s.HasOHLCV {
		t.Fatalf("Yahoo CSV: %v", err)
	}
	s, err = Load(writeFile(t, "p.csv", "Date,Price\n"+dailyCloseRows(40)), LoadOptions{Column: "Price"})
	if err != nil || s.HasOHLCV {
		t.Fatalf("close-only CSV: %v", err)
	}
	s, err = Load(writeFile(t, "p.json", ohlcvJSON(40, nil)), LoadOptions{})
	if err != nil || !s.HasOHLCV {
		t.Fatalf("JSON: %v", err)
	}
}

// TestLoadYahooCSVMissingValues covers each kind of missing value: by
// default it is an error that names the cell and the option, and with
// SkipNullRows the row is dropped and its line recorded.
func TestLoadYahooCSVMissingValues(t *testing.T) {
	cases := []struct {
		name      string
		change    func(f []string) []string
		fragments []string
	}{
		{"null row", func(f []string) []string { return []string{f[0], "null", "null", "null", "null", "null", "null"} },
			[]string{"p.csv:12: Open", `value "null"`, "missing value"}},
		{"empty close", func(f []string) []string { f[4] = ""; return f },
			[]string{"p.csv:12: Close", "missing value (empty field)"}},
		{"null volume", func(f []string) []string { f[6] = "null"; return f },
			[]string{"p.csv:12: Volume", `value "null"`}},
		{"NaN close", func(f []string) []string { f[4] = "NaN"; return f },
			[]string{"p.csv:12: Close", `value "NaN"`}},
		{"lower-case nan", func(f []string) []string { f[2] = "nan"; return f },
			[]string{"p.csv:12: High", `value "nan"`}},
	}
	for _, c := range cases {
		edit := func(i int, f []string) []string {
			if i == 10 {
				return c.change(f)
			}
			return f
		}
		path := writeFile(t, "p.csv", yahooCSV(40, edit))
		t.Run(c.name+" default", func(t *testing.T) {
			_, err := LoadYahooCSV(path, LoadOptions{})
			requireDataError(t, err, 12, append(c.fragments, "set LoadOptions.SkipNullRows")...)
		})
		t.Run(c.name+" skipped", func(t *testing.T) {
			s, err := LoadYahooCSV(path, LoadOptions{SkipNullRows: true})
			if err != nil {
				t.Fatal(err)
			}
			if s.Len() != 39 {
				t.Errorf("Len = %d, expected 39", s.Len())
			}
			if !slices.Equal(s.SkippedLines, []int{12}) {
				t.Errorf("SkippedLines = %v, expected [12]", s.SkippedLines)
			}
		})
	}
}

func TestLoadYahooCSVOpenCloseRange(t *testing.T) {
	// Row 4 of yahooCSV has Low 106.1736, High 108.1736 and Close 107.1736.
	cases := []struct {
		name      string
		column    int
		value     string
		fragments []string
	}{
		{"close above high", 4, "108.5", []string{"p.csv:6: Close", `"108.5"`, "outside the bar's range from Low 106.1736 to High 108.1736"}},
		{"close below low", 4, "106", []string{"Close", `"106"`, "outside"}},
		{"open above high", 1, "108.2", []string{"p.csv:6: Open", `"108.2"`, "outside"}},
		{"open below low", 1, "106.1", []string{"Open", `"106.1"`, "outside"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			content := yahooCSV(40, func(i int, f []string) []string {
				if i == 4 {
					f[c.column] = c.value
				}
				return f
			})
			_, err := LoadYahooCSV(writeFile(t, "p.csv", content), LoadOptions{SkipNullRows: true})
			requireDataError(t, err, 6, c.fragments...)
		})
	}

	// Open and Close on the bounds, or beyond them by rounding, are accepted.
	content := yahooCSV(40, func(i int, f []string) []string {
		switch i {
		case 4:
			f[1], f[4] = f[3], f[2]
		case 5:
			f[1], f[2], f[3], f[4] = "100.00000000001", "100", "99", "98.9999999999"
		}
		return f
	})
	if _, err := LoadYahooCSV(writeFile(t, "p.csv", content), LoadOptions{}); err != nil {
		t.Errorf("prices on or within 1e-9 of the bar's range: %v", err)
	}
}

func TestLoadYahooCSVDateRange(t *testing.T) {
	cases := []struct {
		name  string
		first string
		ok    bool
	}{
		{"1899", "1899-12-31", false},
		{"1900", "1900-01-01", true},
		{"2199", "2199-11-01", true},
		{"2200", "2200-01-01", false},
		{"year 9999", "9999-01-01", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start, _ := time.Parse(time.DateOnly, c.first)
			content := yahooCSV(40, func(i int, f []string) []string {
				f[0] = start.AddDate(0, 0, i).Format(time.DateOnly)
				return f
			})
			_, err := LoadYahooCSV(writeFile(t, "p.csv", content), LoadOptions{})
			if c.ok {
				if err != nil {
					t.Errorf("date %s: %v", c.first, err)
				}
				return
			}
			requireDataError(t, err, 2, "p.csv:2: Date", strconv.Quote(c.first), "from 1900-01-01 to 2199-12-31")
		})
	}
}
