// Package bench holds deepq's benchmark suite. The benchmarks live in the
// package's test files and run with the go command:
//
//	go test -run '^$' -bench . -count 5 ./bench/ | tee new.txt
//	benchstat old.txt new.txt
//
// For a smoke check that every benchmark still runs, use -benchtime=1x.
//
// Before the first benchmark the suite prints "kernels: <level>", the kernel
// level active at start, and "kernel-levels: <levels>", every level this
// machine can run. benchstat reads such "key: value" lines as configuration,
// so results taken under different levels stay apart.
//
// # Benchmarks
//
//   - BenchmarkLSTMForward/<level>/b=<batch> and BenchmarkLSTMBackward: one
//     LSTM layer (30 steps, 5 inputs, 64 hidden units) under each kernel
//     level, reporting GFLOP/s.
//   - BenchmarkPredictInto/<model>: one observation, reporting us/obs.
//   - BenchmarkPredictBatch/<model>/n=256: reporting obs/s.
//   - BenchmarkTrainOnBatch/<model>/n=64: one optimizer step, reporting
//     ms/step.
//   - BenchmarkPredictorParallel/<model>: one qnet.Predictor shared by
//     GOMAXPROCS goroutines, reporting obs/s over all of them.
//
// The models are "lstm" (qnet.DefaultConfig) and "dense" (the same settings
// with DenseUnits = qnet.DefaultDenseUnits, built with qnet.BuildDense).
// Every benchmark reports allocations. After a warm-up call outside the
// timed loop, each benchmarked operation is expected to allocate nothing,
// and TestWorkloadsAllocateNothing checks that.
//
// # FLOP counts
//
// GFLOP/s counts only the matrix products, at 2 FLOPs per multiply-add,
// for T steps, batch B, input size In and H hidden units:
//
//	forward:  2*T*B*4H*(In+H)   input projection X·W plus recurrent H·U
//	backward: 4*T*B*4H*(In+H)   dH·Uᵀ, dX = dZ·Wᵀ, dW = Xᵀ·dZ and dU = Hᵀ·dZ
//
// Both counts include the recurrent product of the first step, which the
// layer skips because the initial state is zero, so they overstate the work
// by 2*B*4H*H (and twice that backward), 1/T of the recurrent part. Gate
// activations, the cell update, the bias and the column sums are not
// counted.
package bench
