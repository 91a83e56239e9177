package jobs_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/jobs"
	"revolver/store"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// revolverBin builds the revolver command from this module, once per test
// run.
func revolverBin(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("short: starts worker processes")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "revolver-jobs-test")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "revolver")
		out, err := exec.Command("go", "build", "-o", binPath, "revolver/cmd/revolver").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// worker is a `revolver worker` process.
type worker struct {
	name string
	cmd  *exec.Cmd
	mu   sync.Mutex
	log  []string // its stderr and stdout lines
	seen chan string
}

// startWorker starts `revolver worker` on target and waits until it says
// its workers run.
func startWorker(t *testing.T, name, target string, extra ...string) *worker {
	t.Helper()
	flag := "--db"
	if strings.Contains(target, "://") {
		flag = "--database"
	}
	args := append([]string{"worker", flag, target}, extra...)
	w := &worker{name: name, cmd: exec.Command(revolverBin(t), args...), seen: make(chan string, 1024)}
	w.cmd.Env = append(os.Environ(), "USER=test")
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	w.cmd.Stderr = w.cmd.Stdout // one stream: start, job and error lines in order
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		w.cmd.Process.Kill()
		w.cmd.Wait()
		if t.Failed() {
			t.Logf("%s:\n%s", w.name, strings.Join(w.lines(), "\n"))
		}
	})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			w.mu.Lock()
			w.log = append(w.log, sc.Text())
			w.mu.Unlock()
			select {
			case w.seen <- sc.Text():
			default:
			}
		}
		close(w.seen)
	}()
	w.wait(t, "workers running", time.Minute)
	return w
}

// wait waits for a line containing s.
func (w *worker) wait(t *testing.T, s string, within time.Duration) string {
	t.Helper()
	timeout := time.After(within)
	for {
		select {
		case l, ok := <-w.seen:
			if !ok {
				t.Fatalf("%s ended before saying %q:\n%s", w.name, s, strings.Join(w.lines(), "\n"))
			}
			if strings.Contains(l, s) {
				return l
			}
		case <-timeout:
			t.Fatalf("%s did not say %q within %s:\n%s", w.name, s, within, strings.Join(w.lines(), "\n"))
		}
	}
}

func (w *worker) lines() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.log...)
}

// logLine is a line of a worker's log (JSON) about a job.
type logLine struct {
	Msg      string `json:"msg"`
	Kind     string `json:"kind"`
	Job      int64  `json:"job"`
	Attempt  int    `json:"attempt"`
	Duration int64  `json:"duration"` // nanoseconds
	Result   string `json:"result"`
}

// jobEvent parses a log line about a job: "job started", "job done" or
// "job failed".
func jobEvent(l string) (logLine, bool) {
	var e logLine
	if json.Unmarshal([]byte(l), &e) != nil || !strings.HasPrefix(e.Msg, "job ") || e.Job == 0 {
		return e, false
	}
	// Every worker also reads the notifications' outbox and deadlines
	// (notify_* jobs): not the work these tests follow.
	if strings.HasPrefix(e.Kind, "notify_") {
		return e, false
	}
	return e, true
}

// waitJob waits for the worker to log msg ("job started", …) for the job.
func (w *worker) waitJob(t *testing.T, msg string, id int64, within time.Duration) {
	t.Helper()
	timeout := time.After(within)
	for {
		select {
		case l, ok := <-w.seen:
			if !ok {
				t.Fatalf("%s ended before %s %d:\n%s", w.name, msg, id, strings.Join(w.lines(), "\n"))
			}
			if e, ok := jobEvent(l); ok && e.Msg == msg && e.Job == id {
				return
			}
		case <-timeout:
			t.Fatalf("%s: no %s %d within %s:\n%s", w.name, msg, id, within, strings.Join(w.lines(), "\n"))
		}
	}
}

// runs counts, by job id, the runs this worker started and finished.
func (w *worker) runs() (started, done map[int64]int) {
	started, done = map[int64]int{}, map[int64]int{}
	for _, l := range w.lines() {
		e, ok := jobEvent(l)
		if !ok {
			continue
		}
		switch e.Msg {
		case "job started":
			started[e.Job]++
		case "job done":
			done[e.Job]++
		}
	}
	return started, done
}

