package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/deepq-go/deepq/kernels"
)

const infoUsage = `Print the Go version, the platform, the CPU model and its SIMD features,
and the kernel level deepq selected.`

func runInfo(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("info", infoUsage, stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	model, features := cpuInfo()
	fmt.Fprintf(stdout, "go:            %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(stdout, "cpus:          %d\n", runtime.NumCPU())
	fmt.Fprintf(stdout, "cpu model:     %s\n", model)
	fmt.Fprintf(stdout, "cpu features:  %s\n", features)
	levels := kernels.Levels()
	fmt.Fprintf(stdout, "kernel level:  %s (available: %s)\n", kernels.Impl(), strings.Join(levels, ", "))
	if len(levels) == 1 && levels[0] == "generic" {
		fmt.Fprintln(stdout, "               the assembly levels are not built yet, so every CPU runs the generic Go kernels")
	}
	return nil
}

// simdFlags are the /proc/cpuinfo flags that matter to the kernels.
var simdFlags = []string{"avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "asimd"}

// cpuInfo returns the CPU model and its SIMD features from /proc/cpuinfo.
//
// TODO: read these through github.com/klauspost/cpuid/v2 once it is a
// dependency of the module, because /proc/cpuinfo exists only on Linux.
func cpuInfo() (model, features string) {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown (no /proc/cpuinfo on " + runtime.GOOS + ")", "unknown"
	}
	defer f.Close()
	model, features = "unknown", "none of "+strings.Join(simdFlags, ", ")
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch key {
		case "model name", "Model":
			if model == "unknown" {
				model = value
			}
		case "flags", "Features":
			var found []string
			fields := strings.Fields(value)
			for _, flag := range simdFlags {
				if slices.Contains(fields, flag) {
					found = append(found, flag)
				}
			}
			if len(found) > 0 {
				features = strings.Join(found, " ")
			}
		}
	}
	return model, features
}
