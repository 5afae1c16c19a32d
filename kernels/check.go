package kernels

import (
	"fmt"
	"unsafe"
)

// Argument checks shared by the exported kernels. Each panics with a
// "kernels: Name: ..." message, and every exported kernel runs all of its
// checks before it writes anything.

// checkLen panics unless len(s) >= need.
func checkLen(fn, arg string, s []float32, need int) {
	if len(s) < need {
		panic(fmt.Sprintf("kernels: %s: len(%s)=%d, need >= %d", fn, arg, len(s), need))
	}
}

// checkDims panics if any dimension is negative.
func checkDims(fn string, names string, dims ...int) {
	for _, d := range dims {
		if d < 0 {
			// Copy dims so that the slice does not escape on the normal path.
			dimsCopy := append([]int(nil), dims...)
			panic(fmt.Sprintf("kernels: %s: negative dimension in %s=%v", fn, names, dimsCopy))
		}
	}
}

// matrixLen returns the number of values a rows x cols matrix with leading
// dimension ld spans: (rows-1)*ld + cols, or 0 when it is empty.
func matrixLen(rows, cols, ld int) int {
	if rows == 0 || cols == 0 {
		return 0
	}
	return (rows-1)*ld + cols
}

// checkMatrix panics unless ld >= max(1, cols) and s spans a rows x cols
// matrix with leading dimension ld. It returns the span length.
func checkMatrix(fn, arg string, s []float32, rows, cols, ld int) int {
	if ld < max(1, cols) {
		panic(fmt.Sprintf("kernels: %s: ld%s=%d, need >= max(1, %d)", fn, arg, ld, cols))
	}
	need := matrixLen(rows, cols, ld)
	if len(s) < need {
		panic(fmt.Sprintf("kernels: %s: len(%s)=%d, need >= %d for %dx%d with ld%s=%d", fn, arg, len(s), need, rows, cols, arg, ld))
	}
	return need
}

// span returns the address range [lo, hi) of s, or lo == hi for empty s.
func span(s []float32) (lo, hi uintptr) {
	if len(s) == 0 {
		return 0, 0
	}
	lo = uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	return lo, lo + uintptr(len(s))*4
}

// overlap reports whether x and y share any element.
func overlap(x, y []float32) bool {
	xlo, xhi := span(x)
	ylo, yhi := span(y)
	return xlo < xhi && ylo < yhi && xlo < yhi && ylo < xhi
}

// checkDisjoint panics if out and in share any element.
func checkDisjoint(fn, outName string, out []float32, inName string, in []float32) {
	if overlap(out, in) {
		panic(fmt.Sprintf("kernels: %s: %s overlaps %s", fn, outName, inName))
	}
}

// checkSameOrDisjoint panics if out and in overlap without starting at the
// same element. Elementwise kernels allow exact aliasing, where each output
// element depends only on the input element at the same index.
func checkSameOrDisjoint(fn, outName string, out []float32, inName string, in []float32) {
	if overlap(out, in) && unsafe.SliceData(out) != unsafe.SliceData(in) {
		panic(fmt.Sprintf("kernels: %s: %s partially overlaps %s; pass the same slice or disjoint ones", fn, outName, inName))
	}
}
