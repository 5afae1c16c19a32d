package tensor

import (
	"fmt"
	"strings"
)

// Tensor is a dense float32 array in row-major order: the last dimension is
// contiguous. Len(Data) always equals the product of Shape.
type Tensor struct {
	Shape []int
	Data  []float32
}

// New returns a zeroed, aligned tensor of the given shape. It panics on a
// negative dimension.
func New(shape ...int) *Tensor {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor: New: negative dimension in shape %v", shape))
		}
		n *= d
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: Aligned(n)}
}

// FromSlice wraps data in a tensor of the given shape without copying. It
// returns an error if the shape does not account for every value.
func FromSlice(data []float32, shape ...int) (*Tensor, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return nil, fmt.Errorf("tensor: shape %v has a negative dimension", shape)
		}
		n *= d
	}
	if n != len(data) {
		return nil, fmt.Errorf("tensor: shape %v needs %d values, got %d", shape, n, len(data))
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: data}, nil
}

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.Data) }

// Clone returns a deep copy with aligned storage.
func (t *Tensor) Clone() *Tensor {
	c := New(t.Shape...)
	copy(c.Data, t.Data)
	return c
}

// String formats the shape, for example "Tensor[64 128]".
func (t *Tensor) String() string {
	parts := make([]string, len(t.Shape))
	for i, d := range t.Shape {
		parts[i] = fmt.Sprint(d)
	}
	return "Tensor[" + strings.Join(parts, " ") + "]"
}