// enqueuer is a Queue that only enqueues, as `revolver cob --queue` is.
func enqueuer(t *testing.T, w *world) *jobs.Queue {
	t.Helper()
	q, err := jobs.Open(ctx, jobs.Config{Store: w.st, Service: w.svc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(ctx) })
	return q
}

// Three worker processes on one database share close-of-business jobs
// for successive days: every job is run by exactly one of them, once, and
// every facility's interest is posted once for every day.
func TestWorkersShareJobs(t *testing.T) {
	t.Parallel() // with the other worker-process test: each mostly waits
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			// Each job takes long enough (a month of interest for eight
			// facilities) for the other workers' polls to find the next.
			w := newWorld(t, b.target(t), 8)
			var ws []*worker
			for i := range 3 {
				ws = append(ws, startWorker(t, fmt.Sprintf("worker %d", i+1), w.target))
			}
			q := enqueuer(t, w)
			by := app.Actor{User: "cli:test", Via: "revolver cob --queue"}
			var ids []int64
			var last date.Date
			for k := range 9 {
				last = w.first + date.Date(30*(k+1))
				j, err := q.EnqueueCloseOfBusiness(ctx, last, by)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, j.ID)
			}
			for _, id := range ids {
				if j := waitJob(t, q, id, time.Minute); j.State != "completed" {
					t.Fatalf("job %d: %s (%q)", id, j.State, j.Errors)
				}
			}
			w.check(t, last)
			byWorker := map[string]int{}
			doneBy := map[int64][]string{}
			for _, wk := range ws {
				_, done := wk.runs()
				for id, n := range done {
					for range n {
						doneBy[id] = append(doneBy[id], wk.name)
					}
					byWorker[wk.name] += n
				}
			}
			for _, id := range ids {
				if len(doneBy[id]) != 1 {
					t.Errorf("job %d done by %v, want exactly one worker", id, doneBy[id])
				}
			}
			if len(byWorker) < 2 {
				t.Errorf("jobs done by worker: %v; want the work shared by several", byWorker)
			}
			t.Logf("jobs done by worker: %v", byWorker)
		})
	}
}

// A worker process killed with SIGKILL in the middle of a close of
// business leaves nothing half-posted (the run's accruals, business date
// and audit record commit together, or not at all); once River's rescuer
// finds the job abandoned, another worker runs it to the end, and every
// facility's interest is posted once for every day.
func TestKill9InCloseOfBusiness(t *testing.T) {
	t.Parallel() // with the other worker-process test: each mostly waits
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			// A close of business long enough to be killed in, short enough
			// to end well before it is cancelled (at 90 % of --rescue-after):
			// about half a second on each database (two years of interest
			// for eight facilities on SQLite, one year for sixteen on
			// PostgreSQL).
			size := map[string]struct{ facilities, days int }{"sqlite": {8, 730}, "postgres": {16, 365}}[b.name]
			w := newWorld(t, b.target(t), size.facilities)
			through := w.first + date.Date(size.days-1)
			// Below the 10 s a new leader may take to be elected (so that
			// its first look finds the job abandoned), above the run's
			// length (a run is cancelled at 90 % of it).
			const rescueAfter = "9s"
			// Alone, the first worker is the leader: when it dies, the
			// next leader's rescuer looks for abandoned jobs as soon as it
			// is elected (River's leadership lapses 15 s after its last
			// renewal), and finds this one past --rescue-after.
			first := startWorker(t, "killed worker", w.target, "--rescue-after", rescueAfter)
			q := enqueuer(t, w)
			j, err := q.EnqueueCloseOfBusiness(ctx, through, app.Actor{User: "cli:test", Via: "revolver cob --queue"})
			if err != nil {
				t.Fatal(err)
			}
			first.waitJob(t, "job started", j.ID, time.Minute)
			time.Sleep(time.Duration(20+rand.IntN(100)) * time.Millisecond)
			if err := first.cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
			first.cmd.Wait()
			if _, done := first.runs(); done[j.ID] != 0 {
				t.Fatalf("the close of business ended before the worker was killed; make it longer")
			}
			got, err := q.Get(ctx, j.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != "running" {
				t.Fatalf("job %d after its worker was killed: %s, want running (abandoned)", j.ID, got.State)
			}
			// Nothing half-posted: no interest at all, or all of it.
			n, _ := w.accruals(t)
			full := len(w.facilities) * (through.Sub(w.first) + 1)
			if n != 0 && n != full {
				t.Fatalf("after the kill: %d interest transactions, want 0 or %d", n, full)
			}
			bd, err := w.st.BusinessDate(ctx)
			if err != nil && store.ErrorCode(err) != store.CodeNotFound {
				t.Fatal(err)
			}
			if (n == 0) != (bd.Date != through+1) {
				t.Fatalf("after the kill: %d interest transactions but business date %s", n, bd.Date)
			}
			t.Logf("killed with %d of %d interest transactions committed", n, full)
			start := time.Now()
			others := []*worker{
				startWorker(t, "worker 2", w.target, "--rescue-after", rescueAfter),
				startWorker(t, "worker 3", w.target, "--rescue-after", rescueAfter),
			}
			done := waitJob(t, q, j.ID, 90*time.Second)
			if done.State != "completed" || done.Attempt != 2 {
				t.Fatalf("job %d: %s after %d attempts (%q), want completed on the second", j.ID, done.State, done.Attempt, done.Errors)
			}
			t.Logf("completed %s after the other workers started", time.Since(start).Round(100*time.Millisecond))
			finished := 0
			for _, o := range others {
				_, d := o.runs()
				finished += d[j.ID]
				for _, l := range o.lines() {
					if e, ok := jobEvent(l); ok && e.Msg == "job done" {
						t.Logf("%s: job %d attempt %d done in %s: %s", o.name, e.Job, e.Attempt, time.Duration(e.Duration).Round(time.Millisecond), e.Result)
					}
				}
			}
			if finished != 1 {
				t.Errorf("the job finished %d times on the other workers, want 1", finished)
			}
			w.check(t, through)
			if recs := w.closeRecords(t); len(recs) != 1 {
				t.Errorf("%d close-of-business audit records, want 1", len(recs))
			}
		})
	}
}

