package qnet

import (
	"math"
	"sync"
	"testing"
)

func TestPredictorServesManyGoroutines(t *testing.T) {
	n := mustBuild(t, ModelLSTM, DefaultConfig())
	p := n.NewPredictor()
	obs := randObs(150, 1)
	before, _ := n.Predict(obs)

	// Train a copy so the second weights give different Q-values.
	trained := n.Clone()
	for i := 0; i < 3; i++ {
		trained.TrainOnBatch(randObs(4*150, 2), randObs(4*3, 3), 4)
	}
	after, _ := trained.Predict(obs)

	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := make([]float32, 3)
			for i := 0; i < 50; i++ {
				if err := p.PredictInto(q, obs); err != nil {
					errs <- err.Error()
					return
				}
				// Every prediction comes wholly from one set of weights.
				if !closeTo(q, before) && !closeTo(q, after) {
					errs <- "a prediction matched neither the old nor the new weights"
					return
				}
			}
		}()
	}
	for i := 0; i < 5; i++ {
		if err := p.Publish(trained); err != nil {
			t.Fatal(err)
		}
		if err := p.Publish(n); err != nil {
			t.Fatal(err)
		}
	}
	p.Publish(trained)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	q := make([]float32, 3)
	p.PredictInto(q, obs)
	if !closeTo(q, after) {
		t.Errorf("after the last Publish the Predictor gives %v, want %v", q, after)
	}
}

func closeTo(a, b []float32) bool {
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-6 {
			return false
		}
	}
	return true
}

func TestPredictorRejectsBadInput(t *testing.T) {
	n := mustBuild(t, ModelLSTM, DefaultConfig())
	p := n.NewPredictor()
	if err := p.PredictInto(make([]float32, 3), make([]float32, 10)); err == nil {
		t.Error("PredictInto with 10 values returned no error")
	}
	if err := p.Publish(mustBuild(t, ModelDense, denseConfig())); err == nil {
		t.Error("publishing a Dense network to an LSTM Predictor returned no error")
	}
}

func TestPredictorAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items, which allocates")
	}
	n := mustBuild(t, ModelLSTM, DefaultConfig())
	p := n.NewPredictor()
	obs := randObs(150, 1)
	q := make([]float32, 3)
	p.PredictInto(q, obs)
	if a := testing.AllocsPerRun(50, func() { p.PredictInto(q, obs) }); a != 0 {
		t.Errorf("Predictor.PredictInto allocates %v objects per call, want 0", a)
	}
}
