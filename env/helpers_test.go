package env

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeFile writes content to a new file in a temporary directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// yahooCSV returns a Yahoo-style CSV of n daily bars starting 2020-01-01,
// with rows edited by the optional edit function (row index, fields).
func yahooCSV(n int, edit func(i int, fields []string) []string) string {
	var b strings.Builder
	b.WriteString("Date,Open,High,Low,Close,Adj Close,Volume\n")
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		c := 100 + 10*math.Sin(float64(i)/5)
		fields := []string{
			day.AddDate(0, 0, i).Format("2006-01-02"),
			fmt.Sprintf("%.4f", c-0.5), fmt.Sprintf("%.4f", c+1), fmt.Sprintf("%.4f", c-1),
			fmt.Sprintf("%.4f", c), fmt.Sprintf("%.4f", c), fmt.Sprint(1000 + i),
		}
		if edit != nil {
			fields = edit(i, fields)
		}
		b.WriteString(strings.Join(fields, ",") + "\n")
	}
	return b.String()
}

// requireDataError checks that err is a *DataError at the given line whose
// message contains every fragment.
func requireDataError(t *testing.T, err error, line int, fragments ...string) *DataError {
	t.Helper()
	var de *DataError
	if !errors.As(err, &de) {
		t.Fatalf("error = %v, expected a *DataError", err)
	}
	if de.Line != line {
		t.Errorf("error line = %d, expected %d (error: %v)", de.Line, line, err)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not contain %q", err.Error(), f)
		}
	}
	return de
}

// closeSeries builds a valid close-only daily series from prices.
func closeSeries(prices ...float64) *Series {
	s := &Series{Name: "test", Close: prices, PeriodsPerYear: TradingDaysPerYear}
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range prices {
		s.Times = append(s.Times, day.AddDate(0, 0, i))
	}
	return s
}

// sharedData returns the path of a file in the shared data directory beside
// the checkout, skipping the test when that directory is absent.
func sharedData(t *testing.T, parts ...string) string {
	t.Helper()
	path := filepath.Join(append([]string{"..", "..", "shared"}, parts...)...)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("real data file %s is not available (expected the shared data directory beside the repository): %v", path, err)
	}
	return path
}
