package tensor

// Arena hands out aligned float32 buffers that live until the next Reset.
//
// A training step allocates its activations and gradients from an Arena and
// calls Reset before the next step. The first steps grow the Arena; once it
// has seen the largest step, Alloc never calls the Go allocator again. An
// Arena is not safe for concurrent use: give each goroutine its own.
type Arena struct {
	buf      []float32   // the main block, reused across Resets
	off      int         // floats of buf handed out since the last Reset
	overflow [][]float32 // blocks allocated because buf was too small
	used     int         // floats handed out since the last Reset, rounded
	peak     int         // largest used seen at any time
}

// Alloc returns a zeroed buffer of n floats that stays valid until Reset.
// Every buffer starts on an Alignment-byte boundary and buffers never overlap.
// It panics if n is negative.
func (a *Arena) Alloc(n int) []float32 {
	s := a.AllocNoZero(n)
	clear(s)
	return s
}

// AllocNoZero is Alloc without zeroing: the buffer may hold values from an
// earlier step. Use it for buffers that are fully written before being read.
func (a *Arena) AllocNoZero(n int) []float32 {
	if n < 0 {
		panic("tensor: Arena.Alloc: negative length")
	}
	size := roundUp(n)
	a.used += size
	a.peak = max(a.peak, a.used)
	if a.off+size <= len(a.buf) {
		s := a.buf[a.off : a.off+n : a.off+n]
		a.off += size
		return s
	}
	s := Aligned(n)
	a.overflow = append(a.overflow, s)
	return s
}

// Reset makes every buffer handed out so far free for reuse. If the last
// cycle needed more than the main block holds, the block grows to the peak
// so that the same cycle fits without allocating next time.
func (a *Arena) Reset() {
	if len(a.overflow) > 0 || a.peak > len(a.buf) {
		a.buf = Aligned(a.peak)
		a.overflow = nil
	}
	a.off = 0
	a.used = 0
}

// Reserve grows the main block to at least n floats, so that a cycle that
// allocates up to n floats (counted after rounding) never allocates.
func (a *Arena) Reserve(n int) {
	if n > len(a.buf) {
		a.peak = max(a.peak, n)
		a.buf = Aligned(n)
		a.overflow = nil
		a.off = 0
		a.used = 0
	}
}

// Used returns the floats handed out since the last Reset, counting each
// buffer rounded up to the alignment block.
func (a *Arena) Used() int { return a.used }

// Peak returns the largest Used seen since the Arena was created.
func (a *Arena) Peak() int { return a.peak }

// Bytes returns the bytes the Arena holds now, main block and overflow.
func (a *Arena) Bytes() int {
	n := len(a.buf)
	for _, s := range a.overflow {
		n += len(s)
	}
	return 4 * n
}

// SizeOf returns the floats an Alloc(n) takes from the Arena, so that callers
// can plan exact workspace sizes.
func SizeOf(n int) int { return roundUp(n) }
