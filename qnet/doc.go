// Package qnet is the Q-network that trading services import: it builds the
// LSTM Q-network and the earlier Dense Q-network, predicts Q-values, trains
// them with Adam, and saves and loads them.
//
// A Network is owned by one goroutine, the trainer. To serve predictions
// from many goroutines, create a Predictor from it and Publish new weights as
// training goes on. A Predictor needs no locks and allocates nothing on its
// hot path.
//
// Observations are flat windows of Window*Features float32 values, oldest
// bar first: obs[t*Features+f]. Q-values come one per action, in the order
// hold, buy, sell for the default three actions.
package qnet
