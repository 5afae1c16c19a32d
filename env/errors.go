package env

import (
	"fmt"
	"strconv"
)

// DataError reports a value in a data file that cannot be used.
// It names the file, the line, the column and the value as written.
type DataError struct {
	File   string // path or name of the input, as given to the loader
	Line   int    // 1-based line number in the file, for JSON the line the element ends on; 0 when no single line is at fault
	Column string // CSV column name, or JSON array element as "c[12]"; empty when the whole row is at fault
	Value  string // the offending text as written in the file; empty for an empty field
	Reason string // expected form of the value, or how to repair the input
}

func (e *DataError) Error() string {
	msg := e.File
	if e.Line > 0 {
		msg += ":" + strconv.Itoa(e.Line)
	}
	if e.Column != "" {
		msg += ": " + e.Column
	}
	if e.Value != "" {
		msg += ": value " + strconv.Quote(e.Value)
	}
	return msg + ": " + e.Reason
}

func dataErrorf(file string, line int, column, value, format string, args ...any) *DataError {
	return &DataError{File: file, Line: line, Column: column, Value: value, Reason: fmt.Sprintf(format, args...)}
}
