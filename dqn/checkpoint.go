package dqn

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/deepq-go/deepq/env"
	"github.com/deepq-go/deepq/qnet"
)

// CheckpointFile is the trainer state in a checkpoint directory. It names
// the model, target and replay files of the same episode and is replaced
// last, so a crash while saving leaves the previous checkpoint intact.
const CheckpointFile = "checkpoint.json"

const checkpointVersion = 1

// checkpointState is the JSON form of a trainer between episodes.
type checkpointState struct {
	Version       int             `json:"version"`
	Episode       int             `json:"episode"` // episodes completed
	EnvSteps      int64           `json:"env_steps"`
	TrainSteps    int64           `json:"train_steps"`
	TargetUpdates int64           `json:"target_updates"`
	LossSum       float64         `json:"loss_sum"`
	LastLoss      float32         `json:"last_loss"`
	Epsilon       float64         `json:"epsilon"` // at EnvSteps, for readers; Resume recomputes it
	ExploreRNG    string          `json:"explore_rng"`
	OptimizerStep int64           `json:"optimizer_step"` // Adam steps of ModelFile, to check it belongs here
	Config        Config          `json:"config"`
	Env           env.Config      `json:"env"`
	Normalizer    *env.Normalizer `json:"normalizer"`
	Train         seriesID        `json:"train"`
	History       []EpisodeStats  `json:"history"`
	ModelFile     string          `json:"model_file"`
	TargetFile    string          `json:"target_file"`
	ReplayFile    string          `json:"replay_file"`
}

// seriesID identifies the training series so that Resume rejects another one.
type seriesID struct {
	Name       string  `json:"name"`
	Bars       int     `json:"bars"`
	FirstClose float64 `json:"first_close"`
	LastClose  float64 `json:"last_close"`
}

func idOf(s *env.Series) seriesID {
	return seriesID{Name: s.Name, Bars: s.Len(), FirstClose: s.Close[0], LastClose: s.Close[s.Len()-1]}
}

// saveCheckpoint writes the online network with its optimizer state, the
// target network and the replay buffer under names of the current episode,
// then replaces checkpoint.json, then removes the previous episode's files.
func (t *Trainer) saveCheckpoint(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("dqn: checkpoint: %w", err)
	}
	a := t.agent
	exploreState, err := a.explorePCG.MarshalBinary()
	if err != nil {
		return fmt.Errorf("dqn: checkpoint: encode exploration generator: %w", err)
	}
	st := &checkpointState{
		Version:       checkpointVersion,
		Episode:       t.episode,
		EnvSteps:      a.envSteps,
		TrainSteps:    a.trainSteps,
		TargetUpdates: a.targetUpdates,
		LossSum:       a.lossSum,
		LastLoss:      a.lastLoss,
		Epsilon:       a.Epsilon(),
		ExploreRNG:    hex.EncodeToString(exploreState),
		OptimizerStep: a.online.Steps(),
		Config:        t.cfg,
		Env:           t.opts.Env,
		Normalizer:    t.norm,
		Train:         idOf(t.train),
		History:       t.history,
		ModelFile:     fmt.Sprintf("model-%06d.safetensors", t.episode),
		TargetFile:    fmt.Sprintf("target-%06d.safetensors", t.episode),
		ReplayFile:    fmt.Sprintf("replay-%06d.bin", t.episode),
	}

	if err := a.online.SaveWith(filepath.Join(dir, st.ModelFile), qnet.SaveOptions{Optimizer: true}); err != nil {
		return fmt.Errorf("dqn: checkpoint: %w", err)
	}
	if err := a.target.Save(filepath.Join(dir, st.TargetFile)); err != nil {
		return fmt.Errorf("dqn: checkpoint: %w", err)
	}
	replay, err := a.replay.MarshalBinary()
	if err != nil {
		return fmt.Errorf("dqn: checkpoint: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, st.ReplayFile), replay); err != nil {
		return fmt.Errorf("dqn: checkpoint: %w", err)
	}
	state, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("dqn: checkpoint: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, CheckpointFile), append(state, '\n')); err != nil {
		return fmt.Errorf("dqn: checkpoint: %w", err)
	}

	if prev := t.saved; prev != nil && prev.Episode != st.Episode && t.savedDir == dir {
		for _, name := range []string{prev.ModelFile, prev.TargetFile, prev.ReplayFile} {
			// A leftover file wastes space but does not harm the checkpoint.
			_ = os.Remove(filepath.Join(dir, name))
		}
	}
	t.saved, t.savedDir = st, dir
	return nil
}

