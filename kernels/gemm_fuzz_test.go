package kernels

import "testing"

// FuzzSgemm decodes shapes, transposes, paddings, offsets, scalars and a
// value seed from the fuzzer's input and checks Sgemm and SgemmPacked
// against the float64 reference on every level. The seed corpus runs in
// every go test.
func FuzzSgemm(f *testing.F) {
	f.Add(uint8(3), uint8(5), uint8(7), uint8(0), uint8(0), uint8(0), uint64(1))
	f.Add(uint8(1), uint8(33), uint8(17), uint8(1), uint8(0x12), uint8(3), uint64(2))
	f.Add(uint8(33), uint8(1), uint8(40), uint8(2), uint8(0x21), uint8(5), uint64(3))
	f.Add(uint8(40), uint8(40), uint8(40), uint8(3), uint8(0x33), uint8(6), uint64(4))
	f.Add(uint8(0), uint8(9), uint8(0), uint8(3), uint8(0x03), uint8(2), uint64(5))
	f.Add(uint8(17), uint8(13), uint8(1), uint8(0x80|1), uint8(0x30), uint8(4), uint64(6))
	f.Fuzz(func(t *testing.T, m, n, k, flags, pads, scalars uint8, seed uint64) {
		sc := gemmScalars[int(scalars)%len(gemmScalars)]
		tc := gemmCase{
			transA: flags&1 != 0, transB: flags&2 != 0,
			m: int(m) % 48, n: int(n) % 48, k: int(k) % 48,
			alpha: sc.alpha, beta: sc.beta, nanC: sc.nanC,
			padA: int(pads) & 3, padB: int(pads>>2) & 3, padC: int(pads>>4) & 3,
			offA: int(seed % 16), offB: int(seed / 16 % 16), offC: int(seed / 256 % 16),
			special: flags&0x80 != 0,
		}
		forEachLevel(t, func(t *testing.T) {
			checkGemm(t, seed, tc, callSgemm)
			var pb PackedB
			checkGemm(t, seed, tc, func(tc gemmCase, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
				PackB(&pb, tc.transB, tc.k, tc.n, b, ldb)
				SgemmPacked(tc.transA, tc.m, tc.n, tc.k, tc.alpha, a, lda, &pb, tc.beta, c, ldc)
			})
		})
	})
}
