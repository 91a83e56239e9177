package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"revolver/app"
	"revolver/clock"
	"revolver/store"
)

// clockSpec is the --clock flag of every command; theClock is the one
// clock the command runs on, set before it runs.
var (
	clockSpec string
	theClock  clock.Clock = clock.System{}
)

func addClockFlag(root *cobra.Command) {
	root.PersistentFlags().StringVar(&clockSpec, "clock", "",
		"the clock: system (default), fixed:<time> or from:<time> (RFC 3339 or YYYY-MM-DD); every recorded time and the first business date derive from it")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		c, err := clock.Parse(clockSpec)
		if err != nil {
			return usageError{fmt.Errorf("--clock: %v", err)}
		}
		theClock = c
		return nil
	}
}

// now is the command's clock.
func now() time.Time { return theClock.Now() }

// service is the use cases over st on the command's clock.
func service(st store.Store) *app.Service {
	return &app.Service{Store: st, Terms: &app.StoredTerms{Store: st}, Now: now}
}

// cliContext carries the command as the actor of the use cases it runs
// (who and through which command; the use case names what it does).
func cliContext(ctx context.Context, command string) context.Context {
	return app.WithActor(ctx, app.Actor{User: cliActor(), RequestID: fmt.Sprintf("cli_%d", time.Now().UnixNano()), Via: "revolver " + command})
}

// cliActor names the command line in the audit trail: cli:<the system
// user running it>.
func cliActor() string {
	if u := os.Getenv("USER"); u != "" {
		return "cli:" + u
	}
	return "cli"
}
