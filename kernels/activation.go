package kernels

import "math"

// Sigmoid computes dst[i] = 1/(1+exp(-x[i])) for every index of dst, in
// float32 arithmetic. The maximum absolute error against the exact value is
// below 2e-7 over the whole float32 range. The result is exactly 1 for
// x >= 17.4, where the exact value rounds to 1, and exactly 0 for x < -87.3,
// where the exact value is below 1.2e-38. NaN gives NaN and ±0 give 0.5.
// x must have at least len(dst) values, and dst may be x itself but must
// not partially overlap it.
func Sigmoid(dst, x []float32) {
	checkLen("Sigmoid", "x", x, len(dst))
	x = x[:len(dst)]
	checkSameOrDisjoint("Sigmoid", "dst", dst, "x", x)
	impl().sigmoid(dst, x)
}

// Tanh computes dst[i] = tanh(x[i]) for every index of dst, in float32
// arithmetic. The maximum absolute error against the exact value is below
// 2e-7 over the whole float32 range. The result is exactly ±1 for
// |x| > 9.1, keeps the sign of ±0, and NaN gives NaN. x must have at
// least len(dst) values, and dst may be x itself but must not partially
// overlap it.
func Tanh(dst, x []float32) {
	checkLen("Tanh", "x", x, len(dst))
	x = x[:len(dst)]
	checkSameOrDisjoint("Tanh", "dst", dst, "x", x)
	impl().tanh(dst, x)
}

const (
	// sigmoidCut is where Sigmoid returns 0 for x < -sigmoidCut. The exact
	// value there is below 1.2e-38, and exp(-sigmoidCut) is still a normal
	// float32, which expNormal needs.
	sigmoidCut = 87.3

	// tanhSmall is where Tanh switches from the odd polynomial to the
	// exp-based formula, and tanhCut is where it returns ±1: above it the
	// exact value rounds to ±1 in float32.
	tanhSmall = 0.9
	tanhCut   = 9.1
)

// Coefficients of P in tanh(x) ≈ x + x³·P(x²) for |x| < tanhSmall, from
// the least-squares fit in gen_coeffs.go (run it with go run).
const (
	tanhP0 = -0.333333105
	tanhP1 = 0.133327425
	tanhP2 = -0.0539132617
	tanhP3 = 0.0216110107
	tanhP4 = -0.00817512535
	tanhP5 = 0.00250640139
	tanhP6 = -0.000429691543
)

func sigmoidGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = sigmoid32(v)
	}
}

func tanhGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = tanh32(v)
	}
}

// sigmoid32 computes 1/(1+e) for x >= 0 and e/(1+e) for x < 0 with
// e = exp(-|x|) <= 1, so neither form loses precision to cancellation.
func sigmoid32(x float32) float32 {
	if x != x {
		return x
	}
	ax := abs32(x)
	if ax > sigmoidCut {
		if x > 0 {
			return 1
		}
		return 0
	}
	e := expNormal(-ax)
	if x < 0 {
		return e / (1 + e)
	}
	return 1 / (1 + e)
}

// tanh32 uses an odd polynomial near 0 and 1 - 2/(1+exp(2|x|)) elsewhere.
// Both compute tanh(|x|) and then copy the sign of x onto it, which also
// keeps the sign of -0.
func tanh32(x float32) float32 {
	if x != x {
		return x
	}
	ax := abs32(x)
	var t float32
	switch {
	case ax < tanhSmall:
		u := ax * ax
		p := ((((((tanhP6*u+tanhP5)*u+tanhP4)*u+tanhP3)*u+tanhP2)*u+tanhP1)*u + tanhP0)
		t = ax + ax*u*p
	case ax <= tanhCut:
		t = 1 - 2/(1+expNormal(2*ax))
	default:
		t = 1
	}
	return math.Float32frombits(math.Float32bits(t) | math.Float32bits(x)&(1<<31))
}

// abs32 returns |x| by clearing the sign bit.
func abs32(x float32) float32 {
	return math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
}

const (
	log2E = 1.44269504088896341

	// ln2Hi + ln2Lo is ln 2 to about 1e-11. ln2Hi has 9 significant bits,
	// so n*ln2Hi is exact in float32 for |n| <= 2^15.
	ln2Hi = 0.693359375
	ln2Lo = -2.12194440e-4

	// roundMagic is 1.5*2^23: adding and subtracting it rounds a float32
	// of magnitude below 2^22 to the nearest integer.
	roundMagic = 12582912
)

// expNormal returns exp(x) in float32 for x in [-87.3, 88.7], where the
// result and 2^n below are normal numbers. It reduces x = n*ln2 + r with
// |r| <= ln2/2 and evaluates the degree-7 Taylor polynomial of exp(r),
// whose truncation error (below 6e-9 relative) is under float32 rounding.
func expNormal(x float32) float32 {
	n := (x*log2E + roundMagic) - roundMagic
	r := (x - n*ln2Hi) - n*ln2Lo
	p := ((((((r*(1.0/5040)+1.0/720)*r+1.0/120)*r+1.0/24)*r+1.0/6)*r+0.5)*r+1)*r + 1
	scale := math.Float32frombits(uint32(int32(n)+127) << 23)
	return p * scale
}
