package qnet_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/deepq-go/deepq/qnet"
)

// A trading service builds (or loads) a network, predicts Q-values for an
// observation window and picks the best action.
func Example() {
	cfg := qnet.DefaultConfig() // window 30 x 5 features, actions hold, buy, sell
	net, err := qnet.BuildLSTM(cfg)
	if err != nil {
		log.Fatal(err)
	}

	obs := make([]float32, cfg.Window*cfg.Features) // oldest bar first
	q := make([]float32, cfg.Actions)
	if err := net.PredictInto(q, obs); err != nil {
		log.Fatal(err)
	}
	best := 0
	for a := range q {
		if q[a] > q[best] {
			best = a
		}
	}
	fmt.Println("Q-values:", len(q), "best action in range:", best >= 0 && best < 3)
	// Output: Q-values: 3 best action in range: true
}

// Training on the taken actions only, as DQN does, then saving atomically
// with the optimizer state so that training can resume.
func ExampleNetwork_TrainOnActions() {
	cfg := qnet.DefaultConfig()
	net, _ := qnet.BuildLSTM(cfg)

	const batch = 4
	obs := make([]float32, batch*cfg.Window*cfg.Features)
	actions := []int{0, 1, 2, 1}
	targets := []float32{0.01, -0.02, 0, 0.03}
	if _, err := net.TrainOnActions(obs, actions, targets, batch); err != nil {
		log.Fatal(err)
	}

	dir, _ := os.MkdirTemp("", "qnet-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")
	if err := net.SaveWith(path, qnet.SaveOptions{Optimizer: true}); err != nil {
		log.Fatal(err)
	}
	loaded, err := qnet.LoadFor(path, cfg)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(loaded.Architecture().Model, "network after", loaded.Steps(), "step")
	// Output: lstm network after 1 step
}

// Serving from many goroutines: a Predictor holds a copy of the weights and
// the trainer publishes new ones between steps. Each goroutine passes its
// own destination slice.
func ExampleNetwork_NewPredictor() {
	net, _ := qnet.BuildLSTM(qnet.DefaultConfig())
	predictor := net.NewPredictor()

	obs := make([]float32, 150)
	results := make(chan int)
	for range 4 {
		go func() {
			q := make([]float32, 3)
			if err := predictor.PredictInto(q, obs); err != nil {
				log.Fatal(err)
			}
			results <- len(q)
		}()
	}
	total := 0
	for range 4 {
		total += <-results
	}
	fmt.Println("Q-values served:", total)

	predictor.Publish(net) // after training steps
	// Output: Q-values served: 12
}

// The earlier Dense model stays available with its hidden layers.
func ExampleBuildDense() {
	cfg := qnet.DefaultConfig()
	cfg.DenseUnits = qnet.DefaultDenseUnits
	net, _ := qnet.BuildDense(cfg)
	fmt.Println(net.Architecture())
	// Output: dense: dense(64, relu) -> dense(32, relu) -> dense(8, relu) -> dense(3, linear)
}
