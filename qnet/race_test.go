//go:build race

package qnet

const raceEnabled = true
