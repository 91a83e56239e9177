// Package jobs runs revolver's background work as jobs on River
// (github.com/riverqueue/river), a job queue kept in the store's own
// database: PostgreSQL (riverpgxv5) or SQLite (riversqlite). It is an edge,
// like the API: a job carries the arguments of a use case of package app
// and the identity of whoever asked for it, and its work is that use case,
// which stores its changes and their audit record in one transaction.
//
// Jobs are done once: any number of processes may run workers on one
// database, River hands each job to one of them, and a job that is run
// again (its worker was killed and River's rescuer gave it to another) is
// safe because its use case is idempotent (close of business for a date
// already closed posts nothing and succeeds). Jobs of one kind and the
// same key (close of business: the date) are unique: enqueuing one again
// while the first is waiting, running or done returns the first.
//
// Adding a kind of job: its args type (Kind, InsertOpts), a worker whose
// Work calls the use case inside track, and a line in addWorkers.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"revolver/app"
	"revolver/store"
	"revolver/store/postgres"
	"revolver/store/sqlite"
)

// Queues: close of business runs alone (one at a time per process: runs
// of different dates would only wait for each other's commit), other work
// in the default queue.
const (
	QueueClose   = "close_of_business"
	QueueDefault = river.QueueDefault
)

// Config configures a Queue.
type Config struct {
	// Store is the database the jobs are kept in and work on.
	Store store.Store
	// Service runs the use cases (its Store is Store).
	Service *app.Service
	// Work runs workers in this process; without it the Queue only
	// enqueues.
	Work bool
	// Workers is the number of jobs of the default queue run at once in
	// this process (default 4).
	Workers int
	// Close, if set, schedules close of business every day (Work only;
	// the leader of the processes enqueues it, once).
	Close *Schedule
	// RescueAfter is how long a job may run before it is taken to have
	// lost its worker (a killed process) and is given to another; a job
	// still running then is cancelled shortly before (default 10 minutes).
	RescueAfter time.Duration
	// Log receives a line when a job starts and ends, and River's
	// warnings (default: discarded).
	Log *slog.Logger
	// Report, if set, is told of each job's start and end (the metrics:
	// *observe.Metrics is one).
	Report Reporter
	// Notify, if set, delivers notifications (notify.go).
	Notify *Notify
}

// Reporter is told of each job this process runs, by kind.
type Reporter interface {
	JobStarted(kind string)
	JobFinished(kind string, took time.Duration, err error)
}

// DefaultRescueAfter is Config.RescueAfter's default.
const DefaultRescueAfter = 10 * time.Minute

// client is what Queue uses of a River client, whichever the driver.
type client interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	Stopped() <-chan struct{}
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
}

// Queue enqueues jobs and, when configured to, works them.
type Queue struct {
	cfg    Config
	log    *slog.Logger
	client client
	close  func() // closes the queue's own connections

	running atomic.Bool
	mu      sync.Mutex
	stats   map[string]*Stats
}

// Stats counts the jobs of one kind this process ran since it started.
type Stats struct {
	Started, Done, Failed int64
	// Duration is the total time of the finished (done or failed) runs.
	Duration time.Duration
}

// Open makes the Queue over cfg.Store's database, applying River's
// migrations first. Start starts its workers.
func Open(ctx context.Context, cfg Config) (*Queue, error) {
	if cfg.Service == nil {
		return nil, errors.New("jobs: no service")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.RescueAfter <= 0 {
		cfg.RescueAfter = DefaultRescueAfter
	}
	q := &Queue{cfg: cfg, log: cfg.Log, stats: map[string]*Stats{}}
	if q.log == nil {
		q.log = slog.New(slog.DiscardHandler)
	}
	workers := river.NewWorkers()
	addWorkers(workers, q)
	rc := &river.Config{
		Workers: workers,
		// River's own messages: warnings and errors only.
		Logger:               slog.New(warnOnly{q.log.Handler()}),
		RescueStuckJobsAfter: cfg.RescueAfter,
		// A run still going just before it would be rescued is cancelled,
		// so that two runs of one job never overlap for long.
		JobTimeout:  cfg.RescueAfter - cfg.RescueAfter/10,
		MaxAttempts: 10,
	}
	if cfg.Work {
		rc.Queues = map[string]river.QueueConfig{
			QueueClose:   {MaxWorkers: 1},
			QueueDefault: {MaxWorkers: cfg.Workers},
		}
		if cfg.Close != nil {
			rc.PeriodicJobs = []*river.PeriodicJob{cfg.Close.periodic()}
		}
		if cfg.Notify != nil {
			rc.PeriodicJobs = append(rc.PeriodicJobs, q.dispatchPeriodic(), q.deadlinesPeriodic())
		}
	}
	switch st := cfg.Store.(type) {
	case *postgres.Store:
		pool, schema, err := pgPool(ctx, st)
		if err != nil {
			return nil, err
		}
		if err := migratePostgres(ctx, pool, schema); err != nil {
			pool.Close()
			return nil, err
		}
		rc.Schema = schema
		c, err := river.NewClient(riverpgxv5.New(pool), rc)
		if err != nil {
			pool.Close()
			return nil, fmt.Errorf("jobs: %w", err)
		}
		q.client, q.close = c, pool.Close
	case *sqlite.Store:
		db, err := st.NewPool(ctx)
		if err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		if err := migrateSQLite(ctx, db); err != nil {
			db.Close()
			return nil, err
		}
		// No notifications on SQLite: workers look for jobs every
		// FetchPollInterval.
		rc.PollOnly = true
		rc.FetchPollInterval = 500 * time.Millisecond
		c, err := river.NewClient(riversqlite.New(db), rc)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("jobs: %w", err)
		}
		q.client, q.close = c, func() { db.Close() }
	default:
		return nil, fmt.Errorf("jobs: the store %T keeps no job queue", cfg.Store)
	}
	return q, nil
}

