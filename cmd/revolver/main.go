// Command revolver runs asset-based revolving credit facilities: the loan
// agreement as executable, amendable, explainable software.
//
// This package only wires flags to the engines; see README.md.
package main

import (
	"fmt"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes the command line and returns the exit code: 0 success,
// 1 failure, 2 bad usage or bad input.
func run(args []string) int {
	cmd := rootCmd()
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "revolver:", err)
		if _, ok := err.(usageError); ok {
			return 2
		}
		return 1
	}
	return 0
}

// usageError marks errors in what the user typed or supplied.
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }
