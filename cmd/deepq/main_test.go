package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deepq-go/deepq/dqn"
	"github.com/deepq-go/deepq/env"
)

// tinyBudget trains for 2 episodes of 20 steps of 4 environments, with a
// window of 10 bars, so that a run takes well under a second with the
// Dense network.
var tinyBudget = []string{
	"--episodes", "2", "--episode-steps", "20", "--envs", "4",
	"--warmup", "32", "--batch", "16", "--replay", "500", "--window", "10",
}

// runCommand runs the command line in-process and returns its exit code,
// stdout and stderr.
func runCommand(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func trainTiny(t *testing.T, extra ...string) (dir, stdout string) {
	t.Helper()
	dir = t.TempDir()
	args := append([]string{"train", "--out", dir}, tinyBudget...)
	args = append(args, extra...)
	code, stdout, stderr := runCommand(t, args...)
	if code != 0 {
		t.Fatalf("%v exited with %d\nstderr: %s", args, code, stderr)
	}
	return dir, stdout
}

// table returns the metric rows of a printed table, from its header on
// to the first blank line.
func table(t *testing.T, out string) string {
	t.Helper()
	i := strings.Index(out, "metric")
	if i < 0 {
		t.Fatalf("no table in output:\n%s", out)
	}
	rows, _, _ := strings.Cut(out[i:], "\n\n")
	return strings.TrimSpace(rows)
}

func checkSVG(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(raw))
	polylines := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", path, err)
		}
		if el, ok := tok.(xml.StartElement); ok && el.Name.Local == "polyline" {
			polylines++
		}
	}
	if polylines == 0 {
		t.Errorf("%s has no polyline", path)
	}
}

func TestTrainWritesOutputFiles(t *testing.T) {
	dir, stdout := trainTiny(t, "--model", "dense")
	for _, name := range []string{modelFile, normalizerFile, metricsFile, equityFile, trainingFile, "checkpoint/checkpoint.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("output file missing: %v", err)
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, metricsFile))
	if err != nil {
		t.Fatal(err)
	}
	var m runMetrics
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("metrics.json does not parse: %v", err)
	}
	if m.Model != "dense" || len(m.History) != 2 || m.EnvSteps != 160 || m.TestBars != 300 {
		t.Errorf("metrics.json has model %q, %d episodes, %d env steps, %d test bars; expected dense, 2, 160, 300",
			m.Model, len(m.History), m.EnvSteps, m.TestBars)
	}
	checkSVG(t, filepath.Join(dir, equityFile))
	checkSVG(t, filepath.Join(dir, trainingFile))
	for _, want := range []string{"total return", "Sharpe", "max drawdown", "win rate", "trades", "exposure"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("train output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestEvalReproducesTrainMetrics(t *testing.T) {
	dir, trainOut := trainTiny(t, "--model", "dense")
	code, evalOut, stderr := runCommand(t, "eval", "--model", filepath.Join(dir, modelFile))
	if code != 0 {
		t.Fatalf("eval exited with %d: %s", code, stderr)
	}
	if got, want := table(t, evalOut), table(t, trainOut); got != want {
		t.Errorf("eval table differs from train's test table:\n%s\nexpected:\n%s", got, want)
	}
}

func TestTrainTinyLSTM(t *testing.T) {
	dir, _ := trainTiny(t, "--episodes", "1", "--warmup", "64", "--batch", "8")
	raw, err := os.ReadFile(filepath.Join(dir, metricsFile))
	if err != nil {
		t.Fatal(err)
	}
	var m runMetrics
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.Model != "lstm" || m.TrainSteps == 0 {
		t.Errorf("metrics.json reports model %q with %d training steps, expected lstm with some", m.Model, m.TrainSteps)
	}
}

const (
	sp500Train = "../../../shared/data/sp500_2001-01-02_2010-12-31.csv"
	sp500Test  = "../../../shared/data/sp500_2011-01-03_2011-12-30.csv"
	cryptoJSON = "../../../shared/origin/wirt_5min_ohlcv.json"
)

func skipIfMissing(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("data file %s is not available: %v", p, err)
		}
	}
}

