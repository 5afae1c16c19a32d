package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// forEachLevel runs body once per level available on this machine, as a
// subtest named after the level, with that level active.
func forEachLevel(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	for _, name := range Levels() {
		t.Run(name, func(t *testing.T) {
			restore, err := Use(name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			body(t)
		})
	}
}

// newRand returns a generator with a fixed seed, so every failure report
// that prints the seed can be replayed.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
}

// guardBits is a NaN payload that no kernel produces, written into the
// cells around every output so stray writes are caught bit for bit.
const guardBits = 0x7fc0dead

const guardCells = 8

// guarded is a slice view with offset leading cells and guardCells
// trailing cells, all set to the guard pattern, around it.
type guarded struct {
	backing []float32
	off     int
	view    []float32
}

// newGuarded returns n values starting offset cells into a backing array,
// filled by fill, with guards before and after.
func newGuarded(offset, n int, fill func(i int) float32) *guarded {
	g := &guarded{backing: make([]float32, offset+n+guardCells), off: offset}
	for i := range g.backing {
		g.backing[i] = math.Float32frombits(guardBits)
	}
	g.view = g.backing[offset : offset+n : offset+n]
	for i := range g.view {
		g.view[i] = fill(i)
	}
	return g
}

// checkGuards reports any guard cell that no longer holds the guard bits.
func (g *guarded) checkGuards(t *testing.T, what string) {
	t.Helper()
	for i, v := range g.backing {
		if i >= g.off && i < g.off+len(g.view) {
			continue
		}
		if math.Float32bits(v) != guardBits {
			t.Fatalf("%s: guard cell %d of %d (offset %d, len %d) overwritten with %v", what, i, len(g.backing), g.off, len(g.view), v)
		}
	}
}

// snapshot returns a copy of s for checking later that it was not written.
func snapshot(s []float32) []float32 {
	return append([]float32(nil), s...)
}

// sameBits reports whether a and b hold bit-identical values.
func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// randValue returns a value uniform in [-1, 1).
func randValue(r *rand.Rand) float32 {
	return float32(r.Float64()*2 - 1)
}

// specialValues are inputs every elementwise kernel must handle.
var specialValues = []float32{
	0, float32(math.Copysign(0, -1)), 1, -1,
	float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
	math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
	0x1p-127, -0x1p-127, 0x1p-126, -0x1p-126,
	math.MaxFloat32, -math.MaxFloat32, 1e30, -1e30, 1e-30, -1e-30,
}

// closeTo reports whether got matches want within bound, where NaN must
// match NaN and an infinite want (after rounding to float32) must match
// exactly.
func closeTo(got float32, want, bound float64) bool {
	w32 := float32(want)
	switch {
	case math.IsNaN(want):
		return got != got
	case math.IsInf(float64(w32), 0):
		return got == w32
	case got != got:
		return false
	}
	return math.Abs(float64(got)-want) <= bound
}

// eps32 is the float32 unit roundoff 2^-24.
const eps32 = 0x1p-24

// seedMsg formats the seed for failure messages.
func seedMsg(seed uint64) string {
	return fmt.Sprintf("seed %d", seed)
}
