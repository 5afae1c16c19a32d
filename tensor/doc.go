// Package tensor provides the float32 storage that the numeric packages share:
// a row-major Tensor, 64-byte aligned allocation and an Arena that hands out
// step-local buffers so steady-state forward and backward passes allocate
// nothing.
package tensor
