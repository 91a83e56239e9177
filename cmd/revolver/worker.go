package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"revolver/jobs"
	"revolver/observe"
	"revolver/store"
)

func init() { register(workerCmd, jobCmd) }

func jobCmd() *cobra.Command {
	var sf storeFlags
	var id int64
	c := &cobra.Command{
		Use:     "job --id N",
		Short:   "A job's state: waiting, running, completed (with its output), cancelled or failed (with its errors)",
		Example: "  revolver job --id 12 --database \"$REVOLVER_DATABASE_URL\"",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if id <= 0 {
				return usageError{fmt.Errorf("--id is required: the job's id, as enqueuing printed it")}
			}
			st, _, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			q, err := jobs.Open(cmd.Context(), jobs.Config{Store: st, Service: service(st)})
			if err != nil {
				return err
			}
			defer q.Stop(context.Background())
			j, err := q.Get(cmd.Context(), id)
			if err != nil {
				return opError(err)
			}
			return writeJSON(cmd.OutOrStdout(), j)
		},
	}
	sf.add(c)
	c.Flags().Int64Var(&id, "id", 0, "the job's id")
	return c
}

// workerOptions are the flags of the job workers (serve and worker).
type workerOptions struct {
	noWorkers          bool
	closeAt, closeZone string
	rescueAfter        time.Duration
	workers            int
}

func (o *workerOptions) add(c *cobra.Command, serving bool) {
	if serving {
		c.Flags().BoolVar(&o.noWorkers, "no-workers", false, "serve only: run no job workers in this process (run `revolver worker` elsewhere)")
	}
	c.Flags().StringVar(&o.closeAt, "close-at", "", "run close of business every day at this time HH:MM (or HH:MM:SS) in --close-zone, closing that day (one process enqueues it, whatever the number running)")
	c.Flags().StringVar(&o.closeZone, "close-zone", "UTC", "the bank's time zone for --close-at (IANA name, e.g. America/New_York)")
	c.Flags().DurationVar(&o.rescueAfter, "rescue-after", jobs.DefaultRescueAfter, "a job running longer is taken to have lost its worker and is run again by another (set above the longest close of business)")
	c.Flags().IntVar(&o.workers, "workers", 4, "jobs of the default queue run at once in this process (close of business runs one at a time; 0: the default)")
}

// queue opens the job queue over st: with workers unless turned off,
// their jobs and close-of-business runs reported to m.
func (o *workerOptions) queue(ctx context.Context, st store.Store, log *slog.Logger, m *observe.Metrics) (*jobs.Queue, error) {
	// Zero values (options not given as flags) are the defaults.
	if o.workers < 0 {
		return nil, usageError{fmt.Errorf("--workers %d: expected 1 or more", o.workers)}
	}
	if o.rescueAfter != 0 && o.rescueAfter < time.Second {
		return nil, usageError{fmt.Errorf("--rescue-after %s: expected 1s or more", o.rescueAfter)}
	}
	cfg := jobs.Config{Store: st, Service: service(st), Work: !o.noWorkers, Workers: o.workers, RescueAfter: o.rescueAfter, Log: log}
	if m != nil {
		cfg.Service.Observe, cfg.Report = m, m
	}
	if o.closeAt != "" {
		if o.noWorkers {
			return nil, usageError{fmt.Errorf("--close-at needs workers: drop --no-workers, or give --close-at to `revolver worker`")}
		}
		s, err := jobs.ParseSchedule(o.closeAt, o.closeZone, now)
		if err != nil {
			return nil, usageError{fmt.Errorf("--close-at: %v", err)}
		}
		cfg.Close = s
	}
	return jobs.Open(ctx, cfg)
}

func workerCmd() *cobra.Command {
	var sf storeFlags
	var wo workerOptions
	c := &cobra.Command{
		Use:   "worker [--db PATH | --database URL] [--close-at HH:MM --close-zone ZONE]",
		Short: "Run job workers only (close of business and other background work), until SIGINT/SIGTERM",
		Example: `  revolver worker --database "$REVOLVER_DATABASE_URL"
  revolver worker --database "$REVOLVER_DATABASE_URL" --close-at 17:00 --close-zone America/New_York`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signalContext()
			defer stop()
			st, target, err := sf.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			// Metrics of this process are not served (no HTTP server):
			// its jobs show in River's tables and its log.
			q, err := wo.queue(ctx, st, newLog(os.Stderr), nil)
			if err != nil {
				return err
			}
			// The workers' own context: Stop below, not the signal, ends them.
			if err := q.Start(context.WithoutCancel(ctx)); err != nil {
				q.Stop(context.Background())
				return err
			}
			sched := ""
			if wo.closeAt != "" {
				sched = fmt.Sprintf("; close of business every day at %s %s", wo.closeAt, wo.closeZone)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "revolver: workers running on %s%s\n", redact(target), sched)
			<-ctx.Done()
			sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			return q.Stop(sctx)
		},
	}
	sf.add(c)
	wo.add(c, false)
	return c
}
