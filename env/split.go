package env

import (
	"fmt"
	"math"
	"time"
)

// SplitIndex returns bars [0, i) as train and [i, Len) as test.
// Both parts share s's arrays and must be non-empty.
func (s *Series) SplitIndex(i int) (train, test *Series, err error) {
	if i <= 0 || i >= s.Len() {
		return nil, nil, fmt.Errorf("env: series %q: split index %d leaves an empty part, expected 1..%d", s.Name, i, s.Len()-1)
	}
	train, err = s.Slice(0, i)
	if err != nil {
		return nil, nil, err
	}
	test, err = s.Slice(i, s.Len())
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// SplitAt returns the bars before t as train and the bars at or after t as test.
func (s *Series) SplitAt(t time.Time) (train, test *Series, err error) {
	i := 0
	for i < s.Len() && s.Times[i].Before(t) {
		i++
	}
	if i == 0 || i == s.Len() {
		return nil, nil, fmt.Errorf("env: series %q: split time %s is outside the bars %s .. %s, so one part would be empty",
			s.Name, t.Format(time.RFC3339), s.Times[0].Format(time.RFC3339), s.Times[s.Len()-1].Format(time.RFC3339))
	}
	return s.SplitIndex(i)
}

// SplitFraction puts the first round(fraction*Len) bars into train and the
// rest into test. The fraction must be in (0, 1).
func (s *Series) SplitFraction(fraction float64) (train, test *Series, err error) {
	if !(fraction > 0 && fraction < 1) {
		return nil, nil, fmt.Errorf("env: series %q: split fraction %v is invalid, expected a number in (0, 1)", s.Name, fraction)
	}
	return s.SplitIndex(int(math.Round(fraction * float64(s.Len()))))
}
