package dqn

import (
	"testing"
	"unsafe"
)

func TestReplaySamplingIsUniform(t *testing.T) {
	const capacity, draws = 100, 200_000
	r, err := NewReplay(capacity, 42)
	if err != nil {
		t.Fatal(err)
	}
	for i := range capacity {
		r.Add(Transition{Index: int32(i)})
	}
	counts := make([]int, capacity)
	batch := make([]Transition, 64)
	for range draws / len(batch) {
		if err := r.Sample(batch); err != nil {
			t.Fatal(err)
		}
		for _, tr := range batch {
			counts[tr.Index]++
		}
	}
	total := draws / len(batch) * len(batch)
	expected := float64(total) / capacity
	var chi2 float64
	for _, c := range counts {
		d := float64(c) - expected
		chi2 += d * d / expected
	}
	// Chi-square with 99 degrees of freedom has mean 99 and standard
	// deviation 14; 170 is five standard deviations above the mean.
	if chi2 > 170 {
		t.Errorf("chi-square of %d draws over %d slots is %.1f, expected below 170 for uniform sampling", total, capacity, chi2)
	}
}

func TestReplayWrapsAround(t *testing.T) {
	r, err := NewReplay(5, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		r.Add(Transition{Index: int32(i)})
	}
	if r.Len() != 5 || r.Cap() != 5 {
		t.Fatalf("Len, Cap = %d, %d, expected 5, 5", r.Len(), r.Cap())
	}
	for i := range 5 {
		tr, err := r.At(i)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Index != int32(3+i) {
			t.Errorf("At(%d).Index = %d, expected %d (oldest first after overwriting 0..2)", i, tr.Index, 3+i)
		}
	}
	batch := make([]Transition, 1000)
	if err := r.Sample(batch); err != nil {
		t.Fatal(err)
	}
	for _, tr := range batch {
		if tr.Index < 3 {
			t.Fatalf("sampled overwritten transition %d", tr.Index)
		}
	}
	if _, err := r.At(5); err == nil {
		t.Error("At(5) on 5 transitions returned no error")
	}
}

func TestReplayRejectsBadUse(t *testing.T) {
	for _, capacity := range []int{0, -1, maxReplayCapacity + 1} {
		if _, err := NewReplay(capacity, 1); err == nil {
			t.Errorf("NewReplay(%d) returned no error", capacity)
		}
	}
	r, err := NewReplay(4, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Sample(make([]Transition, 2)); err == nil {
		t.Error("Sample from an empty buffer returned no error")
	}
}

func TestReplayAllocatesNothing(t *testing.T) {
	r, err := NewReplay(1000, 3)
	if err != nil {
		t.Fatal(err)
	}
	batch := make([]Transition, 64)
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		r.Add(Transition{Index: int32(i), Reward: 0.5})
		i++
		if err := r.Sample(batch); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Add and Sample allocate %v times per call, expected 0", allocs)
	}
}

func TestReplayBinaryRoundTrip(t *testing.T) {
	r, err := NewReplay(7, 9)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		r.Add(Transition{Index: int32(100 + i), Reward: float32(i) / 4, Action: int8(i % 3), Position: int8(i % 2), NextPosition: int8((i + 1) % 2), Done: i%4 == 0})
	}
	data, err := r.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Replay
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if back.Len() != r.Len() || back.Cap() != r.Cap() {
		t.Fatalf("restored Len, Cap = %d, %d, expected %d, %d", back.Len(), back.Cap(), r.Len(), r.Cap())
	}
	a, b := make([]Transition, 50), make([]Transition, 50)
	if err := r.Sample(a); err != nil {
		t.Fatal(err)
	}
	if err := back.Sample(b); err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("sample %d after restore is %+v, expected %+v", i, b[i], a[i])
		}
	}
	back.Add(Transition{Index: 1})
	r.Add(Transition{Index: 1})
	if x, _ := back.At(back.Len() - 1); x.Index != 1 {
		t.Errorf("newest transition after Add is %+v, expected Index 1", x)
	}

	corrupt := append([]byte(nil), data...)
	corrupt[len(corrupt)/2] ^= 1
	if err := back.UnmarshalBinary(corrupt); err == nil {
		t.Error("UnmarshalBinary accepted data with a flipped bit")
	}
	if err := back.UnmarshalBinary(data[:10]); err == nil {
		t.Error("UnmarshalBinary accepted truncated data")
	}
}

func TestTransitionTakes12Bytes(t *testing.T) {
	if size := unsafe.Sizeof(Transition{}); size != 12 {
		t.Errorf("Transition takes %d bytes, the documentation states 12", size)
	}
}
