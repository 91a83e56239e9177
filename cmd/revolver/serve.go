package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"revolver/app"
	"revolver/auth"
	"revolver/date"
	"revolver/httpapi"
	"revolver/jobs"
	"revolver/observe"
	"revolver/store"
	"revolver/store/dial"
	"revolver/web"
)

func init() {
	register(serveCmd, migrateCmd, cobCmd, backupCmd, auditCmd)
}

// storeFlags select the store: --db PATH (SQLite) or --database URL
// (PostgreSQL). REVOLVER_DATABASE_URL is the default of --database.
type storeFlags struct {
	db, database string
}

func (f *storeFlags) add(c *cobra.Command) {
	c.Flags().StringVar(&f.db, "db", "", "SQLite database file (default revolver.db)")
	c.Flags().StringVar(&f.database, "database", "", "PostgreSQL URL postgres://… (default $REVOLVER_DATABASE_URL)")
}

// target is what dial.Open takes.
func (f *storeFlags) target() (string, error) {
	if f.db != "" && f.database != "" {
		return "", usageError{errors.New("--db and --database are exclusive: choose SQLite or PostgreSQL")}
	}
	if f.database != "" {
		if !strings.HasPrefix(f.database, "postgres://") && !strings.HasPrefix(f.database, "postgresql://") {
			return "", usageError{fmt.Errorf("--database %q: expected a postgres:// URL", f.database)}
		}
		return f.database, nil
	}
	if f.db != "" {
		return f.db, nil
	}
	if u := os.Getenv("REVOLVER_DATABASE_URL"); u != "" {
		return u, nil
	}
	return "revolver.db", nil
}

func (f *storeFlags) configured() bool {
	return f.db != "" || f.database != "" || os.Getenv("REVOLVER_DATABASE_URL") != ""
}

// open opens the database, which must exist: a command that needs one
// never creates it (migrate and demo do, with create).
func (f *storeFlags) open(ctx context.Context) (store.Store, string, error) {
	t, err := f.target()
	if err != nil {
		return nil, "", err
	}
	st, err := dial.OpenExisting(ctx, t)
	if err != nil {
		return nil, "", err
	}
	return st, t, nil
}

// create opens the database, creating it (a new SQLite file, or
// revolver's schema in an empty PostgreSQL database) if needed.
func (f *storeFlags) create(ctx context.Context) (store.Store, string, error) {
	t, err := f.target()
	if err != nil {
		return nil, "", err
	}
	st, err := dial.Open(ctx, t)
	if err != nil {
		return nil, "", err
	}
	return st, t, nil
}

func accountsOf(st store.Store) (store.Accounts, error) {
	a, ok := st.(store.Accounts)
	if !ok {
		return nil, fmt.Errorf("the store %T does not keep accounts", st)
	}
	return a, nil
}

func redact(target string) string {
	if i := strings.Index(target, "@"); i > 0 && strings.Contains(target, "://") {
		return target[:strings.Index(target, "://")+3] + "…" + target[i:]
	}
	return target
}

// serveOptions are the server's flags.
type serveOptions struct {
	addr, tlsCert, tlsKey string
	secureCookies         bool
	// metricsAddr serves /metrics (unauthenticated) on its own address.
	metricsAddr string
	// trustedProxies name the proxies whose X-Forwarded-For names the client.
	trustedProxies []string
	jobs           workerOptions
}

func (o *serveOptions) add(c *cobra.Command) {
	c.Flags().StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address HOST:PORT")
	c.Flags().StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS with this certificate (PEM) and --tls-key")
	c.Flags().StringVar(&o.tlsKey, "tls-key", "", "the private key of --tls-cert (PEM)")
	c.Flags().BoolVar(&o.secureCookies, "secure-cookies", false, "mark session cookies Secure on plain HTTP (behind a TLS-terminating proxy)")
	c.Flags().StringVar(&o.metricsAddr, "metrics-addr", "", "also serve /metrics (Prometheus, unauthenticated), /health and /ready on this HOST:PORT, e.g. an internal interface (default: no /metrics)")
	c.Flags().StringArrayVar(&o.trustedProxies, "trusted-proxy", nil, "address or CIDR prefix of a proxy whose X-Forwarded-For names the client (repeatable; default none: the header is ignored)")
	o.jobs.add(c, true)
}

func (o *serveOptions) scheme() string {
	if o.tlsCert != "" {
		return "https"
	}
	return "http"
}

// handler is what `revolver serve` serves: the web pages, with the API
// under /api/, /health and /ready, over one store and one clock, in the
// request log's middleware (without metrics).
func handler(st store.Store, now func() time.Time, log *slog.Logger, secureCookies bool) (http.Handler, error) {
	h, _, err := newHandler(st, now, log, secureCookies, nil, nil)
	return h, err
}