func TestTrainOnSP500Files(t *testing.T) {
	skipIfMissing(t, sp500Train, sp500Test)
	dir, trainOut := trainTiny(t, "--model", "dense", "--data", sp500Train, "--test-data", sp500Test)
	if !strings.Contains(trainOut, "2011-01-03") {
		t.Errorf("train output does not name the test span's first date 2011-01-03:\n%s", trainOut)
	}
	code, evalOut, stderr := runCommand(t, "eval", "--model", filepath.Join(dir, modelFile), "--data", sp500Test)
	if code != 0 {
		t.Fatalf("eval exited with %d: %s", code, stderr)
	}
	if got, want := table(t, evalOut), table(t, trainOut); got != want {
		t.Errorf("eval on the test file differs from train's test table:\n%s\nexpected:\n%s", got, want)
	}
}

func TestTrainOnCryptoJSON(t *testing.T) {
	skipIfMissing(t, cryptoJSON)
	dir, trainOut := trainTiny(t, "--model", "dense", "--data", cryptoJSON, "--split", "0.9")
	code, evalOut, stderr := runCommand(t, "eval", "--model", filepath.Join(dir, modelFile), "--data", cryptoJSON, "--split", "0.9")
	if code != 0 {
		t.Fatalf("eval exited with %d: %s", code, stderr)
	}
	if got, want := table(t, evalOut), table(t, trainOut); got != want {
		t.Errorf("eval with the same split differs from train's test table:\n%s\nexpected:\n%s", got, want)
	}
}

func TestCompareTinyBudget(t *testing.T) {
	out := t.TempDir()
	args := append([]string{"compare", "--out", out}, tinyBudget...)
	args = append(args, "--episodes", "1", "--warmup", "64", "--batch", "8")
	code, stdout, stderr := runCommand(t, args...)
	if code != 0 {
		t.Fatalf("compare exited with %d: %s", code, stderr)
	}
	for _, want := range []string{"dense", "lstm", "buy & hold", "training wall time", "training steps/s", "peak heap", "network memory"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("compare output lacks %q:\n%s", want, stdout)
		}
	}
	for _, model := range []string{"dense", "lstm"} {
		dir := filepath.Join(out, model)
		for _, name := range []string{modelFile, normalizerFile, metricsFile, equityFile, trainingFile, "checkpoint/checkpoint.json"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				t.Errorf("compare output file missing: %v", err)
			}
		}
		code, evalOut, stderr := runCommand(t, "eval", "--model", filepath.Join(dir, modelFile))
		if code != 0 {
			t.Errorf("eval of compare's %s model exited with %d: %s", model, code, stderr)
			continue
		}
		if !strings.Contains(evalOut, "total return") {
			t.Errorf("eval of compare's %s model printed no table:\n%s", model, evalOut)
		}
	}

	// A second compare into the same --out meets both old checkpoints.
	code, _, stderr = runCommand(t, args...)
	if code != 1 || !strings.Contains(stderr, "--force") {
		t.Errorf("second compare into %s exited with %d, stderr %q; expected 1 suggesting --force", out, code, stderr)
	}

	_, help, _ := runCommand(t, "compare", "--help")
	for _, want := range []string{"--out/dense and --out/lstm", "model.safetensors", "normalizer.json", "dense and lstm subdirectories"} {
		if !strings.Contains(help, want) {
			t.Errorf("compare --help lacks %q:\n%s", want, help)
		}
	}
}

func TestInfoPrintsKernelLevel(t *testing.T) {
	code, stdout, _ := runCommand(t, "info")
	if code != 0 || !strings.Contains(stdout, "kernel level:") || !strings.Contains(stdout, "go1.") {
		t.Errorf("info exited with %d and printed:\n%s", code, stdout)
	}
}

