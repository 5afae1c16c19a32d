package env

import (
	"strings"
	"testing"
)

func TestEmbeddedDAX(t *testing.T) {
	s, err := DAX()
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 1860 || s.HasOHLCV || !s.SyntheticTimes {
		t.Fatalf("Len %d, HasOHLCV %v, SyntheticTimes %v, expected 1860 synthetic-time closes", s.Len(), s.HasOHLCV, s.SyntheticTimes)
	}
	if s.Close[0] != 1628.75 || s.Close[1] != 1613.63 {
		t.Errorf("first closes %v, %v, expected 1628.75, 1613.63", s.Close[0], s.Close[1])
	}
	if s.PeriodsPerYear != 260 || s.Source != EmbeddedFile {
		t.Errorf("PeriodsPerYear %v, Source %q", s.PeriodsPerYear, s.Source)
	}
	detected, err := DetectPeriodsPerYear(s.Times)
	if err != nil || detected != 260 {
		t.Errorf("detected frequency %v (%v), expected 260 from steps of 1/260 year", detected, err)
	}
	norm, err := FitNormalizer(s)
	if err != nil {
		t.Fatal(err)
	}
	z, err := norm.Transform(s)
	if err != nil {
		t.Fatal(err)
	}
	checkFinite(t, "DAX features", z)
}

func TestEmbeddedColumns(t *testing.T) {
	for _, column := range EmbeddedColumns {
		s, err := Embedded(column)
		if err != nil || s.Len() != 1860 {
			t.Errorf("Embedded(%q): %v", column, err)
		}
	}
	_, err := Embedded("DJIA")
	if err == nil || !strings.Contains(err.Error(), "available columns: Index, Time, DAX, SMI, CAC, FTSE") {
		t.Errorf("unknown column: error %v", err)
	}
}

func TestSplitEuStockMatchesSixYears(t *testing.T) {
	s, err := DAX()
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := SplitEuStock(s)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 1560 || test.Len() != 300 {
		t.Fatalf("split %d / %d, expected 1560 / 300", train.Len(), test.Len())
	}
	boundary, err := DecimalYearTime(1997.496)
	if err != nil {
		t.Fatal(err)
	}
	byTime, _, err := s.SplitAt(boundary)
	if err != nil {
		t.Fatal(err)
	}
	if byTime.Len() != train.Len() {
		t.Errorf("SplitAt(Time 1997.496) gives %d training bars, SplitEuStock %d", byTime.Len(), train.Len())
	}
}
