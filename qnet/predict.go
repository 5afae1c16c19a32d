package qnet

// Predict returns the Q-values of one observation in a new slice. Use
// PredictInto on hot paths: it allocates nothing.
func (n *Network) Predict(obs []float32) ([]float32, error) {
	dst := make([]float32, n.arch.Actions)
	if err := n.PredictInto(dst, obs); err != nil {
		return nil, err
	}
	return dst, nil
}

// PredictInto writes the Q-values of one observation to dst[:Actions]. It
// runs without dropout and allocates nothing once the network has predicted
// a batch of this size or larger before.
func (n *Network) PredictInto(dst, obs []float32) error {
	return n.PredictBatch(dst, obs, 1)
}

// PredictBatch writes the Q-values of batch observations, laid out one after
// another in obs, to dst: Actions values per observation, in the same order.
func (n *Network) PredictBatch(dst, obs []float32, batch int) error {
	if err := n.checkBatch(obs, batch); err != nil {
		return err
	}
	if err := n.checkDst(dst, batch); err != nil {
		return err
	}
	n.infer.ar.Reserve(n.inferenceFloats(batch))
	n.infer.ar.Reset()
	q := forward(n.layers, n.infer, obs, batch, false)
	copy(dst, q)
	return nil
}
