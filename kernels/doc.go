// Package kernels is the numeric core: SGEMM, GEMV, vector operations,
// activations, the fused LSTM gate kernels and the fused Adam update.
//
// Every kernel checks its arguments and panics with a "kernels: Name: ..."
// message on programmer misuse, such as a slice that is too short or an
// output that overlaps an input. It runs every check before it writes
// anything. Kernels never return errors because they see no user data that
// could be wrong. All matrices are row-major float32 with an explicit
// leading dimension.
//
// # Levels
//
// Each kernel has implementations per level, such as "generic" (pure Go,
// always present and the reference for the others). At init the package
// selects the best level the CPU supports; Impl names it, Levels lists the
// available ones and Use switches levels for tests and benchmarks. The
// kerneltest package runs a test body once per level. Builds with the
// purego or noasm tag use only the generic level.
//
// # Concurrency and allocation
//
// All kernels are safe for concurrent use when their outputs are disjoint.
// After warm-up they allocate nothing: SGEMM keeps its packing buffers on a
// free list shared by all goroutines.
package kernels