// writeFileAtomic replaces path with data through a synced temporary file
// in the same directory and a rename.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = f.Chmod(0o644) // CreateTemp makes the file private; checkpoints are ordinary outputs.
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if d, err := os.Open(dir); err == nil {
		// Syncing the directory makes the rename durable where the OS allows it.
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// Resume returns a trainer that continues the checkpoint in dir over the
// same training series. The settings, environment configuration and
// normaliser come from the checkpoint. Of opts, Resume uses only Test,
// Progress, CheckpointDir (empty means dir) and a positive
// opts.Config.Episodes, which sets the total number of episodes so that a
// finished run can be extended. Run then continues as the uninterrupted
// run would have: the weights, Adam state, target network, replay buffer
// and generators are those saved after the last completed episode.
func Resume(dir string, train *env.Series, opts Options) (*Trainer, error) {
	raw, err := os.ReadFile(filepath.Join(dir, CheckpointFile))
	if err != nil {
		return nil, fmt.Errorf("dqn: resume: %w", err)
	}
	var st checkpointState
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, fmt.Errorf("dqn: resume: %s is invalid: %w", filepath.Join(dir, CheckpointFile), err)
	}
	if st.Version != checkpointVersion {
		return nil, fmt.Errorf("dqn: resume: %s has version %d, expected %d", filepath.Join(dir, CheckpointFile), st.Version, checkpointVersion)
	}
	if train == nil || train.Validate() != nil || idOf(train) != st.Train {
		return nil, fmt.Errorf("dqn: resume: the training series differs from the checkpoint's %q of %d bars", st.Train.Name, st.Train.Bars)
	}
	for _, name := range []string{st.ModelFile, st.TargetFile, st.ReplayFile} {
		if name == "" || name != filepath.Base(name) {
			return nil, fmt.Errorf("dqn: resume: %s names file %q, expected a file name inside the directory", CheckpointFile, name)
		}
	}
	online, err := qnet.Load(filepath.Join(dir, st.ModelFile))
	if err != nil {
		return nil, fmt.Errorf("dqn: resume: %w", err)
	}
	if online.Steps() != st.OptimizerStep {
		return nil, fmt.Errorf("dqn: resume: %s has %d optimizer steps but the checkpoint expects %d", st.ModelFile, online.Steps(), st.OptimizerStep)
	}
	target, err := qnet.Load(filepath.Join(dir, st.TargetFile))
	if err != nil {
		return nil, fmt.Errorf("dqn: resume: %w", err)
	}
	if !target.Architecture().Equal(online.Architecture()) {
		return nil, fmt.Errorf("dqn: resume: target network %s does not match model %s", st.TargetFile, st.ModelFile)
	}
	replayData, err := os.ReadFile(filepath.Join(dir, st.ReplayFile))
	if err != nil {
		return nil, fmt.Errorf("dqn: resume: %w", err)
	}
	explore := &rand.PCG{}
	state, err := hex.DecodeString(st.ExploreRNG)
	if err == nil {
		err = explore.UnmarshalBinary(state)
	}
	if err != nil {
		return nil, fmt.Errorf("dqn: resume: exploration generator state is invalid: %v", err)
	}

	cfg := st.Config
	if opts.Config.Episodes > 0 {
		cfg.Episodes = opts.Config.Episodes
	}
	if opts.CheckpointDir == "" {
		opts.CheckpointDir = dir
	}
	opts.Config, opts.Env, opts.Normalizer = cfg, st.Env, st.Normalizer
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("dqn: resume: %w", err)
	}
	if st.Episode < 0 || st.Episode != len(st.History) {
		return nil, fmt.Errorf("dqn: resume: checkpoint has %d completed episodes but %d history entries", st.Episode, len(st.History))
	}
	t, err := newTrainer(online, train, st.Normalizer, opts)
	if err != nil {
		return nil, fmt.Errorf("dqn: resume: %w", err)
	}
	a := t.agent
	if err := a.replay.UnmarshalBinary(replayData); err != nil {
		return nil, fmt.Errorf("dqn: resume: %s: %w", st.ReplayFile, err)
	}
	if a.replay.Cap() != cfg.ReplayCapacity {
		return nil, errors.New("dqn: resume: the replay buffer's capacity differs from the checkpoint's settings")
	}
	a.target = target
	a.explorePCG, a.explore = explore, rand.New(explore)
	a.envSteps, a.trainSteps, a.targetUpdates = st.EnvSteps, st.TrainSteps, st.TargetUpdates
	a.lossSum, a.lastLoss = st.LossSum, st.LastLoss
	t.episode, t.history = st.Episode, st.History
	t.saved, t.savedDir = &st, opts.CheckpointDir
	return t, nil
}
