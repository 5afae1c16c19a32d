package dqn

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"
)

// maxReplayCapacity bounds Config.ReplayCapacity so that bar indices and
// the stored buffer stay well inside int32 and a few hundred megabytes.
const maxReplayCapacity = 1 << 24

// Transition is one environment step, stored without its observations.
// The observation before the step is the window ending at bar Index with
// Position as the position channel, and the observation after it is the
// window ending at bar Index+1 with NextPosition. An Observer rebuilds both,
// so a transition takes 12 bytes instead of two windows of
// Window*Features float32 values (1 200 bytes for the default 30 x 5).
type Transition struct {
	Index        int32   // bar of the observation before the step
	Reward       float32 // log return of the step, net of costs
	Action       int8    // action taken: env.Hold, env.Buy or env.Sell
	Position     int8    // position before the step, 0 or 1
	NextPosition int8    // position after the step, 0 or 1
	Done         bool    // whether the episode ended, so the target does not bootstrap
}

// Replay is a ring buffer of transitions with uniform sampling. It holds
// Capacity transitions in 12 bytes each, allocated once by NewReplay, and
// overwrites the oldest when full. Add and Sample allocate nothing.
//
// A Replay is not safe for concurrent use.
type Replay struct {
	data []Transition
	next int // slot the next Add writes
	size int // transitions held, at most len(data)
	pcg  *rand.PCG
	rng  *rand.Rand
}

// NewReplay returns an empty buffer of the given capacity whose sampling
// generator is a PCG seeded with seed.
func NewReplay(capacity int, seed uint64) (*Replay, error) {
	if capacity < 1 || capacity > maxReplayCapacity {
		return nil, fmt.Errorf("dqn: replay capacity %d is invalid, expected 1..%d transitions", capacity, maxReplayCapacity)
	}
	pcg := rand.NewPCG(seed, 0x5851f42d4c957f2d)
	return &Replay{data: make([]Transition, capacity), pcg: pcg, rng: rand.New(pcg)}, nil
}

// Len returns the number of transitions held.
func (r *Replay) Len() int { return r.size }

// Cap returns the capacity.
func (r *Replay) Cap() int { return len(r.data) }

// Add stores t, overwriting the oldest transition when the buffer is full.
func (r *Replay) Add(t Transition) {
	r.data[r.next] = t
	r.next++
	if r.next == len(r.data) {
		r.next = 0
	}
	if r.size < len(r.data) {
		r.size++
	}
}

// At returns the i-th oldest transition held, for i in [0, Len).
func (r *Replay) At(i int) (Transition, error) {
	if i < 0 || i >= r.size {
		return Transition{}, fmt.Errorf("dqn: replay index %d is outside [0, %d)", i, r.size)
	}
	start := r.next - r.size
	if start < 0 {
		start += len(r.data)
	}
	return r.data[(start+i)%len(r.data)], nil
}

// Sample fills dst with transitions drawn uniformly, with replacement,
// from those held. It returns an error when the buffer is empty.
func (r *Replay) Sample(dst []Transition) error {
	if r.size == 0 {
		return errors.New("dqn: sample from an empty replay buffer")
	}
	for i := range dst {
		dst[i] = r.data[r.rng.IntN(r.size)]
	}
	return nil
}

// replayMagic starts the binary form of a Replay, followed by its version.
const replayMagic = "deepq-replay\x00\x01"

// transitionBytes is the size of one transition in the binary form.
const transitionBytes = 12

// MarshalBinary encodes the buffer, its order and its sampling generator,
// so that a checkpoint resumes with the same samples. The layout is the
// magic, little-endian uint64 capacity, size and next slot, the generator
// state with a uint32 length, size records of 12 bytes from the oldest, and
// a CRC-32 (Castagnoli) of everything before it.
func (r *Replay) MarshalBinary() ([]byte, error) {
	state, err := r.pcg.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("dqn: encode replay generator: %w", err)
	}
	out := make([]byte, 0, len(replayMagic)+28+len(state)+r.size*transitionBytes+4)
	out = append(out, replayMagic...)
	out = binary.LittleEndian.AppendUint64(out, uint64(len(r.data)))
	out = binary.LittleEndian.AppendUint64(out, uint64(r.size))
	out = binary.LittleEndian.AppendUint64(out, uint64(r.next))
	out = binary.LittleEndian.AppendUint32(out, uint32(len(state)))
	out = append(out, state...)
	for i := range r.size {
		t, _ := r.At(i)
		out = binary.LittleEndian.AppendUint32(out, uint32(t.Index))
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(t.Reward))
		done := byte(0)
		if t.Done {
			done = 1
		}
		out = append(out, byte(t.Action), byte(t.Position), byte(t.NextPosition), done)
	}
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli)), nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// UnmarshalBinary restores a buffer written by MarshalBinary, replacing
// r's contents, capacity and generator. On error r is unchanged.
func (r *Replay) UnmarshalBinary(b []byte) error {
	if len(b) < len(replayMagic)+28+4 || !bytes.HasPrefix(b, []byte(replayMagic)) {
		return errors.New("dqn: replay data is not a deepq replay buffer of this version")
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return errors.New("dqn: replay data is corrupt: checksum mismatch")
	}
	p := body[len(replayMagic):]
	capacity := binary.LittleEndian.Uint64(p)
	size := binary.LittleEndian.Uint64(p[8:])
	next := binary.LittleEndian.Uint64(p[16:])
	stateLen := uint64(binary.LittleEndian.Uint32(p[24:]))
	p = p[28:]
	if capacity < 1 || capacity > maxReplayCapacity || size > capacity || next >= capacity ||
		(size < capacity && next != size) || stateLen > uint64(len(p)) ||
		uint64(len(p))-stateLen != size*transitionBytes {
		return fmt.Errorf("dqn: replay data is invalid: capacity %d, size %d, next slot %d, %d bytes of records",
			capacity, size, next, len(p))
	}
	pcg := &rand.PCG{}
	if err := pcg.UnmarshalBinary(p[:stateLen]); err != nil {
		return fmt.Errorf("dqn: replay generator state is invalid: %w", err)
	}
	p = p[stateLen:]
	data := make([]Transition, capacity)
	start := (next + capacity - size) % capacity
	for i := range size {
		rec := p[i*transitionBytes:]
		t := Transition{
			Index:        int32(binary.LittleEndian.Uint32(rec)),
			Reward:       math.Float32frombits(binary.LittleEndian.Uint32(rec[4:])),
			Action:       int8(rec[8]),
			Position:     int8(rec[9]),
			NextPosition: int8(rec[10]),
			Done:         rec[11] == 1,
		}
		if t.Index < 0 || t.Action < 0 || t.Action > 2 || t.Position&^1 != 0 || t.NextPosition&^1 != 0 || rec[11] > 1 {
			return fmt.Errorf("dqn: replay record %d is invalid: %+v", i, t)
		}
		data[(start+i)%capacity] = t
	}
	r.data, r.size, r.next = data, int(size), int(next)
	r.pcg, r.rng = pcg, rand.New(pcg)
	return nil
}
