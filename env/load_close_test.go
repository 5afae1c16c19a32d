package env

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// dailyCloseRows returns n rows "date,price" for consecutive days from 2020-01-01.
func dailyCloseRows(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%s,%v\n", time.Date(2020, 1, 1+i, 0, 0, 0, 0, time.UTC).Format("2006-01-02"), 50+i)
	}
	return b.String()
}

// decimalYearRows returns n rows "index,time,A,B" in the layout of R's
// EuStockMarkets export, with Time in steps of 1/260 year.
func decimalYearRows(n int) string {
	var b strings.Builder
	b.WriteString("Index,Time,A,B\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,%.6f,%v,%v\n", i+1, 1991.496154+float64(i)/260, 1000+i, 2000-i)
	}
	return b.String()
}

func TestLoadCloseCSVDecimalYears(t *testing.T) {
	s, err := LoadCloseCSV(writeFile(t, "eu.csv", decimalYearRows(300)), "B", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 300 || s.HasOHLCV || !s.SyntheticTimes {
		t.Fatalf("Len %d HasOHLCV %v SyntheticTimes %v", s.Len(), s.HasOHLCV, s.SyntheticTimes)
	}
	if s.Close[0] != 2000 || s.Close[299] != 1701 || s.Open != nil || s.Volume != nil {
		t.Errorf("closes %v .. %v, Open %v", s.Close[0], s.Close[299], s.Open)
	}
	if s.Name != "eu:B" {
		t.Errorf("Name = %q, expected eu:B", s.Name)
	}
	if s.PeriodsPerYear != BusinessDaysPerYear {
		t.Errorf("PeriodsPerYear = %v, expected %d from steps of 1/260 year", s.PeriodsPerYear, BusinessDaysPerYear)
	}
	if s.Times[0].Year() != 1991 || s.Times[0].Month() != time.July {
		t.Errorf("Times[0] = %v, expected early July 1991", s.Times[0])
	}
}

func TestLoadCloseCSVDates(t *testing.T) {
	content := "Date,Price,Other\n" + strings.ReplaceAll(dailyCloseRows(40), "\n", ",1\n")
	s, err := LoadCloseCSV(writeFile(t, "p.csv", content), "price", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.SyntheticTimes || s.Close[1] != 51 || !s.Times[1].Equal(time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("SyntheticTimes %v, bar 1 = %v at %v", s.SyntheticTimes, s.Close[1], s.Times[1])
	}
}

func TestLoadCloseCSVErrors(t *testing.T) {
	base := decimalYearRows(40)
	replaceLine := func(line int, text string) string {
		lines := strings.Split(base, "\n")
		lines[line-1] = text
		return strings.Join(lines, "\n")
	}
	cases := []struct {
		name      string
		content   string
		column    string
		opts      LoadOptions
		line      int
		fragments []string
	}{
		{"missing column", base, "DAX", LoadOptions{}, 1,
			[]string{`column "DAX" not found`, "available columns: Index, Time, A, B"}},
		{"missing time column", "Index,A\n1,5\n", "A", LoadOptions{}, 1,
			[]string{"no Date or Time column", "TimeColumn", "available columns: Index, A"}},
		{"named time column missing", base, "A", LoadOptions{TimeColumn: "When"}, 1,
			[]string{`column "When" not found`}},
		{"null price", replaceLine(7, "6,1991.515385,null,1995"), "A", LoadOptions{}, 7,
			[]string{"eu.csv:7", "A", `"null"`, "SkipNullRows"}},
		{"zero price", replaceLine(7, "6,1991.515385,0,1995"), "A", LoadOptions{}, 7,
			[]string{"A", `"0"`, "positive price"}},
		{"bad decimal year", replaceLine(9, "8,19x1.5,1007,1993"), "A", LoadOptions{}, 9,
			[]string{"Time", `"19x1.5"`, "decimal year"}},
		{"date after decimal years", replaceLine(9, "8,2020-01-01,1007,1993"), "A", LoadOptions{}, 9,
			[]string{`"2020-01-01"`, "decimal year"}},
		{"repeated time", replaceLine(9, "8,1991.519231,1007,1993"), "A", LoadOptions{}, 9,
			[]string{"duplicates", "line 8"}},
		{"wrong field count", replaceLine(9, "8,1991.523077,1007"), "A", LoadOptions{}, 9,
			[]string{"3 fields, expected 4"}},
		{"too few rows", decimalYearRows(20), "A", LoadOptions{}, 0,
			[]string{"20 usable rows, need at least 31"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadCloseCSV(writeFile(t, "eu.csv", c.content), c.column, c.opts)
			requireDataError(t, err, c.line, c.fragments...)
		})
	}
}

func TestLoadCloseCSVBadDateAfterDates(t *testing.T) {
	content := "Date,Price\n" + dailyCloseRows(40)
	content = strings.Replace(content, "2020-01-05", "05/01/2020", 1)
	_, err := LoadCloseCSV(writeFile(t, "p.csv", content), "Price", LoadOptions{})
	requireDataError(t, err, 6, "Date", `"05/01/2020"`, "YYYY-MM-DD")
}

func TestLoadCloseCSVSkipNullRows(t *testing.T) {
	content := "Date,Price\n" + dailyCloseRows(40)
	content = strings.Replace(content, "2020-01-05,54", "2020-01-05,null", 1)
	s, err := LoadCloseCSV(writeFile(t, "p.csv", content), "Price", LoadOptions{SkipNullRows: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 39 || len(s.SkippedLines) != 1 || s.SkippedLines[0] != 6 {
		t.Errorf("Len %d, SkippedLines %v, expected 39 bars and line 6 skipped", s.Len(), s.SkippedLines)
	}
}

func TestLoadCloseCSVTimeRange(t *testing.T) {
	content := "Date,Price\n" + strings.Replace(dailyCloseRows(40), "2020-01-01", "1850-01-01", 1)
	_, err := LoadCloseCSV(writeFile(t, "p.csv", content), "Price", LoadOptions{})
	requireDataError(t, err, 2, "p.csv:2: Date", `"1850-01-01"`, "from 1900-01-01 to 2199-12-31")

	// Decimal years are not limited to 1900-2199: R numbers a series that
	// has no start date from year 1.
	var b strings.Builder
	b.WriteString("Time,Price\n")
	for i := range 40 {
		fmt.Fprintf(&b, "%d,%d\n", i+1, 100+i)
	}
	s, err := LoadCloseCSV(writeFile(t, "p.csv", b.String()), "Price", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !s.SyntheticTimes || s.Times[0].Year() != 1 {
		t.Errorf("SyntheticTimes %v, first time %v, expected synthetic year 1", s.SyntheticTimes, s.Times[0])
	}
}

func TestLoadCloseCSVMissingValues(t *testing.T) {
	// An empty field has no text to quote, so the reason names it.
	for value, fragment := range map[string]string{"null": `value "null"`, "": "(empty field)", "NaN": `value "NaN"`} {
		content := "Date,Price\n" + strings.Replace(dailyCloseRows(40), "2020-01-05,54", "2020-01-05,"+value, 1)
		path := writeFile(t, "p.csv", content)
		_, err := LoadCloseCSV(path, "Price", LoadOptions{})
		requireDataError(t, err, 6, "p.csv:6: Price", fragment, "set LoadOptions.SkipNullRows")

		s, err := LoadCloseCSV(path, "Price", LoadOptions{SkipNullRows: true})
		if err != nil {
			t.Fatalf("value %q with SkipNullRows: %v", value, err)
		}
		if s.Len() != 39 || len(s.SkippedLines) != 1 || s.SkippedLines[0] != 6 {
			t.Errorf("value %q: Len %d, SkippedLines %v, expected 39 bars and line 6", value, s.Len(), s.SkippedLines)
		}
	}

	content := "Date,Price\n" + strings.Replace(dailyCloseRows(40), "2020-01-05,54", "2020-01-05,abc", 1)
	_, err := LoadCloseCSV(writeFile(t, "p.csv", content), "Price", LoadOptions{SkipNullRows: true})
	requireDataError(t, err, 6, "Price", `"abc"`, "expected a number")
}
