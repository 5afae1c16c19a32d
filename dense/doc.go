// Package dense implements the feed-forward layers of the Q-networks: Dense
// (linear or ReLU) with a fused bias, inverted Dropout and the Reshape that
// turns flat observation windows into time-major sequences.
//
// Each layer separates parameters from activations: Forward reads the
// parameters and writes activations into buffers from a tensor.Arena and a
// per-call cache, so many goroutines can run Forward on one layer at once.
package dense
