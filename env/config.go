package env

import (
	"fmt"
	"math"
)

// NumFeatures is the number of features per bar: four market features and
// the position channel.
const NumFeatures = 5

// Config sets the observation shape, the trading cost and the episode length.
type Config struct {
	// Window is the number of bars in one observation, the newest last.
	Window int `json:"window"`
	// Features is the number of features per bar. It must equal NumFeatures
	// and exists so that a network's input size, Window*Features, is read
	// from one place.
	Features int `json:"features"`
	// CostBps is the transaction cost in basis points of portfolio value,
	// charged on every position change as a log return of log(1 - CostBps/1e4).
	CostBps float64 `json:"cost_bps"`
	// MaxEpisodeSteps caps the steps of an episode started by Env.Reset or
	// VecEnv; 0 means run to the last bar. Backtest ignores it.
	MaxEpisodeSteps int `json:"max_episode_steps"`
}

// DefaultConfig returns a 30-bar window of 5 features, a cost of 10 basis
// points per position change and episodes that run to the last bar.
func DefaultConfig() Config {
	return Config{Window: 30, Features: NumFeatures, CostBps: 10}
}

// ObservationSize returns Window*Features, the length of one observation.
func (c Config) ObservationSize() int { return c.Window * c.Features }

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.Window < 1:
		return fmt.Errorf("env: Config.Window is %d, expected at least 1", c.Window)
	case c.Features != NumFeatures:
		return fmt.Errorf("env: Config.Features is %d, expected %d (four market features and the position)", c.Features, NumFeatures)
	case !(c.CostBps >= 0 && c.CostBps < 1e4) || math.IsInf(c.CostBps, 0):
		return fmt.Errorf("env: Config.CostBps is %v, expected basis points in [0, 10000)", c.CostBps)
	case c.MaxEpisodeSteps < 0:
		return fmt.Errorf("env: Config.MaxEpisodeSteps is %d, expected 0 (no cap) or a positive step count", c.MaxEpisodeSteps)
	}
	return nil
}

// costLogReturn is the log return charged for one position change.
func (c Config) costLogReturn() float64 { return math.Log1p(-c.CostBps / 1e4) }
