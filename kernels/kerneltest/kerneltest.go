// Package kerneltest runs tests and benchmarks once per kernel level
// available on the machine, so that code built on package kernels is
// exercised with every implementation in one go test run.
//
// Both helpers switch the process-wide level with kernels.Use, so the
// tests and benchmarks that call them must not run in parallel with other
// code that uses kernels.
package kerneltest

import (
	"testing"

	"github.com/deepq-go/deepq/kernels"
)

// ForEachLevel runs body as a subtest named after each available level,
// with that level active, and restores the previous level afterwards.
func ForEachLevel(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	for _, name := range kernels.Levels() {
		t.Run(name, func(t *testing.T) {
			restore, err := kernels.Use(name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			body(t)
		})
	}
}

// BenchmarkEachLevel runs body as a sub-benchmark named after each
// available level, with that level active, and restores the previous level
// afterwards.
func BenchmarkEachLevel(b *testing.B, body func(b *testing.B)) {
	b.Helper()
	for _, name := range kernels.Levels() {
		b.Run(name, func(b *testing.B) {
			restore, err := kernels.Use(name)
			if err != nil {
				b.Fatal(err)
			}
			defer restore()
			body(b)
		})
	}
}
