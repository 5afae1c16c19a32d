package env

import (
	"errors"
	"io"
)

// yahooColumns are the columns a Yahoo-style CSV must contain, in any order.
// "Adj Close" may be present and is not read.
var yahooColumns = [...]string{"Date", "Open", "High", "Low", "Close", "Volume"}

// LoadYahooCSV reads a Yahoo Finance style daily CSV with the header
// Date,Open,High,Low,Close,Adj Close,Volume. Columns are found by name, dates
// are YYYY-MM-DD (RFC 3339 date-times are accepted too), and Close is the
// price the environment trades at.
//
// Errors name the file, line, column and value: missing values (unless
// opts.SkipNullRows), non-numbers, non-positive prices, negative volume,
// High below Low, Open or Close outside [Low, High] by more than a relative
// 1e-9, unparsable dates, dates before 1900 or after 2199, dates out of
// order or repeated, rows with the wrong number of fields, and fewer than
// opts.MinRows rows.
func LoadYahooCSV(path string, opts LoadOptions) (*Series, error) {
	f, err := openData(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadYahooCSV(f, path, opts)
}

// ReadYahooCSV is LoadYahooCSV for data from r; file names the input in
// errors and in Series.Source.
func ReadYahooCSV(r io.Reader, file string, opts LoadOptions) (*Series, error) {
	table, err := newCSVTable(r, file)
	if err != nil {
		return nil, err
	}
	var index [len(yahooColumns)]int
	for i, name := range yahooColumns {
		if index[i], err = columnIndex(file, table.header, name); err != nil {
			return nil, err
		}
	}
	s := &Series{Name: opts.Name, Source: file, HasOHLCV: true}
	if s.Name == "" {
		s.Name = baseName(file)
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
		skip, err := checkNullFields(file, line, table.header, record, index[:], opts)
		if err != nil {
			return nil, err
		}
		if skip {
			s.SkippedLines = append(s.SkippedLines, line)
			continue
		}
		if err := appendYahooRow(s, file, line, record, index); err != nil {
			return nil, err
		}
		lines = append(lines, line)
	}
	return finishSeries(s, csvOrderError(s, lines), opts)
}

// checkNullFields reports whether a row with missing values should be
// skipped, or returns an error for it when skipping is not enabled.
func checkNullFields(file string, line int, header, record []string, used []int, opts LoadOptions) (skip bool, err error) {
	for _, i := range used {
		if !isNullField(record[i]) {
			continue
		}
		if opts.SkipNullRows {
			return true, nil
		}
		return false, nullValueError(file, line, header[i], record[i])
	}
	return false, nil
}

func appendYahooRow(s *Series, file string, line int, record []string, index [len(yahooColumns)]int) error {
	date, ok := parseDate(record[index[0]])
	if !ok {
		return dataErrorf(file, line, "Date", record[index[0]], "expected a date as YYYY-MM-DD")
	}
	if err := checkDate(file, line, "Date", record[index[0]], date); err != nil {
		return err
	}
	var values [4]float64
	for k := range values {
		v, err := parsePrice(file, line, yahooColumns[k+1], record[index[k+1]])
		if err != nil {
			return err
		}
		values[k] = v
	}
	volume, err := parseVolume(file, line, "Volume", record[index[5]])
	if err != nil {
		return err
	}
	if err := checkHighLow(file, line, values[1], values[2]); err != nil {
		return err
	}
	if err := checkOpenClose(file, line, values[0], values[1], values[2], values[3]); err != nil {
		return err
	}
	s.Times = append(s.Times, date)
	s.Open = append(s.Open, values[0])
	s.High = append(s.High, values[1])
	s.Low = append(s.Low, values[2])
	s.Close = append(s.Close, values[3])
	s.Volume = append(s.Volume, volume)
	return nil
}
