package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"revolver/clock"
	"revolver/demo"
	"revolver/store"
)

func init() { register(demoCmd) }

// loadDemo is the loading half of `revolver demo` (tests call it).
func loadDemo(ctx context.Context, st store.Store, out io.Writer) (demo.Result, error) {
	return loadExample(ctx, st, demo.BTU, out)
}

// loadExample loads the demo ex.
func loadExample(ctx context.Context, st store.Store, ex *demo.Example, out io.Writer) (demo.Result, error) {
	start := time.Now()
	res, err := demo.LoadExample(ctx, st, ex, out)
	if err != nil {
		return res, err
	}
	if res.Created == 0 {
		fmt.Fprintf(out, "demo data already loaded: nothing new (%.1fs)\n", time.Since(start).Seconds())
	} else {
		fmt.Fprintf(out, "loaded %d records: %d certificates, %d advances, %d loan-account transactions, %d audit records (%.1fs)\n",
			res.Created, res.Certificates, res.Advances, res.Transactions, res.Audit, time.Since(start).Seconds())
	}
	return res, nil
}

func demoCmd() *cobra.Command {
	var sf storeFlags
	var so serveOptions
	var noServe bool
	var example string
	c := &cobra.Command{
		Use:   "demo [--example SLUG] [--db PATH | --database URL] [--addr HOST:PORT]",
		Short: "Load the example facility with three years of history and serve it (creates revolver.db here by default)",
		Long: "Load an example facility with its history into an empty database and serve it.\n\n" +
			"--example btu-sovereign (the default): the BTU International facility, 2004–2006.\n" +
			"--example modern-abl: the synthetic modern facility, June–November 2026, in a database of its own (a database has one business date).",
		RunE: func(cmd *cobra.Command, args []string) error {
			ex := demo.ExampleNamed(example)
			if ex == nil {
				var names []string
				for _, e := range demo.Examples {
					names = append(names, e.Slug)
				}
				return usageError{fmt.Errorf("--example %q: expected one of %s", example, strings.Join(names, ", "))}
			}
			if ex != demo.BTU && !cmd.Flags().Changed("db") && sf.database == "" {
				sf.db = ex.Slug + ".db"
			}
			ctx, stop := signalContext()
			defer stop()
			out := cmd.OutOrStdout()
			st, target, err := sf.create(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			fmt.Fprintf(out, "database: %s\n", redact(target))
			if clockSpec == "" {
				// The demo's clock runs from the end of its history (for the
				// first example 31 December 2006, before the Termination
				// Date of 31 May 2007).
				theClock = clock.StartingAt(ex.Clock)
			}
			pctx, endProgress := withProgress(ctx, cmd)
			fmt.Fprintf(out, "demo: %s\n", ex.Summary)
			res, err := loadExample(pctx, st, ex, out)
			endProgress()
			if err != nil {
				var r *demo.Refusal
				if errors.As(err, &r) {
					return usageError{refusal(r, sf, target)}
				}
				return err
			}
			if clockSpec == "" && res.LastRecorded.After(ex.Clock) {
				// Served before: the clock runs on from the last recorded
				// time, never back before it.
				theClock = clock.StartingAt(res.LastRecorded.Add(time.Second))
			}
			fmt.Fprintln(out, "\ndemo users (email / password / role):")
			for _, u := range ex.Users {
				fmt.Fprintf(out, "  %-26s %-22s %s\n", u.Email, u.Password, u.Role)
			}
			if noServe {
				return nil
			}
			return serve(ctx, st, so, func(a net.Addr) {
				base := so.scheme() + "://" + a.String()
				fmt.Fprintf(out, "\nserving on %s/ : open it in a browser and sign in with a demo user above\n", base)
				fmt.Fprintf(out, "API: %s/api/v1 (OpenAPI: %s/api/v1/openapi.json); Ctrl-C stops\n", base, base)
				fmt.Fprintf(out, "sign in to the API:\n  curl -c cookies.txt -H 'Content-Type: application/json' -d '{\"email\":\"%s\",\"password\":\"%s\"}' %s/api/v1/session\n",
					ex.Users[0].Email, ex.Users[0].Password, base)
				fmt.Fprintf(out, "then:\n  curl -b cookies.txt '%s/api/v1/facilities/%s/availability?as_of=%s'\n", base, ex.Slug, ex.LastDay)
				fmt.Fprintf(out, "or with a token: revolver token create --email %s%s, then -H 'Authorization: Bearer <token>'\n", ex.Users[0].Email, dbFlagText(sf))
			})
		},
	}
	sf.add(c)
	so.add(c)
	c.Flags().BoolVar(&noServe, "no-serve", false, "load the demo data and exit")
	c.Flags().StringVar(&example, "example", demo.BTU.Slug, "the example facility: btu-sovereign or modern-abl (default database: modern-abl.db)")
	return c
}

// refusal says why the demo did not load into target and what to do.
func refusal(r *demo.Refusal, sf storeFlags, target string) error {
	db := dbFlagText(sf)
	if db == "" {
		db = " --db " + target
	}
	if r.Interrupted {
		return fmt.Errorf("demo: %s: %v\n  remove it and run `revolver demo%s` again", redact(target), r, db)
	}
	hint := "\n  for a new demo: revolver demo --db <a new file>"
	if r.Loaded {
		hint = fmt.Sprintf("\n  to go on with it as it is: revolver serve%s --clock from:%s", db, r.LastAt.Add(time.Second).UTC().Format(time.RFC3339)) + hint
	}
	return fmt.Errorf("demo: %s: %v%s", redact(target), r, hint)
}

func dbFlagText(sf storeFlags) string {
	if sf.database != "" {
		return " --database …"
	}
	if sf.db != "" {
		return " --db " + sf.db
	}
	return ""
}
