package kernels

// packA copies the mb x kb block of op(A) starting at row i0, column p0
// into dst as panels of mr rows. Panel r holds rows r*mr.. as kb steps of mr
// values, and rows past mb are zero so the micro-kernel receives full tiles.
func packA(dst []float32, transA bool, a []float32, lda, i0, p0, mb, kb, mr int) {
	for ir := 0; ir < mb; ir += mr {
		panel := dst[ir*kb : (ir+mr)*kb]
		mm := min(mr, mb-ir)
		if transA {
			// Stored row p0+p holds column p of op(A).
			for p := 0; p < kb; p++ {
				step := panel[p*mr : p*mr+mr]
				copy(step, a[(p0+p)*lda+i0+ir:][:mm])
				clear(step[mm:])
			}
			continue
		}
		for i := 0; i < mm; i++ {
			src := a[(i0+ir+i)*lda+p0:][:kb]
			for p, v := range src {
				panel[p*mr+i] = v
			}
		}
		for i := mm; i < mr; i++ {
			for p := 0; p < kb; p++ {
				panel[p*mr+i] = 0
			}
		}
	}
}

// packB copies the kb x nb block of op(B) starting at row p0, column j0
// into dst as panels of nr columns. Panel r holds columns r*nr.. as kb steps
// of nr values, and columns past nb are zero.
func packB(dst []float32, transB bool, b []float32, ldb, p0, j0, kb, nb, nr int) {
	for jr := 0; jr < nb; jr += nr {
		panel := dst[jr*kb : (jr+nr)*kb]
		nn := min(nr, nb-jr)
		if !transB {
			for p := 0; p < kb; p++ {
				step := panel[p*nr : p*nr+nr]
				copy(step, b[(p0+p)*ldb+j0+jr:][:nn])
				clear(step[nn:])
			}
			continue
		}
		// Stored row j0+jr+j holds column j of op(B).
		for j := 0; j < nn; j++ {
			src := b[(j0+jr+j)*ldb+p0:][:kb]
			for p, v := range src {
				panel[p*nr+j] = v
			}
		}
		for j := nn; j < nr; j++ {
			for p := 0; p < kb; p++ {
				panel[p*nr+j] = 0
			}
		}
	}
}
