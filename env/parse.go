package env

import (
	"errors"
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

// Calendar times outside [earliestTime, latestTime) are rejected as
// implausible for price data. The bounds catch time stamps in the wrong
// unit, such as Unix milliseconds read as seconds, which would otherwise
// load as dates tens of thousands of years ahead and distort the detected
// bar frequency.
var (
	earliestTime = time.Date(1900, time.January, 1, 0, 0, 0, 0, time.UTC)
	latestTime   = time.Date(2200, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// timeRangeText describes the accepted range in error messages.
const timeRangeText = "from 1900-01-01 to 2199-12-31"

func isPlausibleTime(t time.Time) bool {
	return !t.Before(earliestTime) && t.Before(latestTime)
}

// checkDate rejects a parsed CSV date outside the accepted range.
func checkDate(file string, line int, column, text string, t time.Time) error {
	if isPlausibleTime(t) {
		return nil
	}
	return dataErrorf(file, line, column, text, "date is outside the accepted range %s", timeRangeText)
}

// unixTimeUnits are the finer units that JSON time stamps are often
// written in by mistake, with the factor to seconds.
var unixTimeUnits = [...]struct {
	name    string
	perUnit int64
}{{"milliseconds", 1e3}, {"microseconds", 1e6}, {"nanoseconds", 1e9}}

// checkUnixSeconds rejects a Unix time in seconds outside the accepted
// range. The error names the first finer unit in which the value would be
// a date in range, if there is one.
func checkUnixSeconds(file string, line int, column, text string, seconds int64) error {
	if seconds >= earliestTime.Unix() && seconds < latestTime.Unix() {
		return nil
	}
	reason := fmt.Sprintf("as Unix seconds this is outside the accepted range %s", timeRangeText)
	// Years are shown only where time.Time represents them exactly.
	if math.Abs(float64(seconds)) < 1e15 {
		reason += fmt.Sprintf(" (year %d)", time.Unix(seconds, 0).UTC().Year())
	}
	for _, unit := range unixTimeUnits {
		t := time.Unix(seconds/unit.perUnit, 0).UTC()
		if isPlausibleTime(t) {
			reason += fmt.Sprintf("; it looks like Unix %s (%s), so divide the values by %d",
				unit.name, t.Format(time.RFC3339), unit.perUnit)
			break
		}
	}
	return dataErrorf(file, line, column, text, "%s; t must hold Unix seconds", reason)
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
	v, err := strconv.ParseFloat(text, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, dataErrorf(file, line, column, text, "expected a number")
	case math.IsInf(v, 0) || math.IsNaN(v):
		return 0, dataErrorf(file, line, column, text, "expected a finite positive price")
	case v <= 0:
		return 0, dataErrorf(file, line, column, text, "expected a positive price")
	}
	return v, nil
}

// parseVolume parses a volume field, which must be a non-negative finite number.
func parseVolume(file string, line int, column, text string) (float64, error) {
	v, err := strconv.ParseFloat(text, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, dataErrorf(file, line, column, text, "expected a number")
	case math.IsInf(v, 0) || math.IsNaN(v):
		return 0, dataErrorf(file, line, column, text, "expected a finite non-negative volume")
	case v < 0:
		return 0, dataErrorf(file, line, column, text, "expected a non-negative volume")
	}
	return v, nil
}

func nullValueError(file string, line int, column, text string) error {
	what := "missing value"
	if text == "" {
		what = "missing value (empty field)"
	}
	return dataErrorf(file, line, column, text,
		"%s; remove the row or set LoadOptions.SkipNullRows to skip rows with null, NaN or empty values", what)
}

func checkHighLow(file string, line int, high, low float64) error {
	if high < low {
		return dataErrorf(file, line, "High", strconv.FormatFloat(high, 'g', -1, 64),
			"High is below Low %v", low)
	}
	return nil
}

// barRangeTolerance is the relative amount by which Open or Close may lie
// outside [Low, High] before a bar is rejected, so that prices rounded to a
// few decimals in the source still pass.
const barRangeTolerance = 1e-9

// outsideBarRange reports whether price lies outside [low, high] by more
// than barRangeTolerance. Prices are positive, so the bounds scale safely.
func outsideBarRange(price, high, low float64) bool {
	return price < low*(1-barRangeTolerance) || price > high*(1+barRangeTolerance)
}

// checkOpenClose checks that Open and Close of a CSV row lie within
// [Low, High]. Call it after checkHighLow.
func checkOpenClose(file string, line int, open, high, low, close float64) error {
	for _, p := range [...]struct {
		name  string
		value float64
	}{{"Open", open}, {"Close", close}} {
		if outsideBarRange(p.value, high, low) {
			return dataErrorf(file, line, p.name, strconv.FormatFloat(p.value, 'g', -1, 64),
				"%s is outside the bar's range from Low %v to High %v", p.name, low, high)
		}
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
