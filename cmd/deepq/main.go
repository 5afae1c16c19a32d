// Command deepq trains, evaluates and compares LSTM deep-Q-network trading
// agents.
//
//	deepq train     train a Q-network and backtest it on a held-out span
//	deepq eval      backtest a saved model
//	deepq compare   train the Dense and the LSTM Q-network on the same budget
//	deepq info      print the Go version, CPU and kernel level
//
// Run "deepq COMMAND --help" for the flags of a command.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is a subcommand with the function that parses its flags and runs it.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"train", "train a Q-network and backtest it on a held-out span", runTrain},
	{"eval", "backtest a saved model on a price series", runEval},
	{"compare", "train the Dense and the LSTM Q-network on the same budget and compare them", runCompare},
	{"info", "print the Go version, CPU and selected kernel level", runInfo},
}

// run executes the command line args (without the program name) and returns
// the exit code: 0 on success, 1 on a failure, 2 on a usage error.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printCommands(stderr)
		return 2
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		printCommands(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		err := c.run(args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, errHelp):
			return 0
		case errors.As(err, new(*usageError)):
			fmt.Fprintf(stderr, "deepq: %s: %v (see 'deepq %s --help')\n", name, err, name)
			return 2
		default:
			fmt.Fprintf(stderr, "deepq: %v\n", err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "deepq: unknown command %q\n", name)
	printCommands(stderr)
	return 2
}

func printCommands(w io.Writer) {
	fmt.Fprintln(w, "Usage: deepq COMMAND [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'deepq COMMAND --help' for the flags of a command.")
}