// newHandler is handler counting its requests in m (nil: no metrics); it
// returns the readiness checks too, for more to be added.
// Sign-ins are counted by the client address that trusted proxies (none:
// the connection's peer) name.
func newHandler(st store.Store, now func() time.Time, log *slog.Logger, secureCookies bool, m *observe.Metrics, q *jobs.Queue, trusted ...netip.Prefix) (http.Handler, *observe.Health, error) {
	health := &observe.Health{Log: log}
	var obs app.Observer
	if m != nil {
		obs = m
	}
	cfg := httpapi.Config{Store: st, Terms: &app.StoredTerms{Store: st}, Now: now, Log: log, SecureCookies: secureCookies, Observe: obs, Health: health, TrustedProxies: trusted}
	if q != nil {
		cfg.Jobs = q
	}
	api, err := httpapi.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	pages, err := web.New(web.Config{API: api, Service: api.Service(), Store: st, Now: now, Log: log, SecureCookies: secureCookies, TrustedProxies: trusted})
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /health", api)
	mux.Handle("GET /ready", api)
	mux.Handle("/", pages)
	return observe.Middleware(mux, m, log), health, nil
}

// newLog is the server's log: JSON lines on stderr, one per request and
// one per error.
func newLog(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// observeStore has m observe st's write transactions and its audit head.
func observeStore(m *observe.Metrics, st store.Store) {
	if o, ok := st.(store.TxObservable); ok {
		o.ObserveTx(m.StoreTx)
	}
	if h, ok := st.(store.AuditHeader); ok {
		m.AuditHead(func(ctx context.Context) (int64, string, error) {
			head, err := h.AuditHead(ctx)
			return head.ID, head.Hash, err
		})
	}
}

// serve runs the server, and the job workers unless --no-workers, until
// the context ends (SIGINT/SIGTERM); with --metrics-addr, /metrics (and
// /health, /ready) on that address too.
func serve(ctx context.Context, st store.Store, o serveOptions, ready func(net.Addr)) error {
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return usageError{errors.New("--tls-cert and --tls-key go together")}
	}
	log := newLog(os.Stderr)
	trusted, err := auth.ParseTrustedProxies(o.trustedProxies)
	if err != nil {
		return usageError{fmt.Errorf("--trusted-proxy: %w", err)}
	}
	m := observe.New()
	observeStore(m, st)
	// The job workers, unless --no-workers: their jobs reported to m,
	// and /ready failing while they do not run. The API enqueues close of
	// business on the same queue.
	q, err := o.jobs.queue(ctx, st, log, m)
	if err != nil {
		return err
	}
	srv, health, err := newHandler(st, now, log, o.secureCookies, m, q, trusted...)
	if err != nil {
		return err
	}
	if err := q.Start(context.WithoutCancel(ctx)); err != nil {
		q.Stop(context.Background())
		return err
	}
	if !o.jobs.noWorkers {
		health.Add("workers", func(context.Context) error { return q.Ready() })
	}
	defer func() {
		// Running jobs get the server's grace period to finish.
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(sctx)
	}()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	servers := []*http.Server{{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}}
	listeners := []net.Listener{ln}
	if o.metricsAddr != "" {
		mln, err := net.Listen("tcp", o.metricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", m.Handler())
		mux.Handle("GET /health", srv)
		mux.Handle("GET /ready", srv)
		servers = append(servers, &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute})
		listeners = append(listeners, mln)
		log.Info("metrics", "addr", mln.Addr().String())
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, len(servers))
	for i, hs := range servers {
		go func() {
			if i == 0 && o.tlsCert != "" {
				errc <- hs.ServeTLS(listeners[i], o.tlsCert, o.tlsKey)
				return
			}
			errc <- hs.Serve(listeners[i])
		}()
	}
	shutdown := func() error {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var first error
		for _, hs := range servers {
			if err := hs.Shutdown(sctx); err != nil && first == nil {
				first = err
			}
		}
		return first
	}
	select {
	case err := <-errc:
		shutdown()
		return err
	case <-ctx.Done():
		return shutdown()
	}
}

func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func serveCmd() *cobra.Command {
	var sf storeFlags
	var so serveOptions
	c := &cobra.Command{
		Use:   "serve [--db PATH | --database URL] [--addr HOST:PORT]",
		Short: "Run the HTTP API on existing data",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signalContext()
			defer stop()
			st, target, err := sf.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			return serve(ctx, st, so, func(a net.Addr) {
				fmt.Fprintf(cmd.OutOrStdout(), "revolver: serving %s on %s://%s/ (API: /api/v1, OpenAPI: /api/v1/openapi.json)\n", redact(target), so.scheme(), a)
			})
		},
	}
	sf.add(c)
	so.add(c)
	return c
}

