package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
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
	notify             notifyOptions
}

func (o *workerOptions) add(c *cobra.Command, serving bool) {
	if serving {
		c.Flags().BoolVar(&o.noWorkers, "no-workers", false, "serve only: run no job workers in this process (run `revolver worker` elsewhere)")
	}
	c.Flags().StringVar(&o.closeAt, "close-at", "", "run close of business every day at this time HH:MM (or HH:MM:SS) in --close-zone, closing that day (one process enqueues it, whatever the number running)")
	c.Flags().StringVar(&o.closeZone, "close-zone", "UTC", "the bank's time zone for --close-at (IANA name, e.g. America/New_York)")
	c.Flags().DurationVar(&o.rescueAfter, "rescue-after", jobs.DefaultRescueAfter, "a job running longer is taken to have lost its worker and is run again by another (set above the longest close of business)")
	c.Flags().IntVar(&o.workers, "workers", 4, "jobs of the default queue run at once in this process (close of business runs one at a time; 0: the default)")
	o.notify.add(c)
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
	if !o.noWorkers {
		n, err := o.notify.config(m)
		if err != nil {
			return nil, err
		}
		cfg.Notify = n
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
	var metricsAddr string
	c := &cobra.Command{
		Use:   "worker [--db PATH | --database URL] [--close-at HH:MM --close-zone ZONE] [--metrics-addr HOST:PORT]",
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
			// With --metrics-addr, its jobs' metrics (and /health,
			// /ready: the database and the workers) on that address;
			// without, its jobs show in River's tables and its log.
			log := newLog(os.Stderr)
			var m *observe.Metrics
			if metricsAddr != "" {
				m = observe.New()
				observeStore(m, st)
			}
			q, err := wo.queue(ctx, st, log, m)
			if err != nil {
				return err
			}
			if m != nil {
				ln, err := net.Listen("tcp", metricsAddr)
				if err != nil {
					return fmt.Errorf("--metrics-addr: %w", err)
				}
				health := &observe.Health{Log: log}
				health.Add("database", func(ctx context.Context) error { return store.Ready(ctx, st) })
				health.Add("workers", func(context.Context) error { return q.Ready() })
				mux := http.NewServeMux()
				mux.Handle("GET /metrics", m.Handler())
				mux.HandleFunc("GET /health", health.Live)
				mux.HandleFunc("GET /ready", health.Ready)
				hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute}
				go hs.Serve(ln)
				defer hs.Close()
				log.Info("metrics", "addr", ln.Addr().String())
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
	c.Flags().StringVar(&metricsAddr, "metrics-addr", "", "serve /metrics (Prometheus, unauthenticated), /health and /ready on this HOST:PORT, e.g. an internal interface (default: none)")
	return c
}
