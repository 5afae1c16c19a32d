package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/deepq-go/deepq/dqn"
	"github.com/deepq-go/deepq/env"
	"github.com/deepq-go/deepq/kernels"
)

// Files of a train run's output directory.
const (
	modelFile      = "model.safetensors"
	normalizerFile = "normalizer.json"
	metricsFile    = "metrics.json"
	equityFile     = "equity.svg"
	trainingFile   = "training.svg"
)

// normalizerState is normalizer.json: what eval needs to rebuild the
// observations the model was trained on.
type normalizerState struct {
	Normalizer  *env.Normalizer `json:"normalizer"`
	Env         env.Config      `json:"env"`
	PriceColumn string          `json:"price_column,omitempty"`
}

// runMetrics is metrics.json.
type runMetrics struct {
	Model          string             `json:"model"`
	Parameters     int                `json:"parameters"`
	Kernels        string             `json:"kernels"`
	Data           string             `json:"data"`
	TestData       string             `json:"test_data"`
	TrainBars      int                `json:"train_bars"`
	TestBars       int                `json:"test_bars"`
	Config         dqn.Config         `json:"config"`
	Env            env.Config         `json:"env"`
	Normalizer     *env.Normalizer    `json:"normalizer"`
	Test           env.Metrics        `json:"test"`
	History        []dqn.EpisodeStats `json:"history"`
	WallSeconds    float64            `json:"wall_seconds"`
	EnvSteps       int64              `json:"env_steps"`
	TrainSteps     int64              `json:"train_steps"`
	EnvStepsPerSec float64            `json:"env_steps_per_second"`
	PeakHeapBytes  uint64             `json:"peak_heap_bytes"`
	NetworkBytes   int64              `json:"network_bytes"`
	FinishedAt     time.Time          `json:"finished_at"`
}

// writeRunFiles writes the model, normalizer.json, metrics.json and the
// charts into dir.
func writeRunFiles(dir string, r *trainResult, f *trainFlags, train, test *env.Series) error {
	t := r.trainer
	net := t.Network()
	if err := net.Save(filepath.Join(dir, modelFile)); err != nil {
		return err
	}
	norm := normalizerState{Normalizer: t.Normalizer(), Env: t.EnvConfig(), PriceColumn: f.priceColumn}
	if err := writeJSON(filepath.Join(dir, normalizerFile), norm); err != nil {
		return err
	}
	m := runMetrics{
		Model:          r.model(),
		Parameters:     net.NumParams(),
		Kernels:        kernels.Impl(),
		Data:           train.Source,
		TestData:       test.Source,
		TrainBars:      train.Len(),
		TestBars:       test.Len(),
		Config:         t.Config(),
		Env:            t.EnvConfig(),
		Normalizer:     t.Normalizer(),
		Test:           r.backtest.Metrics,
		History:        t.History(),
		WallSeconds:    r.wall.Seconds(),
		EnvSteps:       t.Agent().EnvSteps(),
		TrainSteps:     t.Agent().TrainSteps(),
		EnvStepsPerSec: r.envStepsPerSecond(),
		PeakHeapBytes:  r.peakHeap,
		NetworkBytes:   networkMemory(net),
		FinishedAt:     time.Now().UTC(),
	}
	if err := writeJSON(filepath.Join(dir, metricsFile), m); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, equityFile), equitySVG(r.backtest, test.Name), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, trainingFile), trainingSVG(t.History()), 0o644)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
