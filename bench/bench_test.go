package bench

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/deepq-go/deepq/kernels"
)

// TestMain prints the kernel levels before any benchmark runs, as "key:
// value" lines that benchstat keeps as configuration.
func TestMain(m *testing.M) {
	fmt.Printf("kernels: %s\n", kernels.Impl())
	fmt.Printf("kernel-levels: %s\n", strings.Join(kernels.Levels(), " "))
	os.Exit(m.Run())
}

// forEachLevel runs body as a sub-benchmark named after each kernel level
// this machine can run, with that level active.
func forEachLevel(b *testing.B, body func(b *testing.B)) {
	for _, level := range kernels.Levels() {
		b.Run(level, func(b *testing.B) {
			restore, err := kernels.Use(level)
			if err != nil {
				b.Fatal(err)
			}
			defer restore()
			body(b)
		})
	}
}

// runOp times op with b.Loop and fails the benchmark on the first error.
func runOp(b *testing.B, op func() error) {
	b.ReportAllocs()
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
}

// perOp returns the seconds one iteration of the finished loop took.
func perOp(b *testing.B) float64 {
	return b.Elapsed().Seconds() / float64(b.N)
}

func BenchmarkLSTMForward(b *testing.B) {
	forEachLevel(b, func(b *testing.B) {
		for _, batch := range lstmBatches {
			b.Run(fmt.Sprintf("b=%d", batch), func(b *testing.B) {
				runOp(b, newLSTMForwardOp(b, batch))
				b.ReportMetric(lstmForwardFLOPs(batch)/perOp(b)/1e9, "GFLOP/s")
			})
		}
	})
}

func BenchmarkLSTMBackward(b *testing.B) {
	forEachLevel(b, func(b *testing.B) {
		for _, batch := range lstmBatches {
			b.Run(fmt.Sprintf("b=%d", batch), func(b *testing.B) {
				runOp(b, newLSTMBackwardOp(b, batch))
				b.ReportMetric(lstmBackwardFLOPs(batch)/perOp(b)/1e9, "GFLOP/s")
			})
		}
	})
}

func BenchmarkPredictInto(b *testing.B) {
	for _, m := range benchModels {
		b.Run(m.name, func(b *testing.B) {
			runOp(b, newPredictIntoOp(b, m))
			b.ReportMetric(perOp(b)*1e6, "us/obs")
		})
	}
}

func BenchmarkPredictBatch(b *testing.B) {
	for _, m := range benchModels {
		b.Run(fmt.Sprintf("%s/n=%d", m.name, predictBatchSize), func(b *testing.B) {
			runOp(b, newPredictBatchOp(b, m, predictBatchSize))
			b.ReportMetric(predictBatchSize/perOp(b), "obs/s")
		})
	}
}

func BenchmarkTrainOnBatch(b *testing.B) {
	for _, m := range benchModels {
		b.Run(fmt.Sprintf("%s/n=%d", m.name, trainBatchSize), func(b *testing.B) {
			runOp(b, newTrainOnBatchOp(b, m, trainBatchSize))
			b.ReportMetric(perOp(b)*1e3, "ms/step")
		})
	}
}

// BenchmarkPredictorParallel serves single observations from one Predictor
// to GOMAXPROCS goroutines (times -cpu), each with its own buffers. ns/op is
// wall time divided by the calls of all goroutines, so obs/s is the
// aggregate throughput. allocs/op is not zero in short runs: each goroutine
// first takes a new workspace from the Predictor's sync.Pool, which grows
// during its first two calls, and the pool drops idle workspaces at garbage
// collection.
func BenchmarkPredictorParallel(b *testing.B) {
	for _, m := range benchModels {
		b.Run(m.name, func(b *testing.B) {
			n := buildModel(b, m)
			p := n.NewPredictor()
			size, actions := n.ObservationSize(), n.Actions()
			mustRun(b, func() error { return p.PredictInto(make([]float32, actions), randomFloats(size, 3)) })
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				obs := randomFloats(size, 3)
				dst := make([]float32, actions)
				for pb.Next() {
					if err := p.PredictInto(dst, obs); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(1/perOp(b), "obs/s")
		})
	}
}
