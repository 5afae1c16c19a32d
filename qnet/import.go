package qnet

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/deepq-go/deepq/internal/safetensors"
)

// Import reads weights that PyTorch or Keras saved as safetensors and
// returns the network of matching architecture. It recognises, per module
// prefix (the name up to the last dot):
//
//   - PyTorch nn.LSTM: weight_ih_l<k> (4H x in), weight_hh_l<k> (4H x H),
//     bias_ih_l<k> and bias_hh_l<k> (4H each, summed), for each layer k;
//   - PyTorch nn.Linear: weight (out x in) and bias (out);
//   - Keras LSTM: kernel (in x 4H), recurrent_kernel (H x 4H), bias (4H);
//   - Keras Dense: kernel (in x out) and bias (out).
//
// PyTorch matrices are transposed into the Keras layout deepq uses. When any
// LSTM is present, the network is the LSTM Q-network. Its LSTMs come in name
// order, numbers compared by value so lstm2 precedes lstm10, each followed by
// cfg.Dropout. The dense layers follow in name order, with ReLU on all but
// the last. Without an LSTM it is a Dense Q-network. cfg supplies Window and the
// optimizer settings; Features and Actions come from the weights, and the
// first layer's input must equal Window*Features for a Dense network.
func Import(path string, cfg Config) (*Network, error) {
	if kind := archiveKind(path); kind != "" {
		// TODO: read the HDF5 weights inside .keras archives directly.
		return nil, fmt.Errorf("qnet: import %s: the file is %s, not safetensors; export the weights with safetensors (for Keras, save each layer's kernel, recurrent_kernel and bias)", path, kind)
	}
	f, err := safetensors.ReadFile(path, maxFileBytes)
	if err != nil {
		return nil, fmt.Errorf("qnet: import: %w", err)
	}
	n, err := importFile(f, cfg)
	if err != nil {
		return nil, fmt.Errorf("qnet: import %s: %w", path, err)
	}
	return n, nil
}

// importedLayer is one layer's weights in deepq's layout.
type importedLayer struct {
	name    string
	lstm    bool
	in, out int       // out is H for an LSTM
	w, u, b []float32 // u is nil for dense
}

func importFile(f *safetensors.File, cfg Config) (*Network, error) {
	layers, err := collectLayers(f)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(layers, func(a, b importedLayer) int {
		if a.lstm != b.lstm {
			if a.lstm {
				return -1
			}
			return 1
		}
		return naturalCompare(a.name, b.name)
	})

	last := layers[len(layers)-1]
	if last.lstm {
		return nil, fmt.Errorf("the last layer %q is an LSTM; a Q-network ends in a dense layer", last.name)
	}
	arch := Architecture{Window: cfg.Window, Actions: last.out}
	var lstmCount int
	for _, l := range layers {
		if l.lstm {
			lstmCount++
		}
	}
	if lstmCount > 0 {
		arch.Model, arch.Features = ModelLSTM, layers[0].in
		arch.Layers = append(arch.Layers, LayerSpec{Kind: KindReshape, In: cfg.Window * arch.Features, Units: arch.Features, Steps: cfg.Window})
	} else {
		arch.Model = ModelDense
		if cfg.Window <= 0 || layers[0].in%cfg.Window != 0 {
			return nil, fmt.Errorf("the first layer takes %d inputs, which is not a multiple of window %d", layers[0].in, cfg.Window)
		}
		arch.Features = layers[0].in / cfg.Window
	}
	denseSeen := 0
	for i, l := range layers {
		if l.lstm {
			arch.Layers = append(arch.Layers,
				LayerSpec{Kind: KindLSTM, In: l.in, Units: l.out, Steps: cfg.Window, ReturnSequences: i < lstmCount-1},
				LayerSpec{Kind: KindDropout, In: l.out, Units: l.out, Rate: cfg.Dropout})
			continue
		}
		act := "relu"
		if i == len(layers)-1 {
			act = "linear"
		}
		arch.Layers = append(arch.Layers, LayerSpec{Kind: KindDense, In: l.in, Units: l.out, Activation: act})
		denseSeen++
	}

	cfg.Window, cfg.Features, cfg.Actions = arch.Window, arch.Features, arch.Actions
	cfg.LSTMUnits, cfg.DenseUnits = nil, nil
	for i, l := range layers {
		switch {
		case l.lstm:
			cfg.LSTMUnits = append(cfg.LSTMUnits, l.out)
		case i < len(layers)-1:
			cfg.DenseUnits = append(cfg.DenseUnits, l.out)
		}
	}
	if err := cfg.validateTraining(); err != nil {
		return nil, err
	}
	n, err := newNetwork(cfg, arch, false)
	if err != nil {
		return nil, err
	}

	// Copy the weights into the bound views, layer by layer.
	next := 0
	for _, nl := range n.layers {
		switch v := nl.(type) {
		case lstmLayer:
			l := layers[next]
			next++
			copy(v.l.W, l.w)
			copy(v.l.U, l.u)
			copy(v.l.B, l.b)
		case denseLayer:
			l := layers[next]
			next++
			copy(v.d.W, l.w)
			copy(v.d.B, l.b)
		}
	}
	if !n.WeightsFinite() {
		return nil, fmt.Errorf("the weights contain NaN or Inf")
	}
	return n, nil
}

