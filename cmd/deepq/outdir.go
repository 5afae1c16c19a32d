package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/deepq-go/deepq/dqn"
)

// checkpointDir is the subdirectory of --out that holds the trainer state.
const checkpointDir = "checkpoint"

// checkpointPatterns match the files dqn.Trainer writes into a checkpoint
// directory: checkpoint.json, the per-episode model, target and replay
// files, and the temporary files of an interrupted atomic write.
var checkpointPatterns = []string{
	dqn.CheckpointFile,
	"model-[0-9]*.safetensors",
	"target-[0-9]*.safetensors",
	"replay-[0-9]*.bin",
	".*.tmp*",
}

// prepareOutDir creates dir and its checkpoint directory and checks, before
// any training, that the run's files can be written there. A new run
// (resume false) rejects a checkpoint of an earlier run unless force is
// set, and then deletes only the files the trainer writes.
func prepareOutDir(dir string, resume, force bool) error {
	checkpointPath := filepath.Join(dir, checkpointDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create the output directory: %w (choose another --out)", err)
	}
	for _, name := range []string{modelFile, normalizerFile, metricsFile, equityFile, trainingFile} {
		path := filepath.Join(dir, name)
		if info, err := os.Stat(path); err == nil && info.IsDir() {
			return fmt.Errorf("%s is a directory, but train writes the file %s there; remove it or choose another --out", path, name)
		}
	}
	if info, err := os.Stat(checkpointPath); err == nil && !info.IsDir() {
		return fmt.Errorf("%s is a file, but train keeps its checkpoints in a directory of that name; remove it or choose another --out", checkpointPath)
	}

	if !resume {
		old, err := checkpointFiles(checkpointPath)
		if err != nil {
			return err
		}
		if len(old) > 0 && !force {
			return fmt.Errorf("%s contains an earlier run's checkpoint (%s), so pass --resume to continue that run, --force to delete its checkpoint files and start over, or another --out",
				checkpointPath, filepath.Base(old[0]))
		}
		for _, path := range old {
			if err := os.Remove(path); err != nil {
				return fmt.Errorf("delete the old checkpoint: %w", err)
			}
		}
	}

	if err := os.MkdirAll(checkpointPath, 0o755); err != nil {
		return fmt.Errorf("create the checkpoint directory: %w", err)
	}
	for _, d := range []string{dir, checkpointPath} {
		if err := probeWritable(d); err != nil {
			return err
		}
	}
	return nil
}

// checkpointFiles lists the trainer's files in dir, checkpoint.json first.
// A missing dir has none.
func checkpointFiles(dir string) ([]string, error) {
	var files []string
	for _, pattern := range checkpointPatterns {
		matches, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			if info, err := os.Lstat(m); err == nil && info.Mode().IsRegular() {
				files = append(files, m)
			}
		}
	}
	return files, nil
}

// probeWritable creates and removes a temporary file in dir, so that a
// read-only directory fails before training instead of at the first save.
func probeWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".deepq-write-test-*")
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return fmt.Errorf("directory %s is not writable: %w (choose another --out)", dir, err)
		}
		return fmt.Errorf("write test in directory %s failed: %w (choose another --out)", dir, err)
	}
	name := f.Name()
	closeErr := f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("remove the write test file: %w", err)
	}
	if closeErr != nil {
		return fmt.Errorf("write test in directory %s failed: %w (choose another --out)", dir, closeErr)
	}
	return nil
}
