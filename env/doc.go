// Package env is the trading environment that DQN agents train and are
// evaluated in: loading price series, causal features, observation windows,
// actions, rewards with transaction costs, and backtest metrics.
//
// A Series is loaded from a Yahoo-style OHLCV CSV (LoadYahooCSV), a CSV with
// one chosen close column (LoadCloseCSV), an object of equal-length JSON arrays
// (LoadOHLCVJSON), or the embedded EuStockMarkets data (Embedded, DAX).
// A Normalizer is fitted on the training span only and applied unchanged to
// test spans. Env steps one episode; VecEnv steps N episodes in lockstep for
// batched training; Backtest runs a greedy policy over a whole series.
//
// The package never logs. Bad data files, invalid series, configurations
// and actions give errors. Only the per-environment accessors of VecEnv
// (Index, Start, Position) panic, and only on an index outside [0, N).
package env
