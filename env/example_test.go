package env_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/deepq-go/deepq/env"
)

// Example trains nothing but shows the data flow of a training run: load the
// embedded DAX, split it, fit the normaliser on the training span, step a
// batch of environments and backtest a fixed policy on the test span.
func Example() {
	dax, err := env.DAX()
	if err != nil {
		fmt.Println(err)
		return
	}
	train, test, err := env.SplitEuStock(dax)
	if err != nil {
		fmt.Println(err)
		return
	}
	norm, err := env.FitNormalizer(train)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := env.DefaultConfig()
	cfg.MaxEpisodeSteps = 200

	batch, err := env.NewVecEnv(train, norm, cfg, 4, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		fmt.Println(err)
		return
	}
	obs := make([]float32, batch.N()*cfg.ObservationSize())
	actions := make([]int, batch.N())
	rewards := make([]float32, batch.N())
	dones := make([]bool, batch.N())
	for range 10 {
		if err := batch.ObserveAll(obs); err != nil {
			fmt.Println(err)
			return
		}
		// A Q-network would choose actions from obs here.
		if err := batch.Step(actions, rewards, dones); err != nil {
			fmt.Println(err)
			return
		}
	}

	result, err := env.Backtest(test, norm, cfg, func([]float32) (int, error) { return env.Buy, nil })
	if err != nil {
		fmt.Println(err)
		return
	}
	m := result.Metrics
	fmt.Printf("train %d bars, test %d bars\n", train.Len(), test.Len())
	fmt.Printf("steps %d, trades %d, exposure %.0f%%\n", m.Steps, m.Trades, 100*m.Exposure)
	fmt.Printf("return %.4f vs buy-and-hold %.4f\n", m.TotalReturn, m.BuyHoldReturn)
	// Output:
	// train 1560 bars, test 300 bars
	// steps 270, trades 1, exposure 100%
	// return 0.2608 vs buy-and-hold 0.2621
}
