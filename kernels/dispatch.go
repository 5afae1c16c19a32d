package kernels

import (
	"fmt"
	"sync/atomic"
)

// level is one implementation of every kernel, such as "generic" or, later,
// "avx2fma". The exported functions validate their arguments and then call
// through the active level, so each function here receives validated
// arguments. Every slice has exactly the length its loop needs, and outputs
// do not overlap inputs except where the exported function allows it.
type level struct {
	name string

	// gemm describes the packed SGEMM micro-kernel and its cache blocking.
	gemm gemmConfig

	gemvN func(m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32)
	gemvT func(m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32)

	axpy       func(y []float32, alpha float32, x []float32)
	scale      func(x []float32, alpha float32)
	mul        func(dst, x, y []float32)
	addBias    func(c []float32, rows, cols, ldc int, bias []float32)
	colSum     func(dst []float32, a []float32, rows, cols, lda int)
	sumSquares func(x []float32) float32

	relu         func(dst, x []float32)
	reluBackward func(dx, dy, y []float32)
	sigmoid      func(dst, x []float32)
	tanh         func(dst, x []float32)

	lstmForward  func(gates, cPrev, c, tanhC, h []float32, batch, hidden int)
	lstmBackward func(dz, dh, dc, gates, cPrev, tanhC []float32, batch, hidden int)

	adam func(param, grad, m, v []float32, alpha, beta1, beta2, eps, scale float32)
}

// genericLevel is the pure-Go implementation. It is the fallback on every
// architecture and the reference that other levels are tested against.
// Builds with the purego or noasm tag must use only this level.
var genericLevel = &level{
	name: "generic",
	gemm: gemmConfig{
		mr: 2, nr: 4,
		mc: 128, kc: 256, nc: 2048,
		micro:    sgemmMicroGeneric2x4,
		packedMV: sgemvPackedGeneric,
		direct:   sgemmDirectGeneric,
	},
	gemvN:        sgemvNGeneric,
	gemvT:        sgemvTGeneric,
	axpy:         axpyGeneric,
	scale:        scaleGeneric,
	mul:          mulGeneric,
	addBias:      addBiasGeneric,
	colSum:       colSumGeneric,
	sumSquares:   sumSquaresGeneric,
	relu:         reluGeneric,
	reluBackward: reluBackwardGeneric,
	sigmoid:      sigmoidGeneric,
	tanh:         tanhGeneric,
	lstmForward:  lstmForwardGeneric,
	lstmBackward: lstmBackwardGeneric,
	adam:         adamGeneric,
}

// TODO: assembly levels (avx512, avx2fma, neon) are not written yet, so
// "generic" is the only level on every machine. Each will be appended here
// behind a cpuid check, best first, and left out of purego and noasm builds.
var available = []*level{genericLevel}

// active is the level the exported kernels call. init sets it to the best
// available level and only Use changes it afterwards.
var active atomic.Pointer[level]

func init() {
	active.Store(available[0])
}

// impl returns the active level. Hot paths call it once per kernel call.
func impl() *level {
	return active.Load()
}

// Impl returns the name of the active level, for example "generic".
func Impl() string {
	return impl().name
}

// Levels returns the names of the levels that can run on this machine, best
// first. The first is the one selected at init.
func Levels() []string {
	names := make([]string, len(available))
	for i, l := range available {
		names[i] = l.name
	}
	return names
}

// Use makes the named level active for every kernel in the process and
// returns a function that restores the previous level. It returns an error
// if the level does not exist or cannot run on this machine.
//
// Use is meant for tests and benchmarks. It must not run while other
// goroutines are inside kernels, and tests that call it must not be
// parallel. Kernel results stay correct when the level changes, but a
// PackedB packed under one level must be packed again before SgemmPacked
// runs under another. Tests in other packages run a body once per level
// like this:
//
//	for _, name := range kernels.Levels() {
//		t.Run(name, func(t *testing.T) {
//			restore, err := kernels.Use(name)
//			if err != nil {
//				t.Fatal(err)
//			}
//			defer restore()
//			// ...
//		})
//	}
//
// The kerneltest package wraps this pattern.
func Use(name string) (restore func(), err error) {
	for _, l := range available {
		if l.name == name {
			prev := active.Swap(l)
			return func() { active.Store(prev) }, nil
		}
	}
	return nil, fmt.Errorf("kernels: Use: level %q is not available on this machine (available: %v)", name, Levels())
}