func TestBadCommandLines(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.csv")
	notAModel := filepath.Join(t.TempDir(), "model.safetensors")
	if err := os.WriteFile(notAModel, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, 2, "Commands:"},
		{"unknown command", []string{"fly"}, 2, `unknown command "fly"`},
		{"unknown flag", []string{"train", "--speed", "3"}, 2, "flag provided but not defined"},
		{"bad model kind", []string{"train", "--model", "gru"}, 2, `--model is "gru", expected lstm or dense`},
		{"bad number", []string{"train", "--envs", "many"}, 2, "invalid value"},
		{"zero envs", []string{"train", "--envs", "0"}, 2, "--envs is 0"},
		{"bad gamma", []string{"train", "--gamma", "2"}, 2, "--gamma is 2"},
		{"bad split", []string{"train", "--split", "soon"}, 2, `--split is "soon"`},
		{"split and test data", []string{"train", "--split", "0.5", "--test-data", "x.csv"}, 2, "exclusive"},
		{"stray argument", []string{"train", "data.csv"}, 2, "unexpected argument"},
		{"missing data file", []string{"train", "--data", missing}, 1, "no such file"},
		{"missing price column", []string{"train", "--price-column", "NIKKEI"}, 1, "NIKKEI"},
		{"eval without model", []string{"eval"}, 2, "--model is missing"},
		{"eval missing model", []string{"eval", "--model", missing}, 1, "model file " + missing + " not found"},
		{"eval bad model", []string{"eval", "--model", notAModel, "--normalizer", notAModel}, 1, "is not a deepq model file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCommand(t, c.args...)
			if stdout != "" {
				t.Errorf("a failing command printed to stdout:\n%s", stdout)
			}
			if code != c.code {
				t.Errorf("exit code %d, expected %d; stderr: %s", code, c.code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr lacks %q:\n%s", c.want, stderr)
			}
			listsCommands := strings.Contains(c.want, "ommand")
			if !listsCommands && (!strings.HasPrefix(stderr, "deepq: ") || strings.Count(stderr, "\n") != 1) {
				t.Errorf("failure message is not one line starting with \"deepq: \":\n%s", stderr)
			}
		})
	}
}

func TestHelpDescribesEveryFlag(t *testing.T) {
	for _, cmd := range []string{"train", "eval", "compare", "info"} {
		code, stdout, _ := runCommand(t, cmd, "--help")
		if code != 0 || !strings.Contains(stdout, "Usage: deepq "+cmd) {
			t.Errorf("%s --help exited with %d and printed:\n%s", cmd, code, stdout)
		}
	}
	_, stdout, _ := runCommand(t, "train", "--help")
	for _, flag := range []string{"-data", "-test-data", "-split", "-price-column", "-envs", "-model", "-episodes", "-seed", "-out",
		"-gamma", "-batch", "-replay", "-warmup", "-target-update", "-lr", "-epsilon-start", "-epsilon-end", "-epsilon-decay", "-cost-bps", "-window"} {
		if !strings.Contains(stdout, "  "+flag) {
			t.Errorf("train --help does not describe %s", flag)
		}
	}
}

func TestTrainResumeMatchesUninterrupted(t *testing.T) {
	// Epsilon decays over a fixed number of steps: by default it scales with
	// --episodes, which differs between the first run and the resumed one.
	_, straight := trainTiny(t, "--epsilon-decay", "100")

	dir := t.TempDir()
	first := append([]string{"train", "--out", dir}, tinyBudget...)
	first = append(first, "--episodes", "1", "--epsilon-decay", "100")
	if code, _, stderr := runCommand(t, first...); code != 0 {
		t.Fatalf("first episode exited with %d: %s", code, stderr)
	}
	code, stdout, stderr := runCommand(t, "train", "--out", dir, "--resume", "--episodes", "2")
	if code != 0 {
		t.Fatalf("resume exited with %d: %s", code, stderr)
	}
	if got, want := table(t, stdout), table(t, straight); got != want {
		t.Errorf("resumed run's table\n%s\nuninterrupted run's table\n%s", got, want)
	}
}