// collectLayers groups the file's tensors by module prefix and converts
// each module to deepq's layout. Every tensor must belong to a recognised
// module.
func collectLayers(f *safetensors.File) ([]importedLayer, error) {
	modules := map[string]map[string]safetensors.Tensor{}
	for _, name := range f.Names() {
		dot := strings.LastIndexByte(name, '.')
		if dot <= 0 {
			return nil, fmt.Errorf("tensor %q has no module prefix; want names like lstm1.weight_ih_l0 or fc1.weight", name)
		}
		prefix, param := name[:dot], name[dot+1:]
		if modules[prefix] == nil {
			modules[prefix] = map[string]safetensors.Tensor{}
		}
		t, _ := f.Get(name)
		modules[prefix][param] = t
	}
	if len(modules) == 0 {
		return nil, fmt.Errorf("the file contains no tensors; want LSTM or dense weights")
	}

	var layers []importedLayer
	for prefix, params := range modules {
		var got []importedLayer
		var err error
		switch {
		case has(params, "weight_ih_l0"):
			got, err = torchLSTM(prefix, params)
		case has(params, "recurrent_kernel"):
			got, err = kerasLSTM(prefix, params)
		case has(params, "weight"):
			got, err = torchLinear(prefix, params)
		case has(params, "kernel"):
			got, err = kerasDense(prefix, params)
		default:
			return nil, fmt.Errorf("module %q has tensors %v; none is a known LSTM or dense weight", prefix, sortedKeys(params))
		}
		if err != nil {
			return nil, err
		}
		layers = append(layers, got...)
	}
	return layers, nil
}

func torchLSTM(prefix string, params map[string]safetensors.Tensor) ([]importedLayer, error) {
	var out []importedLayer
	used := 0
	for k := 0; has(params, fmt.Sprintf("weight_ih_l%d", k)); k++ {
		wih := params[fmt.Sprintf("weight_ih_l%d", k)]
		whh, ok := params[fmt.Sprintf("weight_hh_l%d", k)]
		if !ok {
			return nil, fmt.Errorf("module %q: weight_hh_l%d is missing", prefix, k)
		}
		if len(wih.Shape) != 2 || len(whh.Shape) != 2 || wih.Shape[0]%4 != 0 {
			return nil, fmt.Errorf("module %q layer %d: weight_ih %v and weight_hh %v are not (4H x in) and (4H x H)", prefix, k, wih.Shape, whh.Shape)
		}
		g4, in := wih.Shape[0], wih.Shape[1]
		h := g4 / 4
		if whh.Shape[0] != g4 || whh.Shape[1] != h {
			return nil, fmt.Errorf("module %q layer %d: weight_hh has shape %v, want [%d %d]", prefix, k, whh.Shape, g4, h)
		}
		b := make([]float32, g4)
		used += 2
		for _, bn := range []string{"bias_ih_l", "bias_hh_l"} {
			t, ok := params[fmt.Sprintf("%s%d", bn, k)]
			if !ok {
				continue
			}
			if !slices.Equal(t.Shape, []int{g4}) {
				return nil, fmt.Errorf("module %q: %s%d has shape %v, want [%d]", prefix, bn, k, t.Shape, g4)
			}
			for i, v := range t.Data {
				b[i] += v
			}
			used++
		}
		out = append(out, importedLayer{
			name: fmt.Sprintf("%s.%d", prefix, k), lstm: true, in: in, out: h,
			w: transpose(wih.Data, g4, in), u: transpose(whh.Data, g4, h), b: b,
		})
	}
	if used != len(params) {
		return nil, fmt.Errorf("module %q has tensors %v; some are not nn.LSTM weights of a unidirectional LSTM", prefix, sortedKeys(params))
	}
	return out, nil
}