// Two worker processes given the same daily schedule: when its time comes
// one of them (the elected leader) enqueues close of business for the
// clock's date, and it runs once.
func TestScheduledCloseOnce(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, b.target(t), 2)
			revolverBin(t) // built before the clock starts
			at := time.Now().UTC().Add(8 * time.Second).Truncate(time.Second)
			flags := []string{"--close-at", at.Format("15:04:05"), "--close-zone", "UTC", "--clock", "fixed:2005-02-01T12:00:00Z"}
			ws := []*worker{startWorker(t, "worker 1", w.target, flags...), startWorker(t, "worker 2", w.target, flags...)}
			if time.Now().After(at.Add(-time.Second)) {
				t.Fatalf("the workers took until %s to start; the schedule was %s", time.Now().UTC().Format(time.TimeOnly), at.Format(time.TimeOnly))
			}
			runs := func() (started, done int) {
				for _, wk := range ws {
					s, d := wk.runs()
					for _, n := range s {
						started += n
					}
					for _, n := range d {
						done += n
					}
				}
				return started, done
			}
			deadline := time.Now().Add(40 * time.Second)
			for {
				if _, done := runs(); done > 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no scheduled close of business by %s (scheduled %s)", time.Now().UTC().Format(time.TimeOnly), at.Format(time.TimeOnly))
				}
				time.Sleep(100 * time.Millisecond)
			}
			time.Sleep(time.Second) // a second run, if there were one, would have started
			if started, done := runs(); started != 1 || done != 1 {
				t.Errorf("scheduled close of business started %d and done %d times, want once", started, done)
			}
			w.check(t, date.MustParse("2005-02-01"))
			recs := w.closeRecords(t)
			// The schedule names its time to the second, or to the minute
			// when it falls on a whole minute (Schedule.String).
			when := at.Format("15:04:05")
			if at.Second() == 0 {
				when = at.Format("15:04")
			}
			if len(recs) != 1 || recs[0].Actor != "close of business" || !strings.Contains(recs[0].Route, "schedule "+when+" UTC") {
				t.Errorf("close-of-business records %+v; want one by the schedule", recs)
			}
		})
	}
}
