package safetensors

// Tensor is a named float32 array in row-major order.
// len(Data) equals the product of Shape, and an empty Shape is a scalar.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// File is a decoded safetensors file.
type File struct {
	// Metadata is the header's "__metadata__" object. It is empty, not nil,
	// when the file has none.
	Metadata map[string]string

	tensors []Tensor // in header order
	index   map[string]int
}

// Get returns the tensor with the given name. The returned Data shares
// memory with the File.
func (f *File) Get(name string) (Tensor, bool) {
	i, ok := f.index[name]
	if !ok {
		return Tensor{}, false
	}
	return f.tensors[i], true
}

// Names returns the tensor names in the order of the JSON header.
func (f *File) Names() []string {
	names := make([]string, len(f.tensors))
	for i, t := range f.tensors {
		names[i] = t.Name
	}
	return names
}

// Tensors returns the tensors in the order of the JSON header. The slice is
// a copy, but each tensor's Data shares memory with the File.
func (f *File) Tensors() []Tensor {
	return append([]Tensor(nil), f.tensors...)
}

// Len returns the number of tensors.
func (f *File) Len() int {
	return len(f.tensors)
}