func TestTrainResumeWithoutCheckpoint(t *testing.T) {
	code, _, stderr := runCommand(t, "train", "--out", t.TempDir(), "--resume")
	if code != 1 || !strings.Contains(stderr, "checkpoint.json") {
		t.Errorf("exit %d, stderr %q; want exit 1 naming the missing checkpoint.json", code, stderr)
	}
}

func TestBadFlagValuesNameTheFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--episodes", "-1"}, "--episodes is -1, expected a whole number of at least 1"},
		{[]string{"--window", "0"}, "--window is 0, expected a whole number of at least 1"},
		{[]string{"--cost-bps", "-5"}, "--cost-bps is -5, expected basis points in [0, 10000)"},
		{[]string{"--cost-bps", "NaN"}, "--cost-bps is NaN"},
		{[]string{"--episode-steps", "0"}, "--episode-steps is 0"},
		{[]string{"--envs", "-3"}, "--envs is -3"},
		{[]string{"--batch", "0"}, "--batch is 0"},
		{[]string{"--replay", "0"}, "--replay is 0, expected a number of transitions from --batch (64)"},
		{[]string{"--replay", "100000000"}, "--replay is 100000000"},
		{[]string{"--warmup", "-1"}, "--warmup is -1, expected a whole number of at least 0"},
		{[]string{"--train-every", "0"}, "--train-every is 0"},
		{[]string{"--target-update", "0"}, "--target-update is 0"},
		{[]string{"--tau", "1.5"}, "--tau is 1.5, expected a number in [0, 1]"},
		{[]string{"--tau", "-0.1"}, "--tau is -0.1"},
		{[]string{"--gamma", "NaN"}, "--gamma is NaN"},
		{[]string{"--epsilon-start", "2"}, "--epsilon-start is 2, expected a number in [0, 1]"},
		{[]string{"--epsilon-end", "-0.5"}, "--epsilon-end is -0.5"},
		{[]string{"--epsilon-decay", "-5"}, "--epsilon-decay is -5, expected 0 (three quarters of the run's environment steps)"},
		{[]string{"--epsilon-schedule", "step"}, `--epsilon-schedule is "step"`},
		{[]string{"--epsilon-schedule", "exponential", "--epsilon-end", "0"}, "positive --epsilon-start and --epsilon-end"},
		{[]string{"--loss", "abs"}, `--loss is "abs", expected mse or huber`},
		{[]string{"--lr", "0"}, "--lr is 0, expected a positive finite learning rate"},
		{[]string{"--lr", "-1"}, "--lr is -1"},
		{[]string{"--lr", "NaN"}, "--lr is NaN"},
		{[]string{"--lr", "Inf"}, "--lr is +Inf"},
	} {
		for _, cmd := range []string{"train", "compare"} {
			t.Run(cmd+" "+strings.Join(c.args, " "), func(t *testing.T) {
				out := filepath.Join(t.TempDir(), "out")
				// A missing data file shows that the flags are checked before any data is read.
				args := append([]string{cmd, "--out", out, "--data", filepath.Join(t.TempDir(), "missing.csv")}, c.args...)
				code, _, stderr := runCommand(t, args...)
				if code != 2 {
					t.Errorf("exit code %d, expected 2; stderr: %s", code, stderr)
				}
				if !strings.Contains(stderr, c.want) {
					t.Errorf("stderr lacks %q:\n%s", c.want, stderr)
				}
				for _, field := range []string{"Config.", "Episodes is", "EpisodeTicks", "ReplayCapacity", "learning rate 0", "dqn:", "env:", "qnet:"} {
					if strings.Contains(stderr, field) {
						t.Errorf("stderr names the library field %q:\n%s", field, stderr)
					}
				}
				if _, err := os.Stat(out); err == nil {
					t.Errorf("a rejected command line created the output directory %s", out)
				}
			})
		}
	}
}

