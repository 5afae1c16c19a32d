// Package lstm implements an LSTM layer with a fused cell and
// backpropagation through time, following the Keras and PyTorch semantics so
// that weights move between them unchanged (after PyTorch's transpose).
//
// # Layout
//
// Sequences are time-major: a batch of B sequences of T steps with F
// features is a [T][B][F] array, so that the rows of one timestep are
// contiguous. Gates are ordered input, forget, cell candidate, output, with
// sigmoid on i, f, o and tanh on g and on the cell state.
//
// # Fusion
//
// Forward projects every timestep's input with one GEMM,
// Zx[T*B, 4H] = X[T*B, F]·W + b, then per step adds H_{t-1}·U and runs one
// fused gate kernel that activates the gates, updates the cell and stores
// what backward needs. Backward runs only the dH recurrence step by step and
// finishes dW, dU, dX and db with large GEMMs after the loop.
package lstm
