package env

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// csvTable reads a CSV file with a header row, checking that every record
// has as many fields as the header. It accepts LF and CRLF line endings, a
// missing final newline and a UTF-8 byte order mark.
type csvTable struct {
	file   string
	reader *csv.Reader
	header []string
}

func newCSVTable(r io.Reader, file string) (*csvTable, error) {
	reader := csv.NewReader(r)
	reader.FieldsPerRecord = -1
	reader.ReuseRecord = true
	header, err := reader.Read()
	if errors.Is(err, io.EOF) {
		return nil, &DataError{File: file, Reason: "file is empty, expected a header row"}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	header = append([]string(nil), header...)
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	return &csvTable{file: file, reader: reader, header: header}, nil
}

// next returns the next record with its fields trimmed of spaces, and the
// record's 1-based line number. It returns io.EOF after the last record.
func (t *csvTable) next() ([]string, int, error) {
	record, err := t.reader.Read()
	if errors.Is(err, io.EOF) {
		return nil, 0, io.EOF
	}
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", t.file, err)
	}
	line, _ := t.reader.FieldPos(0)
	if len(record) != len(t.header) {
		return nil, line, &DataError{File: t.file, Line: line, Value: strings.Join(record, ","), Reason: fmt.Sprintf(
			"row has %d fields, expected %d to match the header %s", len(record), len(t.header), strings.Join(t.header, ","))}
	}
	for i := range record {
		record[i] = strings.TrimSpace(record[i])
	}
	return record, line, nil
}
