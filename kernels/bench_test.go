package kernels

import (
	"fmt"
	"testing"
)

// benchEachLevel runs body as a sub-benchmark per available level.
func benchEachLevel(b *testing.B, body func(b *testing.B)) {
	for _, name := range Levels() {
		b.Run(name, func(b *testing.B) {
			restore, err := Use(name)
			if err != nil {
				b.Fatal(err)
			}
			defer restore()
			body(b)
		})
	}
}

// gemmBenchShape is an SGEMM from the default LSTM Q-network (Window 30,
// Features 5, LSTM 64 then 32, Dense 64 and 3) at batch 1 or 64.
type gemmBenchShape struct {
	name           string
	transA, transB bool
	m, n, k        int
}

var gemmBenchShapes = []gemmBenchShape{
	// Input projections Zx = X·W over all B*T timesteps.
	{"xproj1_b64", false, false, 1920, 256, 5},
	{"xproj2_b64", false, false, 1920, 128, 64},
	{"xproj1_b1", false, false, 30, 256, 5},
	{"xproj2_b1", false, false, 30, 128, 64},
	// Recurrent step H_{t-1}·U.
	{"rec1_b64", false, false, 64, 256, 64},
	{"rec2_b64", false, false, 64, 128, 32},
	{"rec1_b1", false, false, 1, 256, 64},
	{"rec2_b1", false, false, 1, 128, 32},
	// Backward: dW = Xᵀ·dZ, dU = H_prevᵀ·dZ, dX = dZ·Wᵀ, dH = dZ_t·Uᵀ.
	{"dW1_b64", true, false, 5, 256, 1920},
	{"dU1_b64", true, false, 64, 256, 1920},
	{"dX1_b64", false, true, 1920, 5, 256},
	{"dX2_b64", false, true, 1920, 64, 128},
	{"dH1_b64", false, true, 64, 64, 256},
	// Dense layers.
	{"dense1_b64", false, false, 64, 64, 32},
	{"dense2_b64", false, false, 64, 3, 64},
	{"square256", false, false, 256, 256, 256},
}

func (s gemmBenchShape) String() string {
	return fmt.Sprintf("%s_%dx%dx%d", s.name, s.m, s.n, s.k)
}

// gemmOperands returns A, B and C for the shape with tight leading
// dimensions, filled with small values.
func gemmOperands(s gemmBenchShape) (a []float32, lda int, b []float32, ldb int, c []float32) {
	a, b, c = make([]float32, s.m*s.k), make([]float32, s.k*s.n), make([]float32, s.m*s.n)
	for i := range a {
		a[i] = float32(i%13) * 0.01
	}
	for i := range b {
		b[i] = float32(i%7) * 0.01
	}
	lda, ldb = s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}
	return a, lda, b, ldb, c
}

