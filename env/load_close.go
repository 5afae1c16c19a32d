package env

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// LoadCloseCSV reads one price column of a CSV file as a close-only series,
// such as the DAX column of Index,Time,DAX,SMI,CAC,FTSE.
//
// The time column is opts.TimeColumn, else "Date", else "Time". It holds
// either dates as YYYY-MM-DD or decimal years such as 1991.496154, the form
// in which R writes time-series time stamps, and the first row decides which.
// Decimal years set Series.SyntheticTimes. Dates must fall from 1900 to
// 2199, but decimal years may be any year in [1, 10000), because R numbers
// a time series without a start date from year 1. The column is matched by
// name ignoring letter case,
// and a missing name is an error that lists the available columns. The other
// checks are those of LoadYahooCSV that apply to one price column.
func LoadCloseCSV(path, column string, opts LoadOptions) (*Series, error) {
	f, err := openData(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadCloseCSV(f, path, column, opts)
}

// ReadCloseCSV is LoadCloseCSV for data from r; file names the input in
// errors and in Series.Source.
func ReadCloseCSV(r io.Reader, file, column string, opts LoadOptions) (*Series, error) {
	table, err := newCSVTable(r, file)
	if err != nil {
		return nil, err
	}
	timeIndex, err := closeTimeColumn(file, table.header, opts.TimeColumn)
	if err != nil {
		return nil, err
	}
	priceIndex, err := columnIndex(file, table.header, column)
	if err != nil {
		return nil, err
	}
	s := &Series{Name: opts.Name, Source: file}
	if s.Name == "" {
		s.Name = baseName(file) + ":" + table.header[priceIndex]
	}
	var lines []int
	for {
		record, line, err := table.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		skip, err := checkNullFields(file, line, table.header, record, []int{timeIndex, priceIndex}, opts)
		if err != nil {
			return nil, err
		}
		if skip {
			s.SkippedLines = append(s.SkippedLines, line)
			continue
		}
		if len(lines) == 0 {
			_, isDate := parseDate(record[timeIndex])
			s.SyntheticTimes = !isDate
		}
		t, err := parseCloseTime(file, line, table.header[timeIndex], record[timeIndex], s.SyntheticTimes)
		if err != nil {
			return nil, err
		}
		price, err := parsePrice(file, line, table.header[priceIndex], record[priceIndex])
		if err != nil {
			return nil, err
		}
		s.Times = append(s.Times, t)
		s.Close = append(s.Close, price)
		lines = append(lines, line)
	}
	return finishSeries(s, csvOrderError(s, lines), opts)
}

func closeTimeColumn(file string, header []string, name string) (int, error) {
	if name != "" {
		return columnIndex(file, header, name)
	}
	for _, candidate := range [...]string{"Date", "Time"} {
		if i, err := columnIndex(file, header, candidate); err == nil {
			return i, nil
		}
	}
	return -1, &DataError{File: file, Line: 1, Reason: fmt.Sprintf(
		"no Date or Time column; set LoadOptions.TimeColumn to the column with dates or decimal years; available columns: %s",
		strings.Join(header, ", "))}
}

func parseCloseTime(file string, line int, column, text string, decimalYears bool) (time.Time, error) {
	if !decimalYears {
		t, ok := parseDate(text)
		if !ok {
			return time.Time{}, dataErrorf(file, line, column, text, "expected a date as YYYY-MM-DD, like the first row")
		}
		return t, checkDate(file, line, column, text, t)
	}
	y, ok := parseFinite(text)
	if ok {
		if t, err := DecimalYearTime(y); err == nil {
			return t, nil
		}
	}
	return time.Time{}, dataErrorf(file, line, column, text, "expected a decimal year such as 1991.496154, like the first row")
}
