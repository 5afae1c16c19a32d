package kernels

import (
	"fmt"
	"strings"
	"testing"
)

// mustPanic runs call, requires a panic whose message starts with
// "kernels: fn: " and contains want, and requires every slice in touched to
// hold the same bits as before the call.
func mustPanic(t *testing.T, fn, want string, touched [][]float32, call func()) {
	t.Helper()
	before := make([][]float32, len(touched))
	for i, s := range touched {
		before[i] = snapshot(s)
	}
	msg := func() (msg string) {
		defer func() {
			if r := recover(); r != nil {
				msg = fmt.Sprint(r)
			}
		}()
		call()
		return ""
	}()
	switch {
	case msg == "":
		t.Errorf("%s (%s): no panic", fn, want)
	case !strings.HasPrefix(msg, "kernels: "+fn+": ") || !strings.Contains(msg, want):
		t.Errorf("%s: panic %q, want prefix %q containing %q", fn, msg, "kernels: "+fn+": ", want)
	}
	for i, s := range touched {
		if !sameBits(before[i], s) {
			t.Errorf("%s (%s): argument %d written before the panic", fn, want, i)
		}
	}
}

// filled returns n distinct values, so any write shows.
func filled(n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(i) + 0.5
	}
	return s
}

func TestMisuseLeavesOutputsUntouched(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		a, b, c := filled(12), filled(12), filled(9)
		all := [][]float32{a, b, c}
		// A is 3x4, B is 4x3, C is 3x3.
		mustPanic(t, "Sgemm", "len(c)=8", all, func() { Sgemm(false, false, 3, 3, 4, 1, a, 4, b, 3, 0, c[:8], 3) })
		mustPanic(t, "Sgemm", "len(a)=11", all, func() { Sgemm(false, false, 3, 3, 4, 1, a[:11], 4, b, 3, 0, c, 3) })
		mustPanic(t, "Sgemm", "len(b)=11", all, func() { Sgemm(true, true, 3, 3, 4, 1, a, 3, b[:11], 4, 0, c, 3) })
		mustPanic(t, "Sgemm", "lda=3", all, func() { Sgemm(false, false, 3, 3, 4, 1, a, 3, b, 3, 0, c, 3) })
		mustPanic(t, "Sgemm", "ldc=0", all, func() { Sgemm(false, false, 0, 0, 0, 1, a, 1, b, 1, 0, c, 0) })
		mustPanic(t, "Sgemm", "negative", all, func() { Sgemm(false, false, -1, 3, 4, 1, a, 4, b, 3, 0, c, 3) })
		mustPanic(t, "Sgemm", "c overlaps a", all, func() { Sgemm(false, false, 3, 3, 1, 1, a, 1, b, 3, 0, a[2:], 3) })
		mustPanic(t, "Sgemm", "c overlaps b", all, func() { Sgemm(false, false, 3, 3, 1, 1, a, 1, b, 3, 0, b, 3) })

		var pb PackedB
		mustPanic(t, "PackB", "dst is nil", all, func() { PackB(nil, false, 4, 3, b, 3) })
		mustPanic(t, "PackB", "len(b)=11", all, func() { PackB(&pb, false, 4, 3, b[:11], 3) })
		mustPanic(t, "SgemmPacked", "pb is empty", all, func() { SgemmPacked(false, 3, 3, 4, 1, a, 4, &pb, 0, c, 3) })
		mustPanic(t, "SgemmPacked", "pb is nil", all, func() { SgemmPacked(false, 3, 3, 4, 1, a, 4, nil, 0, c, 3) })
		PackB(&pb, false, 4, 3, b, 3)
		mustPanic(t, "SgemmPacked", "need 4x2", all, func() { SgemmPacked(false, 3, 2, 4, 1, a, 4, &pb, 0, c, 3) })
		mustPanic(t, "SgemmPacked", "len(c)=8", all, func() { SgemmPacked(false, 3, 3, 4, 1, a, 4, &pb, 0, c[:8], 3) })
		mustPanic(t, "SgemmPacked", "c overlaps a", all, func() { SgemmPacked(false, 2, 3, 4, 1, a, 4, &pb, 0, a[1:], 3) })
		stale := pb
		stale.lvl = &level{name: "retired"}
		mustPanic(t, "SgemmPacked", `packed for level "retired"`, all, func() { SgemmPacked(false, 3, 3, 4, 1, a, 4, &stale, 0, c, 3) })

		x, y := filled(4), filled(3)
		gv := [][]float32{a, x, y}
		mustPanic(t, "Sgemv", "len(y)=2", gv, func() { Sgemv(false, 3, 4, 1, a, 4, x, 0, y[:2]) })
		mustPanic(t, "Sgemv", "len(x)=3", gv, func() { Sgemv(false, 3, 4, 1, a, 4, x[:3], 0, y) })
		mustPanic(t, "Sgemv", "len(x)=2", gv, func() { Sgemv(true, 3, 4, 1, a, 4, x[:2], 0, x) })
		mustPanic(t, "Sgemv", "lda=2", gv, func() { Sgemv(false, 3, 4, 1, a, 2, x, 0, y) })
		mustPanic(t, "Sgemv", "y overlaps a", gv, func() { Sgemv(false, 2, 4, 1, a, 4, x, 0, a[2:]) })
		mustPanic(t, "Sgemv", "y overlaps x", gv, func() { Sgemv(true, 2, 2, 1, a, 2, x, 0, x[1:]) })

		v, w, u := filled(8), filled(8), filled(8)
		vw := [][]float32{v, w, u}
		mustPanic(t, "Axpy", "len(x)=7", vw, func() { Axpy(v, 1, w[:7]) })
		mustPanic(t, "Axpy", "partially overlaps", vw, func() { Axpy(v[1:], 1, v) })
		mustPanic(t, "Mul", "len(y)=7", vw, func() { Mul(v, w, u[:7]) })
		mustPanic(t, "Mul", "partially overlaps", vw, func() { Mul(v[:7], w, v[1:]) })
		mustPanic(t, "ReLU", "len(x)=7", vw, func() { ReLU(v, w[:7]) })
		mustPanic(t, "ReLU", "partially overlaps", vw, func() { ReLU(v[2:], v) })
		mustPanic(t, "ReLUBackward", "len(y)=7", vw, func() { ReLUBackward(v, w, u[:7]) })
		mustPanic(t, "ReLUBackward", "partially overlaps", vw, func() { ReLUBackward(v[:4], w, v[3:]) })
		mustPanic(t, "Sigmoid", "len(x)=7", vw, func() { Sigmoid(v, w[:7]) })
		mustPanic(t, "Sigmoid", "partially overlaps", vw, func() { Sigmoid(v[1:], v) })
		mustPanic(t, "Tanh", "len(x)=7", vw, func() { Tanh(v, w[:7]) })
		mustPanic(t, "Tanh", "partially overlaps", vw, func() { Tanh(v[:4], v[3:]) })
		mustPanic(t, "AddBias", "len(bias)=3", vw, func() { AddBias(v, 2, 4, 4, w[:3]) })
		mustPanic(t, "AddBias", "ldc=3", vw, func() { AddBias(v, 2, 4, 3, w) })
		mustPanic(t, "AddBias", "len(c)=7", vw, func() { AddBias(v[:7], 2, 4, 4, w) })
		mustPanic(t, "AddBias", "c overlaps bias", vw, func() { AddBias(v, 1, 4, 4, v[3:7]) })
		mustPanic(t, "ColSum", "len(dst)=3", vw, func() { ColSum(w[:3], v, 2, 4, 4) })
		mustPanic(t, "ColSum", "lda=2", vw, func() { ColSum(w, v, 2, 4, 2) })
		mustPanic(t, "ColSum", "dst overlaps a", vw, func() { ColSum(v[4:], v, 2, 4, 4) })
		mustPanic(t, "Adam", "len(v)=7", vw, func() { Adam(v, w, u, u[1:], 1, 0.9, 0.999, 1e-7, 1) })
		mustPanic(t, "Adam", "m overlaps v", [][]float32{v, w, u, b}, func() { Adam(v[:4], w[:4], u[:4], u[2:6], 1, 0.9, 0.999, 1e-7, 1) })
		mustPanic(t, "Adam", "param overlaps grad", vw, func() { Adam(v[:4], v[2:6], u[:4], w[:4], 1, 0.9, 0.999, 1e-7, 1) })

		// One batch row of hidden 2: gates 8 values, state 2 values each.
		gates, cPrev, cs, tanhC, h := filled(8), filled(2), filled(2), filled(2), filled(2)
		fw := [][]float32{gates, cPrev, cs, tanhC, h}
		mustPanic(t, "LSTMForward", "len(h)=1", fw, func() { LSTMForward(gates, cPrev, cs, tanhC, h[:1], 1, 2) })
		mustPanic(t, "LSTMForward", "len(gates)=7", fw, func() { LSTMForward(gates[:7], cPrev, cs, tanhC, h, 1, 2) })
		mustPanic(t, "LSTMForward", "negative", fw, func() { LSTMForward(gates, cPrev, cs, tanhC, h, -1, 2) })
		mustPanic(t, "LSTMForward", "c overlaps h", fw, func() { LSTMForward(gates, cPrev, cs, tanhC, cs, 1, 2) })
		state := filled(4)
		mustPanic(t, "LSTMForward", "c partially overlaps cPrev", append(fw, state), func() { LSTMForward(gates, state[:2], state[1:3], tanhC, h, 1, 2) })
		mustPanic(t, "LSTMForward", "h overlaps gates", fw, func() { LSTMForward(gates, cPrev, cs, tanhC, gates[6:], 1, 2) })
		dz, dh, dc := filled(8), filled(2), filled(2)
		bw := [][]float32{dz, dh, dc, gates, cPrev, tanhC}
		mustPanic(t, "LSTMBackward", "len(dz)=7", bw, func() { LSTMBackward(dz[:7], dh, dc, gates, cPrev, tanhC, 1, 2) })
		mustPanic(t, "LSTMBackward", "len(dc)=1", bw, func() { LSTMBackward(dz, dh, dc[:1], gates, cPrev, tanhC, 1, 2) })
		mustPanic(t, "LSTMBackward", "dz overlaps gates", bw, func() { LSTMBackward(gates, dh, dc, gates, cPrev, tanhC, 1, 2) })
		mustPanic(t, "LSTMBackward", "dc overlaps dh", bw, func() { LSTMBackward(dz, dh, dh, gates, cPrev, tanhC, 1, 2) })
	})
}