// Start starts the workers (a Queue configured without Work starts
// nothing). They run until Stop, or until ctx ends.
func (q *Queue) Start(ctx context.Context) error {
	if !q.cfg.Work {
		return nil
	}
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start workers: %w", err)
	}
	q.running.Store(true)
	go func() {
		<-q.client.Stopped()
		q.running.Store(false)
	}()
	return nil
}

// Running reports whether this process's workers are running: false
// before Start, after Stop, and for a Queue that only enqueues.
func (q *Queue) Running() bool { return q.running.Load() }

// Ready is Running as a check: nil when the workers run, an error saying
// why not otherwise.
func (q *Queue) Ready() error {
	switch {
	case !q.cfg.Work:
		return errors.New("jobs: workers are turned off in this process")
	case !q.Running():
		return errors.New("jobs: workers are not running")
	}
	return nil
}

// Stop lets running jobs finish (until ctx ends; then they are
// cancelled: their use cases store nothing) and closes the queue's
// connections.
func (q *Queue) Stop(ctx context.Context) error {
	var err error
	if q.cfg.Work && q.running.Load() {
		err = q.client.Stop(ctx)
		q.running.Store(false)
	}
	q.close()
	return err
}

// Stats returns, by kind of job, the counts and durations of the jobs
// this process ran.
func (q *Queue) Stats() map[string]Stats {
	q.mu.Lock()
	defer q.mu.Unlock()
	m := make(map[string]Stats, len(q.stats))
	for k, s := range q.stats {
		m[k] = *s
	}
	return m
}

// Job is the state of one job, as stored by River.
type Job struct {
	ID      int64    `json:"id"`
	Kind    string   `json:"kind"`
	State   string   `json:"state"` // available, running, retryable, completed, cancelled, discarded, …
	Attempt int      `json:"attempt"`
	Errors  []string `json:"errors,omitempty"`
	// Output is what the job recorded (a certificate import: its
	// certificate).
	Output    json.RawMessage `json:"output,omitempty"`
	Duplicate bool            `json:"duplicate,omitempty"` // enqueuing found this job already there
}

// Get returns the job with the given id.
func (q *Queue) Get(ctx context.Context, id int64) (Job, error) {
	r, err := q.client.JobGet(ctx, id)
	if err != nil {
		if errors.Is(err, river.ErrNotFound) {
			return Job{}, store.Errorf(store.CodeNotFound, "job %d: not found", id)
		}
		return Job{}, fmt.Errorf("job %d: %w", id, err)
	}
	return jobOf(r, false), nil
}

func jobOf(r *rivertype.JobRow, dup bool) Job {
	j := Job{ID: r.ID, Kind: r.Kind, State: string(r.State), Attempt: r.Attempt, Duplicate: dup}
	if o := r.Output(); len(o) > 0 {
		j.Output = json.RawMessage(o)
	}
	for _, e := range r.Errors {
		j.Errors = append(j.Errors, e.Error)
	}
	return j
}

