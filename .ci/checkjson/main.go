// Command checkjson exits non-zero unless each file named on the command
// line holds one well-formed JSON object. CI uses it on deepq's metrics.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: checkjson FILE...")
		os.Exit(2)
	}
	for _, path := range os.Args[1:] {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "checkjson:", err)
			os.Exit(1)
		}
		var v map[string]any
		if err := json.Unmarshal(data, &v); err != nil {
			fmt.Fprintf(os.Stderr, "checkjson: %s: %v\n", path, err)
			os.Exit(1)
		}
		if len(v) == 0 {
			fmt.Fprintf(os.Stderr, "checkjson: %s: empty object\n", path)
			os.Exit(1)
		}
	}
}