func TestTrainChecksOutBeforeTraining(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, modelFile), 0o755); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"train", "--model", "dense", "--out", dir}, tinyBudget...)
	code, stdout, stderr := runCommand(t, args...)
	if code != 1 {
		t.Errorf("exit code %d, expected 1; stderr: %s", code, stderr)
	}
	if want := filepath.Join(dir, modelFile) + " is a directory"; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
	if stdout != "" {
		t.Errorf("a failing train printed to stdout:\n%s", stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, checkpointDir, "checkpoint.json")); err == nil {
		t.Error("train wrote a checkpoint although the model path is a directory")
	}
}

func TestTrainRejectsBadOutPaths(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	ckptFile := t.TempDir()
	if err := os.WriteFile(filepath.Join(ckptFile, checkpointDir), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	normDir := t.TempDir()
	if err := os.Mkdir(filepath.Join(normDir, normalizerFile), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, out, want string
	}{
		{"out is a file", file, "create the output directory"},
		{"out below a file", filepath.Join(file, "sub"), "create the output directory"},
		{"checkpoint is a file", ckptFile, filepath.Join(ckptFile, checkpointDir) + " is a file"},
		{"normalizer is a directory", normDir, filepath.Join(normDir, normalizerFile) + " is a directory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"train", "--model", "dense", "--out", c.out}, tinyBudget...)
			code, _, stderr := runCommand(t, args...)
			if code != 1 {
				t.Errorf("exit code %d, expected 1; stderr: %s", code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr lacks %q:\n%s", c.want, stderr)
			}
		})
	}
}

func TestTrainRejectsReadOnlyOut(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can write to a read-only directory")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
	args := append([]string{"train", "--model", "dense", "--out", dir}, tinyBudget...)
	code, _, stderr := runCommand(t, args...)
	if code != 1 || !strings.Contains(stderr, dir) {
		t.Errorf("exit code %d, stderr %q; expected 1 naming %s", code, stderr, dir)
	}
	if strings.Contains(stderr, "episode") {
		t.Errorf("train started training before rejecting the read-only directory:\n%s", stderr)
	}
}

func TestProbeWritableRemovesItsFile(t *testing.T) {
	dir := t.TempDir()
	if err := probeWritable(dir); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("probeWritable left %d files, first %s", len(entries), entries[0].Name())
	}
	if err := probeWritable(filepath.Join(dir, "missing")); err == nil {
		t.Error("probeWritable accepted a missing directory")
	}
}