func (q *Queue) insert(ctx context.Context, args river.JobArgs) (Job, error) {
	res, err := q.client.Insert(ctx, args, nil)
	if err != nil {
		return Job{}, fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return jobOf(res.Job, res.UniqueSkippedAsDuplicate), nil
}

// track runs a job's work, counting it and logging its start and end.
func (q *Queue) track(ctx context.Context, job *rivertype.JobRow, work func(ctx context.Context) (string, error)) error {
	q.mu.Lock()
	s := q.stats[job.Kind]
	if s == nil {
		s = &Stats{}
		q.stats[job.Kind] = s
	}
	s.Started++
	q.mu.Unlock()
	if q.cfg.Report != nil {
		q.cfg.Report.JobStarted(job.Kind)
	}
	q.log.Info("job started", "kind", job.Kind, "job", job.ID, "attempt", job.Attempt)
	t0 := time.Now()
	summary, err := work(ctx)
	d := time.Since(t0)
	q.mu.Lock()
	s.Duration += d
	if err != nil {
		s.Failed++
	} else {
		s.Done++
	}
	q.mu.Unlock()
	if q.cfg.Report != nil {
		q.cfg.Report.JobFinished(job.Kind, d, err)
	}
	if err != nil {
		q.log.Warn("job failed", "kind", job.Kind, "job", job.ID, "attempt", job.Attempt, "duration", d, "error", err)
		return err
	}
	q.log.Info("job done", "kind", job.Kind, "job", job.ID, "attempt", job.Attempt, "duration", d, "result", summary)
	return nil
}

// actor is the identity a job acts with: who asked for it and through
// what, carried in its args, and the job as the request. A user's role
// and facilities are read again when the job runs, so that a job waiting
// in the queue acts with what the user may do now, not when it was
// enqueued: a user disabled since is refused, and the job is cancelled
// (not retried). The command line's identities (no user id) are as given.
func (q *Queue) actor(ctx context.Context, a Identity, job *rivertype.JobRow) (app.Actor, error) {
	out := app.Actor{User: a.User, UserID: a.UserID, Role: a.Role, Facilities: a.Facilities,
		Via: a.Via + " (job " + fmt.Sprint(job.ID) + ")", RequestID: fmt.Sprintf("job_%d_%d", job.ID, job.Attempt),
		Audit: &app.AuditState{}}
	acc, ok := q.cfg.Store.(store.Accounts)
	if a.UserID == 0 || !ok {
		return out, nil
	}
	u, err := acc.UserByID(ctx, a.UserID)
	if store.ErrorCode(err) == store.CodeNotFound || err == nil && u.Disabled {
		return out, river.JobCancel(fmt.Errorf("job %d: user %s (id %d) is disabled or gone since the job was enqueued: it does not run", job.ID, a.User, a.UserID))
	}
	if err != nil {
		return out, err
	}
	out.User, out.Role, out.Facilities = u.Email, u.Role, u.Facilities
	return out, nil
}

// Identity is who asked for a job: the actor its use case runs as (whose
// role it checks, and whom its audit record names).
type Identity struct {
	User       string   `json:"user"`
	UserID     int64    `json:"user_id,omitempty"`
	Role       string   `json:"role,omitempty"`
	Facilities []string `json:"facilities,omitempty"`
	Via        string   `json:"via"`
}

// IdentityOf is the identity of an actor.
func IdentityOf(a app.Actor) Identity {
	return Identity{User: a.User, UserID: a.UserID, Role: a.Role, Facilities: a.Facilities, Via: a.Via}
}

// pgPool opens the queue's own connections (the store's settings, at most
// four: River listens on one) and finds the schema the store's tables are
// in, so that River's tables and notifications are the same schema's.
func pgPool(ctx context.Context, st *postgres.Store) (*pgxpool.Pool, string, error) {
	pool, err := st.NewPool(ctx, 4)
	if err != nil {
		return nil, "", fmt.Errorf("jobs: %w", err)
	}
	var schema string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		pool.Close()
		return nil, "", fmt.Errorf("jobs: %w", err)
	}
	return pool, schema, nil
}

// Migrate applies River's migrations not yet applied to the store's
// database (revolver migrate, and every command opening a database, runs
// it: a new database gets the queue's tables with the store's).
func Migrate(ctx context.Context, s store.Store) error {
	switch st := s.(type) {
	case *postgres.Store:
		pool, schema, err := pgPool(ctx, st)
		if err != nil {
			return err
		}
		defer pool.Close()
		return migratePostgres(ctx, pool, schema)
	case *sqlite.Store:
		db, err := st.NewPool(ctx)
		if err != nil {
			return fmt.Errorf("jobs: %w", err)
		}
		defer db.Close()
		return migrateSQLite(ctx, db)
	}
	return nil
}

// migratePostgres runs River's migrations, each in its transaction (one
// adds an enum value the next uses, which PostgreSQL refuses in one
// transaction), holding an advisory lock on a connection of its own, so
// that processes starting together migrate one after the other.
func migratePostgres(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Schema: schema, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(72680002)`); err != nil {
		return fmt.Errorf("jobs: migrate: lock: %w", err)
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock(72680002)`)
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// migrateSQLite runs River's migrations in one IMMEDIATE transaction (it
// holds the database's write lock from its start).
func migrateSQLite(ctx context.Context, db *sql.DB) error {
	m, err := rivermigrate.New(riversqlite.New(db), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// warnOnly passes on records of level Warn and above.
type warnOnly struct{ slog.Handler }

func (w warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && w.Handler.Enabled(ctx, l)
}
func (w warnOnly) WithAttrs(a []slog.Attr) slog.Handler { return warnOnly{w.Handler.WithAttrs(a)} }
func (w warnOnly) WithGroup(n string) slog.Handler      { return warnOnly{w.Handler.WithGroup(n)} }
