//go:build ignore

// gen_coeffs prints the polynomial coefficients that tanhGeneric uses for
// small arguments: a least-squares fit of
//
//	P(u) = (tanh(x) - x) / x³,  u = x²,  0 <= x <= tanhSmall
//
// at Chebyshev nodes, which is close to the minimax fit. It solves the
// least-squares problem with modified Gram-Schmidt QR in float64 and
// reports the maximum error of tanh(x) ≈ x + x³·P(x²) with the coefficients
// rounded to float32. Run it with: go run gen_coeffs.go
package main

import (
	"fmt"
	"math"
)

const (
	tanhSmall = 0.9
	degree    = 6
	nodes     = 4000
)

func main() {
	umax := tanhSmall * tanhSmall
	cols := degree + 1
	rows := make([][]float64, nodes)
	rhs := make([]float64, nodes)
	for i := range rows {
		t := math.Cos(math.Pi * (float64(i) + 0.5) / nodes)
		u := umax * (t + 1) / 2
		x := math.Sqrt(u)
		var f float64
		if x < 1e-4 {
			f = -1.0/3 + 2.0/15*u
		} else {
			f = (math.Tanh(x) - x) / (x * u)
		}
		// Weight by x³ so that the fit minimises the error of tanh itself.
		w := x * u
		rows[i] = make([]float64, cols)
		p := w
		for j := range cols {
			rows[i][j] = p
			p *= u
		}
		rhs[i] = f * w
	}
	coef := leastSquares(rows, rhs, cols)
	c32 := make([]float32, cols)
	for j, c := range coef {
		c32[j] = float32(c)
		fmt.Printf("tanhP%d = %.9g\n", j, c32[j])
	}
	var maxErr float64
	for i := 0; i <= 1000000; i++ {
		x := float32(tanhSmall * float64(i) / 1000000)
		u := x * x
		p := c32[cols-1]
		for j := cols - 2; j >= 0; j-- {
			p = p*u + c32[j]
		}
		got := x + x*u*p
		maxErr = max(maxErr, math.Abs(float64(got)-math.Tanh(float64(x))))
	}
	fmt.Printf("max abs error in float32 on [0, %g]: %.3g\n", tanhSmall, maxErr)
}

// leastSquares returns the coefficients minimising |A·c - b| by modified
// Gram-Schmidt QR of the rows x cols matrix A.
func leastSquares(a [][]float64, b []float64, cols int) []float64 {
	n := len(a)
	q := make([][]float64, cols)
	r := make([][]float64, cols)
	for j := range cols {
		q[j] = make([]float64, n)
		r[j] = make([]float64, cols)
		for i := range n {
			q[j][i] = a[i][j]
		}
	}
	for j := range cols {
		for p := range j {
			var d float64
			for i := range n {
				d += q[p][i] * q[j][i]
			}
			r[p][j] = d
			for i := range n {
				q[j][i] -= d * q[p][i]
			}
		}
		var norm float64
		for i := range n {
			norm += q[j][i] * q[j][i]
		}
		norm = math.Sqrt(norm)
		r[j][j] = norm
		for i := range n {
			q[j][i] /= norm
		}
	}
	qtb := make([]float64, cols)
	for j := range cols {
		for i := range n {
			qtb[j] += q[j][i] * b[i]
		}
	}
	c := make([]float64, cols)
	for j := cols - 1; j >= 0; j-- {
		s := qtb[j]
		for p := j + 1; p < cols; p++ {
			s -= r[j][p] * c[p]
		}
		c[j] = s / r[j][j]
	}
	return c
}
