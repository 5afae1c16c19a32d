package kernels

import (
	"slices"
	"strings"
	"testing"
)

func TestLevelsIncludeGenericAndActive(t *testing.T) {
	levels := Levels()
	if !slices.Contains(levels, "generic") {
		t.Errorf("Levels() = %v, want it to contain generic", levels)
	}
	if len(levels) == 0 || levels[0] != Impl() {
		t.Errorf("Levels() = %v, want the active level %q first", levels, Impl())
	}
}

func TestUseSwitchesAndRestores(t *testing.T) {
	before := Impl()
	for _, name := range Levels() {
		restore, err := Use(name)
		if err != nil {
			t.Fatalf("Use(%q): %v", name, err)
		}
		if got := Impl(); got != name {
			t.Errorf("after Use(%q), Impl() = %q", name, got)
		}
		restore()
		if got := Impl(); got != before {
			t.Errorf("after restore, Impl() = %q, want %q", got, before)
		}
	}
}

func TestUseRejectsUnknownLevel(t *testing.T) {
	before := Impl()
	restore, err := Use("avx1024")
	if err == nil || restore != nil {
		t.Fatalf("Use(avx1024) returned restore=%t, err=%v; want no restore func and an error", restore != nil, err)
	}
	if !strings.Contains(err.Error(), `"avx1024"`) {
		t.Errorf("error %q does not name the level", err)
	}
	if Impl() != before {
		t.Errorf("failed Use changed Impl() from %q to %q", before, Impl())
	}
}

// TestLevelTablesComplete checks that every available level fills every
// entry, so a missing assembly routine fails here and not in a caller.
func TestLevelTablesComplete(t *testing.T) {
	for _, l := range available {
		g := l.gemm
		if g.mr <= 0 || g.nr <= 0 || g.mc%g.mr != 0 || g.nc%g.nr != 0 || g.kc <= 0 {
			t.Errorf("level %s: invalid gemm blocking %+v", l.name, g)
		}
		missing := g.micro == nil || g.packedMV == nil || g.direct == nil || l.gemvN == nil || l.gemvT == nil ||
			l.axpy == nil || l.scale == nil || l.mul == nil || l.addBias == nil || l.colSum == nil ||
			l.sumSquares == nil || l.relu == nil || l.reluBackward == nil || l.sigmoid == nil ||
			l.tanh == nil || l.lstmForward == nil || l.lstmBackward == nil || l.adam == nil
		if missing {
			t.Errorf("level %s: function table has nil entries", l.name)
		}
	}
}
