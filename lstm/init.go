package lstm

import (
	"math"
	"math/rand/v2"
)

// GlorotUniform fills w, a fanIn x fanOut matrix, with values drawn uniformly
// from [-limit, limit] where limit = sqrt(6/(fanIn+fanOut)), as Keras's
// glorot_uniform does.
func GlorotUniform(w []float32, fanIn, fanOut int, rng *rand.Rand) {
	limit := math.Sqrt(6 / float64(fanIn+fanOut))
	for i := range w {
		w[i] = float32((2*rng.Float64() - 1) * limit)
	}
}

// Orthogonal fills w, a rows x cols matrix, with a random matrix whose rows
// (when rows <= cols) or columns (otherwise) are orthonormal, as Keras's
// orthogonal initializer does. It orthonormalises Gaussian vectors with
// modified Gram-Schmidt in float64.
func Orthogonal(w []float32, rows, cols int, rng *rand.Rand) {
	// Work on the shorter side: n vectors of length d, n <= d.
	n, d := rows, cols
	transposed := false
	if rows > cols {
		n, d = cols, rows
		transposed = true
	}
	q := make([]float64, n*d)
	for i := range q {
		q[i] = rng.NormFloat64()
	}
	for i := 0; i < n; i++ {
		vi := q[i*d : (i+1)*d]
		for j := 0; j < i; j++ {
			vj := q[j*d : (j+1)*d]
			var dot float64
			for k := range vi {
				dot += vi[k] * vj[k]
			}
			for k := range vi {
				vi[k] -= dot * vj[k]
			}
		}
		var norm float64
		for _, v := range vi {
			norm += v * v
		}
		norm = math.Sqrt(norm)
		for k := range vi {
			vi[k] /= norm
		}
	}
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			if transposed {
				w[k*cols+i] = float32(q[i*d+k])
			} else {
				w[i*cols+k] = float32(q[i*d+k])
			}
		}
	}
}