func TestTrainRejectsOldCheckpoint(t *testing.T) {
	dir, _ := trainTiny(t, "--model", "dense")
	userFile := filepath.Join(dir, checkpointDir, "notes.txt")
	if err := os.WriteFile(userFile, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}

	again := append([]string{"train", "--model", "dense", "--out", dir}, tinyBudget...)
	again = append(again, "--episodes", "1")
	code, _, stderr := runCommand(t, again...)
	if code != 1 {
		t.Errorf("retraining into an out with a checkpoint exited with %d, expected 1; stderr: %s", code, stderr)
	}
	for _, want := range []string{"--resume", "--force", "another --out"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	code, _, stderr = runCommand(t, append(again, "--force")...)
	if code != 0 {
		t.Fatalf("retraining with --force exited with %d: %s", code, stderr)
	}
	entries, err := os.ReadDir(filepath.Join(dir, checkpointDir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	got := strings.Join(names, " ")
	want := "checkpoint.json model-000001.safetensors notes.txt replay-000001.bin target-000001.safetensors"
	if got != want {
		t.Errorf("checkpoint directory after --force holds %s, expected %s", got, want)
	}
}

func TestEvalModelIsDirectory(t *testing.T) {
	dir, _ := trainTiny(t, "--model", "dense")
	code, _, stderr := runCommand(t, "eval", "--model", dir)
	if code != 1 {
		t.Errorf("exit code %d, expected 1; stderr: %s", code, stderr)
	}
	if want := "--model " + dir + " is a directory"; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
	if !strings.Contains(stderr, filepath.Join(dir, modelFile)) {
		t.Errorf("stderr does not suggest the model file in the directory:\n%s", stderr)
	}
}

func TestEvalRejectsNonModelFiles(t *testing.T) {
	dir, _ := trainTiny(t, "--model", "dense")
	norm := filepath.Join(dir, normalizerFile)
	other := t.TempDir()
	text := filepath.Join(other, "notes.txt")
	if err := os.WriteFile(text, []byte("Hello, this is a text file and no model at all.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	random := filepath.Join(other, "random.bin")
	noise := make([]byte, 4096)
	for i := range noise {
		noise[i] = byte(i*131 + 17)
	}
	if err := os.WriteFile(random, noise, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{text, random} {
		code, _, stderr := runCommand(t, "eval", "--model", path, "--normalizer", norm)
		if code != 1 {
			t.Errorf("eval of %s exited with %d, expected 1; stderr: %s", path, code, stderr)
		}
		if want := path + " is not a deepq model file"; !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestEvalCostBps(t *testing.T) {
	dir, _ := trainTiny(t, "--model", "dense")
	model := filepath.Join(dir, modelFile)
	for _, bad := range []string{"-5", "-1", "10000", "NaN"} {
		code, _, stderr := runCommand(t, "eval", "--model", model, "--cost-bps", bad)
		if code != 2 {
			t.Errorf("--cost-bps %s exited with %d, expected 2; stderr: %s", bad, code, stderr)
		}
		if !strings.Contains(stderr, "--cost-bps is") {
			t.Errorf("--cost-bps %s: stderr lacks the flag and value:\n%s", bad, stderr)
		}
	}
	code, _, stderr := runCommand(t, "eval", "--model", model, "--cost-bps", "0")
	if code != 0 {
		t.Errorf("--cost-bps 0 exited with %d: %s", code, stderr)
	}
	_, help, _ := runCommand(t, "eval", "--help")
	if strings.Contains(help, "negative") {
		t.Errorf("eval --help still describes a negative --cost-bps:\n%s", help)
	}
}

// writeYahooCSV writes n daily bars of a Yahoo-style CSV and returns its path.
func writeYahooCSV(t *testing.T, dir string, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("Date,Open,High,Low,Close,Adj Close,Volume\n")
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		price := 100 + 10*math.Sin(float64(i)/7)
		fmt.Fprintf(&b, "%s,%.2f,%.2f,%.2f,%.2f,%.2f,%d\n", day.AddDate(0, 0, i).Format(time.DateOnly),
			price, price+1, price-1, price+0.5, price+0.5, 1000+i)
	}
	path := filepath.Join(dir, fmt.Sprintf("prices%d.csv", n))
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestShortDataNamesBarsNeeded(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		rows int
		want string
	}{
		{1, "deepq needs at least 32 bars (--window 30 plus 2)"},
		{20, "prices20.csv has 20 bars, but deepq needs at least 32 (--window 30 plus 2)"},
		{150, "the test span of prices150 has 30 bars, but deepq needs at least 32"},
	} {
		path := writeYahooCSV(t, dir, c.rows)
		code, _, stderr := runCommand(t, "train", "--out", t.TempDir(), "--data", path)
		if code != 1 {
			t.Errorf("%d rows: exit code %d, expected 1; stderr: %s", c.rows, code, stderr)
		}
		if !strings.Contains(stderr, c.want) {
			t.Errorf("%d rows: stderr lacks %q:\n%s", c.rows, c.want, stderr)
		}
		if strings.Contains(stderr, "LoadOptions") {
			t.Errorf("%d rows: stderr gives a library-only hint:\n%s", c.rows, stderr)
		}
	}
}

func TestTestDataColumnHint(t *testing.T) {
	dir := t.TempDir()
	yahoo := writeYahooCSV(t, dir, 100)
	var b strings.Builder
	b.WriteString("Index,Time,DAX,SMI\n")
	for i := range 100 {
		fmt.Fprintf(&b, "%d,%.6f,%.2f,%.2f\n", i+1, 1991.5+float64(i)/260, 1600+float64(i), 1700+float64(i))
	}
	euStock := filepath.Join(dir, "eustock.csv")
	if err := os.WriteFile(euStock, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCommand(t, "train", "--out", t.TempDir(), "--data", yahoo, "--test-data", euStock)
	if code != 1 {
		t.Errorf("exit code %d, expected 1; stderr: %s", code, stderr)
	}
	for _, want := range []string{`column "Date" not found`, "--test-data is read like --data", "--price-column"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestMetricsTableWinRate(t *testing.T) {
	var b bytes.Buffer
	printMetricsTable(&b, env.Metrics{Trades: 1, ClosedTrades: 0, TotalReturn: -0.0004})
	out := b.String()
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "win rate - -") {
		t.Errorf("table without closed trades does not print the win rate as -:\n%s", out)
	}
	if strings.Contains(out, "-0.0%") {
		t.Errorf("table prints -0.0%%:\n%s", out)
	}
	for x, want := range map[float64]string{-0.0004: "0.0%", -0.0006: "-0.1%", 0.1234: "12.3%", 0: "0.0%", math.Copysign(0, -1): "0.0%"} {
		if got := percent(x); got != want {
			t.Errorf("percent(%v) = %s, expected %s", x, got, want)
		}
	}
	b.Reset()
	printMetricsTable(&b, env.Metrics{Trades: 4, ClosedTrades: 2, WinRate: 0.5})
	if !strings.Contains(b.String(), "50.0%") {
		t.Errorf("table with closed trades lacks the win rate 50.0%%:\n%s", b.String())
	}
}

// polylinePoints returns the number of points of each polyline in svg.
func polylinePoints(t *testing.T, svg []byte) []int {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var counts []int
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return counts
		}
		if err != nil {
			t.Fatal(err)
		}
		if el, ok := tok.(xml.StartElement); ok && el.Name.Local == "polyline" {
			for _, a := range el.Attr {
				if a.Name.Local == "points" {
					counts = append(counts, len(strings.Fields(a.Value)))
				}
			}
		}
	}
}

func TestTrainingSVGSkipsWarmupLoss(t *testing.T) {
	history := []dqn.EpisodeStats{
		{Episode: 1, TrainSteps: 0, MeanLoss: 0, Return: 0.01},
		{Episode: 2, TrainSteps: 10, MeanLoss: 0.5, Return: 0.02},
		{Episode: 3, TrainSteps: 20, MeanLoss: 0.3, Return: 0.03},
	}
	counts := polylinePoints(t, trainingSVG(history))
	if len(counts) != 3 {
		t.Fatalf("training.svg has %d polylines, expected loss, training return and test return", len(counts))
	}
	if counts[0] != 2 {
		t.Errorf("loss line has %d points, expected 2 (episode 1 had no training steps)", counts[0])
	}
	if counts[1] != 3 {
		t.Errorf("return line has %d points, expected 3", counts[1])
	}
}

func TestInfoHelpAndKernelNote(t *testing.T) {
	_, help, _ := runCommand(t, "info", "--help")
	if strings.Contains(help, "Flags:") {
		t.Errorf("info --help prints an empty Flags section:\n%s", help)
	}
	_, out, _ := runCommand(t, "info")
	if !strings.Contains(out, "assembly levels are not built yet") {
		t.Errorf("info does not say that only the generic kernels exist:\n%s", out)
	}
	_, trainHelp, _ := runCommand(t, "train", "--help")
	if !strings.Contains(trainHelp, "Flags:") {
		t.Errorf("train --help lacks its Flags section:\n%s", trainHelp)
	}
}

func TestSkippedRowsAreReported(t *testing.T) {
	dir := t.TempDir()
	path := writeYahooCSV(t, dir, 80)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	lines[5] = "2020-01-05,null,null,null,null,null,null" // data row 5 sits on line 6
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"train", "--out", filepath.Join(dir, "out"), "--data", path, "--split", "0.7"}, tinyBudget...)
	code, _, stderr := runCommand(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "skipped 1 rows with missing values (null, empty or NaN) at lines 6") {
		t.Errorf("stderr %q does not report the skipped row on line 6", stderr)
	}
}

func TestTrainResumeGuards(t *testing.T) {
	dir, _ := trainTiny(t)
	before, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}

	code, _, stderr := runCommand(t, "train", "--out", dir, "--resume", "--episodes", "2")
	if code != 2 || !strings.Contains(stderr, "has already run 2 episodes; pass --episodes above 2") {
		t.Errorf("resume at the last episode: exit %d, stderr %q; want exit 2 asking for more episodes", code, stderr)
	}
	for _, flagArgs := range [][]string{{"--window", "20"}, {"--force"}, {"--lr", "0.01"}, {"--model", "lstm"}} {
		args := append([]string{"train", "--out", dir, "--resume", "--episodes", "3"}, flagArgs...)
		code, _, stderr := runCommand(t, args...)
		if code != 2 || !strings.Contains(stderr, flagArgs[0]+" cannot be combined with --resume") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 naming %s", flagArgs, code, stderr, flagArgs[0])
		}
	}

	after, _ := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if !bytes.Equal(before, after) {
		t.Error("a rejected resume rewrote metrics.json")
	}

	code, stdout, stderr := runCommand(t, "train", "--out", dir, "--resume", "--episodes", "3")
	if code != 0 {
		t.Fatalf("resume to episode 3: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "since the run began") {
		t.Errorf("resumed summary does not separate this session's steps from the run's:\n%s", stdout)
	}
}

func TestEarlyChecksOfSplitAndWarmup(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "--split", "1.5"}, "--split is \"1.5\", expected a date YYYY-MM-DD or a training fraction in (0, 1)"},
		{[]string{"eval", "--model", "m", "--split", "0"}, "--split is \"0\""},
		{[]string{"train", "--episodes", "1", "--episode-steps", "20", "--envs", "1", "--warmup", "20"}, "--warmup is 20, but the run has only 20 environment steps"},
	} {
		code, _, stderr := runCommand(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 containing %q", c.args, code, stderr, c.want)
		}
	}
}

func TestEvalChecksModelBeforeNormalizer(t *testing.T) {
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCommand(t, "eval", "--model", notes)
	if code != 1 || !strings.Contains(stderr, "is not a deepq model file") || strings.Contains(stderr, "normaliser") {
		t.Errorf("exit %d, stderr %q; want exit 1 about the model file, not the normaliser", code, stderr)
	}
}

func TestEvalOHLCVModelNeedsData(t *testing.T) {
	dir := t.TempDir()
	path := writeYahooCSV(t, dir, 80)
	out := filepath.Join(dir, "out")
	args := append([]string{"train", "--out", out, "--data", path, "--split", "0.7"}, tinyBudget...)
	if code, _, stderr := runCommand(t, args...); code != 0 {
		t.Fatalf("train exited with %d: %s", code, stderr)
	}
	code, _, stderr := runCommand(t, "eval", "--model", filepath.Join(out, "model.safetensors"))
	if code != 2 || !strings.Contains(stderr, "--data is missing: this model was trained on OHLCV bars") {
		t.Errorf("exit %d, stderr %q; want exit 2 asking for --data", code, stderr)
	}
}
