package qnet

import (
	"fmt"
	"math"
)

// CopyWeightsTo copies every weight into dst, the hard update of a DQN
// target network. dst keeps its own optimizer state. It returns an error if
// the architectures differ.
func (n *Network) CopyWeightsTo(dst *Network) error {
	if err := n.checkSameArchitecture(dst); err != nil {
		return err
	}
	copy(dst.params, n.params)
	return nil
}

// SoftUpdateTo moves dst's weights towards this network's:
// dst = tau*this + (1-tau)*dst, the Polyak update of a DQN target network.
// tau must be in (0, 1].
func (n *Network) SoftUpdateTo(dst *Network, tau float64) error {
	if !(tau > 0 && tau <= 1) {
		return fmt.Errorf("qnet: soft update rate tau %v is outside (0, 1]", tau)
	}
	if err := n.checkSameArchitecture(dst); err != nil {
		return err
	}
	t := float32(tau)
	for i, w := range n.params {
		dst.params[i] = t*w + (1-t)*dst.params[i]
	}
	return nil
}

// Clone returns an independent copy of the network: weights, optimizer state
// and configuration. A DQN agent clones its online network to make the
// target network.
func (n *Network) Clone() *Network {
	c, err := newNetwork(n.cfg, n.arch, false)
	if err != nil {
		panic(fmt.Sprintf("qnet: Clone: rebuilding a valid architecture failed: %v", err))
	}
	copy(c.params, n.params)
	copy(c.m, n.m)
	copy(c.v, n.v)
	c.step = n.step
	*c.rngState = *n.rngState
	return c
}

func (n *Network) checkSameArchitecture(dst *Network) error {
	if dst == nil {
		return fmt.Errorf("qnet: destination network is nil")
	}
	if !n.arch.Equal(dst.arch) {
		return fmt.Errorf("qnet: architectures differ: source %v, destination %v", n.arch, dst.arch)
	}
	return nil
}

// WeightsFinite reports whether every weight is finite.
func (n *Network) WeightsFinite() bool {
	for _, w := range n.params {
		if math.IsNaN(float64(w)) || math.IsInf(float64(w), 0) {
			return false
		}
	}
	return true
}
