package env

import (
	"bytes"
	"testing"
)

// FuzzReadYahooCSV checks that arbitrary input gives a valid series or an
// error, never a panic.
func FuzzReadYahooCSV(f *testing.F) {
	f.Add([]byte(yahooCSV(3, nil)), true)
	f.Add([]byte("Date,Open,High,Low,Close,Volume\n2020-01-01,1,2,0.5,1,0\r\n2020-01-02,null,,,,\n"), false)
	f.Add([]byte("\ufeffDate,Close\n\"2020-01-01\",\"1\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, skipNulls bool) {
		s, err := ReadYahooCSV(bytes.NewReader(data), "fuzz.csv", LoadOptions{MinRows: 2, SkipNullRows: skipNulls})
		if err == nil {
			if verr := s.Validate(); verr != nil {
				t.Fatalf("loader returned an invalid series: %v", verr)
			}
		}
	})
}

// FuzzReadCloseCSV checks the close-only loader the same way.
func FuzzReadCloseCSV(f *testing.F) {
	f.Add([]byte(decimalYearRows(3)), "A")
	f.Add([]byte("Date,P\n2020-01-01,1\n2020-01-02,2\n"), "P")
	f.Add([]byte("Time,P\n1e308,1\n-1,2\n"), "P")
	f.Fuzz(func(t *testing.T, data []byte, column string) {
		s, err := ReadCloseCSV(bytes.NewReader(data), "fuzz.csv", column, LoadOptions{MinRows: 2})
		if err == nil {
			if verr := s.Validate(); verr != nil {
				t.Fatalf("loader returned an invalid series: %v", verr)
			}
		}
	})
}

// FuzzReadOHLCVJSON checks the JSON loader the same way.
func FuzzReadOHLCVJSON(f *testing.F) {
	f.Add([]byte(ohlcvJSON(3, nil)))
	f.Add([]byte(`{"x":{"y":[[],{}]},"t":[1,2],"o":[1,1],"h":[1,1],"l":[1,1],"c":[1,1],"v":[0,null]}`))
	f.Add([]byte(`{"t":[1e300,2],"o":[1,1],"h":[1,1],"l":[1,1],"c":[1,1],"v":[0,0]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ReadOHLCVJSON(bytes.NewReader(data), "fuzz.json", LoadOptions{MinRows: 2, SkipNullRows: len(data)%2 == 0})
		if err == nil {
			if verr := s.Validate(); verr != nil {
				t.Fatalf("loader returned an invalid series: %v", verr)
			}
		}
	})
}