// TestEmptyShapesWriteNothing checks calls with a zero dimension: they are
// valid, and they must not touch C even with beta 0.
func TestEmptyShapesWriteNothing(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		c := filled(4)
		before := snapshot(c)
		Sgemm(false, false, 0, 4, 3, 1, nil, 3, filled(12), 4, 0, c, 4)
		Sgemm(true, true, 4, 0, 3, 1, filled(12), 4, nil, 3, 0, c, 1)
		Sgemv(false, 0, 5, 1, nil, 5, filled(5), 0, c[:0])
		AddBias(c, 0, 4, 4, filled(4))
		ColSum(c, nil, 0, 4, 4)
		LSTMForward(nil, nil, nil, nil, nil, 0, 3)
		LSTMBackward(nil, nil, nil, nil, nil, nil, 3, 0)
		if !sameBits(before, c) {
			t.Errorf("empty-shape calls changed c from %v to %v", before, c)
		}
	})
}

func TestZeroKAppliesBeta(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		c := []float32{1, 2, 3, 4}
		Sgemm(false, false, 2, 2, 0, 1, nil, 1, nil, 2, 3, c, 2)
		if want := []float32{3, 6, 9, 12}; !sameBits(c, want) {
			t.Errorf("k=0, beta=3: c = %v, want %v", c, want)
		}
		nan := float32(0)
		nan /= nan
		c = []float32{nan, nan, nan, nan}
		Sgemm(true, false, 2, 2, 0, 1, nil, 2, nil, 2, 0, c, 2)
		if want := []float32{0, 0, 0, 0}; !sameBits(c, want) {
			t.Errorf("k=0, beta=0 over NaN: c = %v, want %v", c, want)
		}
	})
}
