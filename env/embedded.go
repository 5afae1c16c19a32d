package env

import (
	"bytes"
	_ "embed"
	"fmt"
)

// eustockCSV is R's datasets::EuStockMarkets from R 4.2.2 as shipped by
// Debian's r-base-core package, exported with R's write.csv. Its columns are
// Index,Time,DAX,SMI,CAC,FTSE. The 1860 rows hold daily closing levels of
// Germany's DAX (Ibis), Switzerland's SMI, France's CAC and the UK's FTSE
// from mid-1991 to 1998, which Erste Bank AG, Vienna, provided to R.
// Weekends and holidays are omitted, and Time is a decimal year in steps of
// 1/260, not a calendar date.
//
//go:embed data/eustockmarkets_1991-1998.csv
var eustockCSV []byte

// EmbeddedFile is the name the embedded data carries in Series.Source.
const EmbeddedFile = "eustockmarkets_1991-1998.csv"

// EmbeddedColumns are the price columns of the embedded data set.
var EmbeddedColumns = []string{"DAX", "SMI", "CAC", "FTSE"}

// EuStockTrainRows is the number of bars in the default training span of
// the embedded data: the first six nominal years of 260 bars. These are the
// rows with Time below 1997.496, and the remaining 300 bars form the test span.
const EuStockTrainRows = 6 * BusinessDaysPerYear

// Embedded returns one column of the embedded EuStockMarkets data, such as
// "DAX", as a close-only series of 1860 bars with synthetic times from the
// decimal-year Time column and 260 bars per year.
func Embedded(column string) (*Series, error) {
	s, err := ReadCloseCSV(bytes.NewReader(eustockCSV), EmbeddedFile, column, LoadOptions{
		TimeColumn:     "Time",
		PeriodsPerYear: BusinessDaysPerYear,
		Name:           "EuStockMarkets " + column,
	})
	if err != nil {
		return nil, fmt.Errorf("env: embedded data: %w", err)
	}
	return s, nil
}

// DAX returns the DAX column of the embedded EuStockMarkets data, the
// default data set.
func DAX() (*Series, error) { return Embedded("DAX") }

// SplitEuStock splits a series of the embedded data into the default
// training span of EuStockTrainRows bars and the test span after it.
func SplitEuStock(s *Series) (train, test *Series, err error) {
	return s.SplitIndex(EuStockTrainRows)
}
