// Package dqn trains deep-Q-network trading agents on the environments of
// package env with the Q-networks of package qnet.
//
// An Agent chooses actions epsilon-greedily, stores transitions in a Replay
// buffer and trains its online network on Double DQN targets computed with
// a target network. A Trainer runs episodes over a training series with a
// vector of environments, evaluates greedily on a test series, writes a
// checkpoint after each episode and can Resume from it.
//
// Every schedule (warm-up, training frequency, target updates, epsilon)
// counts environment steps: a tick of N environments advances it by N.
// Training with the same seed, data and kernel level is deterministic.
//
// The package never prints or logs. Progress goes to an optional callback,
// and every failure is returned as an error.
package dqn