func migrateCmd() *cobra.Command {
	var sf storeFlags
	c := &cobra.Command{
		Use:   "migrate [--db PATH | --database URL]",
		Short: "Create or upgrade the database schema",
		RunE: func(cmd *cobra.Command, args []string) error {
			st, target, err := sf.create(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			fmt.Fprintf(cmd.OutOrStdout(), "%s: schema up to date\n", redact(target))
			return nil
		},
	}
	sf.add(c)
	return c
}

func cobCmd() *cobra.Command {
	var sf storeFlags
	var day string
	var queue bool
	c := &cobra.Command{
		Use:   "cob --date YYYY-MM-DD [--queue]",
		Short: "Close of business: accrue interest of every facility through a day (idempotent)",
		Example: `  revolver cob --date 2006-12-29           # runs it here and now
  revolver cob --date 2006-12-29 --queue   # a job for the workers (revolver serve or revolver worker)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := parseDateFlag("date", day)
			if err != nil {
				return err
			}
			st, _, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if queue {
				q, err := jobs.Open(cmd.Context(), jobs.Config{Store: st, Service: service(st)})
				if err != nil {
					return err
				}
				defer q.Stop(context.Background())
				a := app.Actor{User: cliActor(), Via: "revolver cob --queue"}
				j, err := q.EnqueueCloseOfBusiness(cmd.Context(), d, a)
				if err != nil {
					return err
				}
				if j.Duplicate {
					fmt.Fprintf(cmd.OutOrStdout(), "close of business through %s: job %d already enqueued (%s)\n", d, j.ID, j.State)
					return nil
				}
				fmt.Fprintf(cmd.OutOrStdout(), "close of business through %s: job %d enqueued for the workers\n", d, j.ID)
				return nil
			}
			// The run stores its audit record with its accruals and the
			// move of the business date, in one transaction.
			ctx, endProgress := withProgress(cliContext(cmd.Context(), "cob"), cmd)
			res, err := service(st).CloseOfBusiness(ctx, d)
			endProgress()
			var incomplete *app.CloseError
			if err != nil && !errors.As(err, &incomplete) {
				return err
			}
			// The facilities closed are stored; those that could not be
			// are reported, and the command then fails.
			fmt.Fprintf(cmd.OutOrStdout(), "close of business through %s: %d facilities, %d transactions posted, %d already posted\n", d, res.Facilities, res.Posted, res.Replayed)
			for _, f := range res.Undetermined {
				fmt.Fprintf(cmd.OutOrStdout(), "not posted: facility %q: %s\n", f.Facility, f.Reason)
			}
			for _, f := range res.Failed {
				fmt.Fprintf(cmd.OutOrStdout(), "not closed: facility %q: %s\n", f.Facility, f.Reason)
			}
			if incomplete != nil {
				return fmt.Errorf("close of business through %s: %d of %d facilities not closed; the business date is not moved; run it again once their terms are put right", d, len(incomplete.Failed), res.Facilities)
			}
			if res.Audit.Records > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "audit head %s (record %d and its hash: keep it elsewhere; revolver audit verify --expect %s checks the trail still holds it)\n", res.Audit, res.Audit.Records, res.Audit)
			}
			return nil
		},
	}
	sf.add(c)
	c.Flags().StringVar(&day, "date", "", "the day to close YYYY-MM-DD")
	c.Flags().BoolVar(&queue, "queue", false, "enqueue it as a job for the workers instead of running it here (once per day: a day already enqueued is not enqueued again)")
	return c
}

func backupCmd() *cobra.Command {
	var sf storeFlags
	var to string
	c := &cobra.Command{
		Use:   "backup --to FILE",
		Short: "Online backup of a SQLite database (for PostgreSQL use pg_dump)",
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := sf.target()
			if err != nil {
				return err
			}
			if strings.Contains(t, "://") {
				return usageError{errors.New("backup copies SQLite databases; for PostgreSQL use pg_dump, e.g. pg_dump --format=custom --file revolver.dump \"$DATABASE_URL\"")}
			}
			if to == "" {
				return usageError{errors.New("--to FILE is required")}
			}
			if _, err := os.Stat(to); err == nil {
				return usageError{fmt.Errorf("--to %s: the file exists; choose a new file", to)}
			}
			st, _, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			b, ok := st.(interface {
				Backup(ctx context.Context, dest string) error
			})
			if !ok {
				return fmt.Errorf("the store %T has no online backup", st)
			}
			if err := b.Backup(cmd.Context(), to); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "backed up %s to %s\n", t, to)
			return nil
		},
	}
	sf.add(c)
	c.Flags().StringVar(&to, "to", "", "the backup file to create")
	return c
}

func auditCmd() *cobra.Command {
	c := &cobra.Command{Use: "audit", Short: "The audit trail"}
	var sf storeFlags
	var expect string
	verify := &cobra.Command{
		Use:   "verify [--expect N:HASH]",
		Short: "Check the audit trail's hash chain; report the first broken link, or a head kept elsewhere the trail no longer holds",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var want app.AuditHead
			if expect != "" {
				var err error
				if want, err = app.ParseAuditHead(expect); err != nil {
					return usageError{fmt.Errorf("--expect: %w", err)}
				}
			}
			st, _, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			var v app.AuditVerification
			if expect != "" {
				v, err = service(st).VerifyAuditExpecting(cmd.Context(), want)
			} else {
				v, err = service(st).VerifyAudit(cmd.Context())
			}
			if err != nil {
				return err
			}
			if v.Break != nil {
				return fmt.Errorf("audit trail broken at record %d: %s (%d records checked before it)", v.Break.ID, v.Break.Reason, v.Records)
			}
			if v.Mismatch != "" {
				return fmt.Errorf("audit trail does not hold the head expected: %s", v.Mismatch)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "audit trail intact: %d records\n", v.Records)
			if v.Records > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "head: %d:%s (keep it elsewhere; --expect checks the trail against it)\n", v.Records, v.Head)
			}
			return nil
		},
	}
	sf.add(verify)
	verify.Flags().StringVar(&expect, "expect", "", "a head kept elsewhere, N:HASH (close of business prints it): the trail must still hold record N with that hash")
	c.AddCommand(verify, auditListCmd())
	return c
}

func auditListCmd() *cobra.Command {
	var sf storeFlags
	var f store.AuditFilter
	var from, to, format string
	var limit int
	c := &cobra.Command{
		Use:   "list [--facility F] [--user U] [--kind K] [--from D] [--to D] [--format table|json|csv]",
		Short: "List audit records by id: who, what, when and the result, filtered by facility, user, kind and business date",
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" && format != "csv" {
				return usageError{fmt.Errorf("--format %q: expected table, json or csv", format)}
			}
			if limit < 0 {
				return usageError{fmt.Errorf("--limit %d: expected 0 (every record) or more", limit)}
			}
			var err error
			for _, d := range []struct {
				name, v string
				dst     *date.Date
			}{{"from", from, &f.From}, {"to", to, &f.To}} {
				if d.v == "" {
					continue
				}
				if *d.dst, err = parseDateFlag(d.name, d.v); err != nil {
					return err
				}
			}
			if f.From != 0 && f.To != 0 && f.From > f.To {
				return usageError{fmt.Errorf("--to %s is before --from %s", f.To, f.From)}
			}
			st, _, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			out := cmd.OutOrStdout()
			if format == "csv" && limit == 0 {
				_, err := svc.ExportAuditCSV(cmd.Context(), f, out)
				return err
			}
			recs := []store.AuditRecord{}
			for {
				f.Limit = 1000
				if limit > 0 {
					f.Limit = min(1000, limit-len(recs))
				}
				page, err := svc.AuditTrail(cmd.Context(), f)
				if err != nil {
					return err
				}
				recs = append(recs, page...)
				if len(page) < f.Limit || limit > 0 && len(recs) >= limit {
					break
				}
				f.After = page[len(page)-1].ID
			}
			switch format {
			case "json":
				return writeJSON(out, recs)
			case "csv":
				return app.WriteAuditCSV(out, recs)
			}
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tBUSINESS DATE\tRECORDED (UTC)\tRESULT\tSUMMARY")
			for _, r := range recs {
				day := ""
				if r.BusinessDate != 0 {
					day = r.BusinessDate.String()
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.ID, day, r.At.UTC().Format("2006-01-02 15:04:05"), r.Result, r.Summary)
			}
			return tw.Flush()
		},
	}
	sf.add(c)
	c.Flags().StringVar(&f.Facility, "facility", "", "only records of this facility (slug)")
	c.Flags().StringVar(&f.Actor, "user", "", "only records of this user (email, or cli:name)")
	c.Flags().StringVar(&f.Kind, "kind", "", "only records of this kind of thing, e.g. advance, certificate, session")
	c.Flags().StringVar(&from, "from", "", "first business date YYYY-MM-DD")
	c.Flags().StringVar(&to, "to", "", "last business date YYYY-MM-DD")
	c.Flags().Int64Var(&f.After, "after", 0, "only records with a greater id")
	c.Flags().IntVar(&limit, "limit", 0, "at most this many records (0: every record)")
	c.Flags().StringVar(&format, "format", "table", "table, json or csv")
	return c
}
