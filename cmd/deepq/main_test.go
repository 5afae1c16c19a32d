package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	args := append([]string{"compare", "--out", t.TempDir()}, tinyBudget...)
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
		{"zero envs", []string{"train", "--envs", "0"}, 2, "Envs is 0"},
		{"bad gamma", []string{"train", "--gamma", "2"}, 2, "Gamma is 2"},
		{"bad split", []string{"train", "--split", "soon"}, 2, `--split is "soon"`},
		{"split and test data", []string{"train", "--split", "0.5", "--test-data", "x.csv"}, 2, "exclusive"},
		{"stray argument", []string{"train", "data.csv"}, 2, "unexpected argument"},
		{"missing data file", []string{"train", "--data", missing}, 1, "no such file"},
		{"missing price column", []string{"train", "--price-column", "NIKKEI"}, 1, "NIKKEI"},
		{"eval without model", []string{"eval"}, 2, "--model is missing"},
		{"eval missing model", []string{"eval", "--model", missing}, 1, "normalizer.json"},
		{"eval bad model", []string{"eval", "--model", notAModel, "--normalizer", notAModel}, 1, "not a valid normalizer.json"},
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
	resumed := append([]string{"train", "--out", dir, "--resume"}, tinyBudget...)
	code, stdout, stderr := runCommand(t, resumed...)
	if code != 0 {
		t.Fatalf("resume exited with %d: %s", code, stderr)
	}
	if got, want := table(t, stdout), table(t, straight); got != want {
		t.Errorf("resumed run's table\n%s\nuninterrupted run's table\n%s", got, want)
	}
}

func TestTrainResumeWithoutCheckpoint(t *testing.T) {
	args := append([]string{"train", "--out", t.TempDir(), "--resume"}, tinyBudget...)
	code, _, stderr := runCommand(t, args...)
	if code != 1 || !strings.Contains(stderr, "checkpoint.json") {
		t.Errorf("exit %d, stderr %q; want exit 1 naming the missing checkpoint.json", code, stderr)
	}
}
