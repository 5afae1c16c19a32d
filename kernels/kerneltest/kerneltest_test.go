package kerneltest

import (
	"testing"

	"github.com/deepq-go/deepq/kernels"
)

func TestForEachLevelVisitsEveryLevel(t *testing.T) {
	before := kernels.Impl()
	var seen []string
	ForEachLevel(t, func(t *testing.T) {
		seen = append(seen, kernels.Impl())
	})
	levels := kernels.Levels()
	if len(seen) != len(levels) {
		t.Fatalf("ran under %v, want %v", seen, levels)
	}
	for i := range levels {
		if seen[i] != levels[i] {
			t.Errorf("run %d under level %q, want %q", i, seen[i], levels[i])
		}
	}
	if kernels.Impl() != before {
		t.Errorf("level after ForEachLevel is %q, want %q restored", kernels.Impl(), before)
	}
}