func reportGFLOPS(b *testing.B, m, n, k int) {
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkSgemm(b *testing.B) {
	benchEachLevel(b, func(b *testing.B) {
		for _, s := range gemmBenchShapes {
			b.Run(s.String(), func(b *testing.B) {
				a, lda, bm, ldb, c := gemmOperands(s)
				// One call before the loop grows the packing buffers.
				Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
				b.ReportAllocs()
				for b.Loop() {
					Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
				}
				reportGFLOPS(b, s.m, s.n, s.k)
			})
		}
	})
}

// BenchmarkSgemmPacked measures the recurrent step with U packed once, as
// the LSTM forward pass runs it every timestep.
func BenchmarkSgemmPacked(b *testing.B) {
	benchEachLevel(b, func(b *testing.B) {
		for _, s := range gemmBenchShapes {
			if s.name[:3] != "rec" {
				continue
			}
			b.Run(s.String(), func(b *testing.B) {
				a, lda, bm, ldb, c := gemmOperands(s)
				var pb PackedB
				PackB(&pb, s.transB, s.k, s.n, bm, ldb)
				SgemmPacked(s.transA, s.m, s.n, s.k, 1, a, lda, &pb, 1, c, s.n)
				b.ReportAllocs()
				for b.Loop() {
					SgemmPacked(s.transA, s.m, s.n, s.k, 1, a, lda, &pb, 1, c, s.n)
				}
				reportGFLOPS(b, s.m, s.n, s.k)
			})
		}
	})
}

func BenchmarkSgemv(b *testing.B) {
	shapes := []struct {
		name  string
		trans bool
		m, n  int
	}{
		{"rec1_T", true, 64, 256},  // h·U at batch 1: y = Uᵀh
		{"rec2_T", true, 32, 128},  // second LSTM layer
		{"dense1_T", true, 32, 64}, // Dense(64) on the last LSTM state
		{"dense2_T", true, 64, 3},  // Dense(3) Q-values
		{"dH1_N", false, 64, 256},  // dH = U·dz at batch 1
		{"square_N", false, 256, 256},
	}
	benchEachLevel(b, func(b *testing.B) {
		for _, s := range shapes {
			b.Run(fmt.Sprintf("%s_%dx%d", s.name, s.m, s.n), func(b *testing.B) {
				a := make([]float32, s.m*s.n)
				for i := range a {
					a[i] = float32(i%11) * 0.01
				}
				x, y := make([]float32, max(s.m, s.n)), make([]float32, max(s.m, s.n))
				b.ReportAllocs()
				for b.Loop() {
					Sgemv(s.trans, s.m, s.n, 1, a, s.n, x, 0, y)
				}
				reportGFLOPS(b, s.m, s.n, 1)
			})
		}
	})
}

// activationInputs returns n values spread over [-12, 12], which covers
// both paths of Tanh's formula, its saturation, and Sigmoid's exp path.
func activationInputs(n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i%4801)/200 - 12
	}
	return x
}

// benchActivation measures f over 4096 inputs, counting the bytes read
// and written.
func benchActivation(b *testing.B, f func(dst, x []float32)) {
	const n = 4096
	benchEachLevel(b, func(b *testing.B) {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			x, y := activationInputs(n), make([]float32, n)
			b.SetBytes(8 * n)
			b.ReportAllocs()
			for b.Loop() {
				f(y, x)
			}
		})
	})
}

func BenchmarkSigmoid(b *testing.B) { benchActivation(b, Sigmoid) }

func BenchmarkTanh(b *testing.B) { benchActivation(b, Tanh) }

func BenchmarkLSTMForward(b *testing.B) {
	benchEachLevel(b, func(b *testing.B) {
		for _, s := range [][2]int{{1, 64}, {64, 64}, {64, 32}} {
			batch, hidden := s[0], s[1]
			b.Run(fmt.Sprintf("b%d_h%d", batch, hidden), func(b *testing.B) {
				z := activationInputs(batch * 4 * hidden)
				gates := make([]float32, len(z))
				cPrev, c := make([]float32, batch*hidden), make([]float32, batch*hidden)
				tanhC, h := make([]float32, batch*hidden), make([]float32, batch*hidden)
				// Bytes read and written: gates twice, four state slices.
				b.SetBytes(int64(4 * (2*len(z) + 4*batch*hidden)))
				b.ReportAllocs()
				for b.Loop() {
					copy(gates, z)
					LSTMForward(gates, cPrev, c, tanhC, h, batch, hidden)
				}
			})
		}
	})
}

func BenchmarkAdam(b *testing.B) {
	const n = 1 << 14
	benchEachLevel(b, func(b *testing.B) {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			p, g, m, v := make([]float32, n), activationInputs(n), make([]float32, n), make([]float32, n)
			b.SetBytes(4 * 7 * n)
			b.ReportAllocs()
			for b.Loop() {
				Adam(p, g, m, v, 1e-3, 0.9, 0.999, 1e-7, 1)
			}
		})
	})
}