func kerasLSTM(prefix string, params map[string]safetensors.Tensor) ([]importedLayer, error) {
	w, u, b := params["kernel"], params["recurrent_kernel"], params["bias"]
	if len(params) != 3 || len(w.Shape) != 2 || len(u.Shape) != 2 || u.Shape[1]%4 != 0 {
		return nil, fmt.Errorf("module %q: want kernel (in x 4H), recurrent_kernel (H x 4H) and bias (4H); got %v", prefix, sortedKeys(params))
	}
	g4 := u.Shape[1]
	h, in := g4/4, w.Shape[0]
	if u.Shape[0] != h || w.Shape[1] != g4 || !slices.Equal(b.Shape, []int{g4}) {
		return nil, fmt.Errorf("module %q: kernel %v, recurrent_kernel %v and bias %v do not fit one LSTM", prefix, w.Shape, u.Shape, b.Shape)
	}
	return []importedLayer{{name: prefix, lstm: true, in: in, out: h, w: w.Data, u: u.Data, b: b.Data}}, nil
}

func torchLinear(prefix string, params map[string]safetensors.Tensor) ([]importedLayer, error) {
	w := params["weight"]
	if len(w.Shape) != 2 {
		return nil, fmt.Errorf("module %q: weight has shape %v, want (out x in)", prefix, w.Shape)
	}
	out, in := w.Shape[0], w.Shape[1]
	b, err := optionalBias(prefix, params, "weight", out)
	if err != nil {
		return nil, err
	}
	return []importedLayer{{name: prefix, in: in, out: out, w: transpose(w.Data, out, in), b: b}}, nil
}

func kerasDense(prefix string, params map[string]safetensors.Tensor) ([]importedLayer, error) {
	w := params["kernel"]
	if len(w.Shape) != 2 {
		return nil, fmt.Errorf("module %q: kernel has shape %v, want (in x out)", prefix, w.Shape)
	}
	in, out := w.Shape[0], w.Shape[1]
	b, err := optionalBias(prefix, params, "kernel", out)
	if err != nil {
		return nil, err
	}
	return []importedLayer{{name: prefix, in: in, out: out, w: w.Data, b: b}}, nil
}

// optionalBias returns the module's bias of n values, or zeros when it has
// none, and rejects any other tensor besides the weight.
func optionalBias(prefix string, params map[string]safetensors.Tensor, weight string, n int) ([]float32, error) {
	b, ok := params["bias"]
	if len(params) > 2 || (len(params) == 2 && !ok) {
		return nil, fmt.Errorf("module %q has tensors %v; want only %s and bias", prefix, sortedKeys(params), weight)
	}
	if !ok {
		return make([]float32, n), nil
	}
	if !slices.Equal(b.Shape, []int{n}) {
		return nil, fmt.Errorf("module %q: bias has shape %v, want [%d]", prefix, b.Shape, n)
	}
	return b.Data, nil
}

// transpose returns the cols x rows transpose of a rows x cols matrix.
func transpose(a []float32, rows, cols int) []float32 {
	t := make([]float32, len(a))
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			t[j*rows+i] = a[i*cols+j]
		}
	}
	return t
}

func has(m map[string]safetensors.Tensor, k string) bool {
	_, ok := m[k]
	return ok
}

func sortedKeys(m map[string]safetensors.Tensor) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// naturalCompare orders strings with digit runs compared as numbers, so
// "fc2" sorts before "fc10".
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// archiveKind names the container format of a file that is clearly not
// safetensors, from its first bytes, or returns "" when it may be.
func archiveKind(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "a zip archive (a Keras .keras file is one)"
	case bytes.HasPrefix(head, []byte("\x89HDF\r\n\x1a\n")):
		return "an HDF5 file (Keras .h5 weights)"
	}
	return ""
}
