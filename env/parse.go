package env

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// dateLayouts are the accepted date and time formats, tried in order.
var dateLayouts = [...]string{"2006-01-02", time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05"}

func parseDate(text string) (time.Time, bool) {
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, text); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// isNullField reports whether a field is one of the markers for a missing
// value: empty, "null" or "NaN" in any letter case.
func isNullField(text string) bool {
	return text == "" || strings.EqualFold(text, "null") || strings.EqualFold(text, "nan")
}

// parseFinite parses a decimal number and rejects NaN and infinities.
func parseFinite(text string) (float64, bool) {
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// DecimalYearTime converts a decimal year such as 1991.496154, the form of
// R's time-series time stamps, to the UTC instant that fraction of the way
// through that calendar year, rounded to the second. Close-only CSVs with
// decimal years get their Series.Times this way, so DecimalYearTime gives
// the argument for Series.SplitAt on such series. Years must be in [1, 10000).
func DecimalYearTime(y float64) (time.Time, error) {
	if !(y >= 1 && y < 10000) {
		return time.Time{}, fmt.Errorf("env: decimal year %v is out of range, expected [1, 10000)", y)
	}
	year := math.Floor(y)
	start := time.Date(int(year), time.January, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(1, 0, 0)
	offset := time.Duration((y - year) * float64(end.Sub(start)))
	return start.Add(offset).Round(time.Second), nil
}

func formatTime(t time.Time, synthetic bool) string {
	if synthetic {
		return t.Format(time.RFC3339)
	}
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format(time.RFC3339)
}

// parsePrice parses a price field, which must be a positive finite number.
func parsePrice(file string, line int, column, text string) (float64, error) {
	v, ok := parseFinite(text)
	if !ok || v <= 0 {
		return 0, dataErrorf(file, line, column, text, "expected a positive price")
	}
	return v, nil
}

// parseVolume parses a volume field, which must be a non-negative finite number.
func parseVolume(file string, line int, column, text string) (float64, error) {
	v, ok := parseFinite(text)
	if !ok || v < 0 {
		return 0, dataErrorf(file, line, column, text, "expected a non-negative volume")
	}
	return v, nil
}

func nullValueError(file string, line int, column, text string) error {
	return dataErrorf(file, line, column, text,
		"missing value; remove the row or set LoadOptions.SkipNullRows to skip rows with null or empty values")
}

func checkHighLow(file string, line int, high, low float64) error {
	if high < low {
		return dataErrorf(file, line, "High", strconv.FormatFloat(high, 'g', -1, 64),
			"High is below Low %v", low)
	}
	return nil
}

// columnIndex finds a header column by name, ignoring letter case and
// surrounding spaces, and lists the available columns when it is missing.
func columnIndex(file string, header []string, name string) (int, error) {
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(name)) {
			return i, nil
		}
	}
	return -1, &DataError{File: file, Line: 1, Reason: fmt.Sprintf(
		"column %q not found; available columns: %s", name, strings.Join(header, ", "))}
}
