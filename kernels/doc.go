// Package kernels is the numeric core: SGEMM, GEMV, vector operations,
// activations, the fused LSTM gate kernels and the fused Adam update.
//
// Every kernel checks its arguments and panics with a "kernels: Name: ..."
// message on programmer misuse such as a slice that is too short; kernels
// never return errors because they see no user data that could be wrong.
// All matrices are row-major float32 with an explicit leading dimension.
package kernels
