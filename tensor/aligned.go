package tensor

import "unsafe"

// Alignment is the byte alignment of every slice that Aligned and Arena return.
// It matches a cache line and the width of an AVX-512 register.
const Alignment = 64

// alignFloats is Alignment expressed in float32 elements.
const alignFloats = Alignment / 4

// Aligned returns a zeroed slice of n float32 values whose first element sits
// on an Alignment-byte boundary. It panics if n is negative.
func Aligned(n int) []float32 {
	if n < 0 {
		panic("tensor: Aligned: negative length")
	}
	if n == 0 {
		return []float32{}
	}
	buf := make([]float32, n+alignFloats-1)
	skip := 0
	if rem := uintptr(unsafe.Pointer(&buf[0])) % Alignment; rem != 0 {
		skip = int((Alignment - rem) / 4)
	}
	return buf[skip : skip+n : skip+n]
}

// roundUp rounds n up to a whole number of Alignment-byte blocks, in floats.
func roundUp(n int) int {
	return (n + alignFloats - 1) / alignFloats * alignFloats
}
