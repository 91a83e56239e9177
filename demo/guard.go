package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"maps"
	"slices"
	"strings"
	"time"

	"revolver/store"
)

// The demo writes only into a database it created. After loading it
// appends its mark to the audit trail: a record (request id markID) holding
// a snapshot of what the store then held — for each kind of record the
// number and a SHA-256 of their ids and states, and the business date. On
// a later run the demo finds its mark and takes the snapshot again: if
// nothing differs and the audit trail has nothing after the mark but
// records of access (sign-ins, sign-outs, API tokens), the database is the
// demo's, untouched, and loading is a no-op. Anything else is refused: a
// database with records the demo did not store (other facilities, users,
// audit records, a business date), one whose loading by the demo stopped
// before its end, or the demo's own changed after its loading.

// markID is the request id of the demo's mark.
const markID = "demo:loaded"

// mark is the body of the demo's mark.
type mark struct {
	Loaded Result   `json:"loaded"`
	Store  snapshot `json:"store"`
}

// snapshot is what a store holds, by kind of record.
type snapshot struct {
	BusinessDate string            `json:"business_date"`
	Records      map[string]digest `json:"records"`
}

// digest names a set of records: how many, and the SHA-256 of their ids
// and states.
type digest struct {
	N      int    `json:"n"`
	SHA256 string `json:"sha256"`
}

// Refusal is why the demo does not load into a database: what it found.
// Nothing is stored.
type Refusal struct {
	// Found lists what the database holds that the demo did not store, or
	// what changed after the demo's loading.
	Found []string
	// Loaded: the demo loaded the database, and it changed since.
	Loaded bool
	// Interrupted: the only records are the demo's own, from a loading
	// that stopped before its end.
	Interrupted bool
	// LastAt is the latest time recorded in the audit trail.
	LastAt time.Time
}

func (r *Refusal) Error() string {
	var why string
	switch {
	case r.Interrupted:
		why = "an earlier loading by the demo stopped before its end"
	case r.Loaded:
		why = "the demo loaded it, but it has changed since"
	default:
		why = "it is not empty and the demo did not create it"
	}
	return fmt.Sprintf("the demo writes only into a database it created and no one changed since: %s (%s); nothing was stored",
		why, strings.Join(r.Found, "; "))
}

// auditTrail reads the whole audit trail.
func auditTrail(ctx context.Context, acc store.Accounts) ([]store.AuditRecord, error) {
	var all []store.AuditRecord
	for after := int64(0); ; {
		recs, err := acc.AuditRecords(ctx, after, 1000)
		if err != nil {
			return nil, err
		}
		all = append(all, recs...)
		if len(recs) < 1000 {
			return all, nil
		}
		after = recs[len(recs)-1].ID
	}
}

// inspect says whether st is the demo's, loaded and untouched (true, with
// the latest time its audit trail records), or empty (false); anything
// else is a *Refusal.
func inspect(ctx context.Context, st store.Store, acc store.Accounts) (bool, time.Time, error) {
	recs, err := auditTrail(ctx, acc)
	if err != nil {
		return false, time.Time{}, err
	}
	var lastAt time.Time
	for _, r := range recs {
		if r.At.After(lastAt) {
			lastAt = r.At
		}
	}
	at := slices.IndexFunc(recs, func(r store.AuditRecord) bool { return r.Route == Via && r.RequestID == markID })
	if at < 0 {
		found, interrupted, err := notEmpty(ctx, st, acc, recs)
		if err != nil || len(found) == 0 {
			return false, time.Time{}, err
		}
		return false, time.Time{}, &Refusal{Found: found, Interrupted: interrupted, LastAt: lastAt}
	}
	var m mark
	if err := json.Unmarshal(recs[at].After, &m); err != nil {
		return false, time.Time{}, fmt.Errorf("demo: the demo's mark, audit record %d: %w", recs[at].ID, err)
	}
	now, err := takeSnapshot(ctx, st, acc)
	if err != nil {
		return false, time.Time{}, err
	}
	var found []string
	var later []store.AuditRecord
	for _, r := range recs[at+1:] {
		if !accessOnly(r) {
			later = append(later, r)
		}
	}
	if len(later) > 0 {
		found = append(found, fmt.Sprintf("%s after the demo's loading (%s)", records(len(later)), describe(later)))
	}
	found = append(found, m.Store.diff(now)...)
	if len(found) == 0 {
		return true, lastAt, nil
	}
	return false, time.Time{}, &Refusal{Found: found, Loaded: true, LastAt: lastAt}
}

// accessOnly: an audit record of a sign-in, a sign-out or an API token,
// which change no record of the demo's.
func accessOnly(r store.AuditRecord) bool {
	if r.Facility != "" {
		return false
	}
	return strings.HasSuffix(r.Route, "/api/v1/session") || strings.Contains(r.Route, "sign-in") ||
		strings.Contains(r.Route, "sign-out") || r.Route == "revolver token create"
}

func records(n int) string {
	if n == 1 {
		return "1 audit record"
	}
	return fmt.Sprintf("%d audit records", n)
}

// describe names up to three audit records: id, time, who and through what.
func describe(recs []store.AuditRecord) string {
	var s []string
	for i, r := range recs {
		if i == 3 {
			s = append(s, fmt.Sprintf("and %d more", len(recs)-3))
			break
		}
		what := r.Route
		if r.Facility != "" {
			what += " on " + r.Facility
		}
		s = append(s, fmt.Sprintf("#%d %s %s: %s", r.ID, r.At.UTC().Format(time.RFC3339), r.Actor, what))
	}
	return strings.Join(s, ", ")
}

// notEmpty lists what a database without the demo's mark holds;
// interrupted when that is only the demo's own records.
func notEmpty(ctx context.Context, st store.Store, acc store.Accounts, recs []store.AuditRecord) (found []string, interrupted bool, err error) {
	fs, err := st.Facilities(ctx)
	if err != nil {
		return nil, false, err
	}
	if len(fs) > 0 {
		var slugs []string
		for _, f := range fs {
			slugs = append(slugs, f.Slug)
		}
		found = append(found, "facilities "+strings.Join(slugs, ", "))
	}
	if len(recs) > 0 {
		actors := map[string]bool{}
		demo := true
		for _, r := range recs {
			actors[r.Actor] = true
			demo = demo && r.Route == Via
		}
		interrupted = demo
		found = append(found, fmt.Sprintf("%s by %s (%s)", records(len(recs)), strings.Join(slices.Sorted(maps.Keys(actors)), ", "), describe(recs)))
	}
	switch b, err := st.BusinessDate(ctx); {
	case err == nil:
		found = append(found, fmt.Sprintf("the business date %s (opened by %s)", b.Date, b.RecordedBy))
	case store.ErrorCode(err) != store.CodeNotFound:
		return nil, false, err
	}
	if rs, err := st.RateSeries(ctx, "prime"); err != nil && store.ErrorCode(err) != store.CodeNotFound {
		return nil, false, err
	} else if len(rs) > 0 {
		found = append(found, fmt.Sprintf("%d prime rate entries", len(rs)))
	}
	for _, c := range Users {
		switch _, err := acc.UserByEmail(ctx, c.Email); {
		case err == nil:
			found = append(found, "the user "+c.Email)
		case store.ErrorCode(err) != store.CodeNotFound:
			return nil, false, err
		}
	}
	return found, interrupted && len(found) > 0, nil
}

// tally counts and hashes records by kind.
type tally struct {
	n map[string]int
	h map[string]hash.Hash
}

func (t *tally) add(kind, format string, a ...any) {
	if t.h[kind] == nil {
		t.h[kind] = sha256.New()
	}
	t.n[kind]++
	fmt.Fprintf(t.h[kind], format+"\n", a...)
}

// The kinds of record a snapshot names.
const (
	kindFacilities   = "facilities"
	kindDocuments    = "documents"
	kindCertificates = "borrowing base certificates"
	kindTransactions = "loan-account transactions"
	kindAdvances     = "advance requests"
	kindStatements   = "financial statement submissions"
	kindFacts        = "fact records"
	kindApprovals    = "pending approvals"
	kindOveradvances = "overadvance records"
	kindRates        = "prime rate entries"
	kindUsers        = "demo users"
)

// takeSnapshot names what st holds: every facility's records, the prime
// rate and the demo users, and the business date.
func takeSnapshot(ctx context.Context, st store.Store, acc store.Accounts) (snapshot, error) {
	t := &tally{n: map[string]int{}, h: map[string]hash.Hash{}}
	fs, err := st.Facilities(ctx)
	if err != nil {
		return snapshot{}, err
	}
	for _, f := range fs {
		if err := facilityRecords(ctx, st, acc, f, t); err != nil {
			return snapshot{}, err
		}
	}
	rs, err := st.RateSeries(ctx, "prime")
	if err != nil && store.ErrorCode(err) != store.CodeNotFound {
		return snapshot{}, err
	}
	for _, p := range rs {
		t.add(kindRates, "%s %s", p.Effective, p.Value)
	}
	for _, c := range Users {
		u, err := acc.UserByEmail(ctx, c.Email)
		switch {
		case err == nil:
			t.add(kindUsers, "%d %s %s %v", u.ID, u.Email, u.Role, u.Facilities)
		case store.ErrorCode(err) != store.CodeNotFound:
			return snapshot{}, err
		}
	}
	s := snapshot{Records: map[string]digest{}}
	for k, n := range t.n {
		s.Records[k] = digest{N: n, SHA256: hex.EncodeToString(t.h[k].Sum(nil))}
	}
	switch b, err := st.BusinessDate(ctx); {
	case err == nil:
		s.BusinessDate = b.Date.String()
	case store.ErrorCode(err) != store.CodeNotFound:
		return snapshot{}, err
	}
	return s, nil
}

func facilityRecords(ctx context.Context, st store.Store, acc store.Accounts, f store.Facility, t *tally) error {
	t.add(kindFacilities, "%s %s", f.Slug, f.Settings)
	docs, err := st.Documents(ctx, f.Slug)
	if err != nil {
		return err
	}
	for _, d := range docs {
		t.add(kindDocuments, "%s %s %s", f.Slug, d.ID, d.SHA256)
	}
	certs, err := st.Certificates(ctx, f.Slug)
	if err != nil {
		return err
	}
	for _, c := range certs {
		t.add(kindCertificates, "%d %s %s %s", c.ID, c.Status, c.Reviewer, c.DecidedAt.UTC().Format(time.RFC3339Nano))
	}
	txs, err := st.Transactions(ctx, f.Slug)
	if err != nil {
		return err
	}
	for _, x := range txs {
		t.add(kindTransactions, "%d %s %x", x.ID, x.Key, x.Hash())
	}
	advs, err := st.AdvanceRequests(ctx, f.Slug)
	if err != nil {
		return err
	}
	for _, a := range advs {
		t.add(kindAdvances, "%d %s %s", a.ID, a.Status, a.DecidedBy)
	}
	latest, err := st.FinancialsAsKnown(ctx, f.Slug, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	for _, l := range latest {
		h, err := st.FinancialsHistory(ctx, f.Slug, l.PeriodEnd)
		if err != nil {
			return err
		}
		for _, x := range h {
			t.add(kindStatements, "%d %s", x.ID, x.PeriodEnd)
		}
	}
	facts, err := st.FactRecords(ctx, f.Slug)
	if err != nil {
		return err
	}
	for _, r := range facts {
		t.add(kindFacts, "%d %s %s", r.ID, r.Kind, r.Key)
	}
	pend, err := acc.PendingList(ctx, f.Slug)
	if err != nil {
		return err
	}
	for _, p := range pend {
		t.add(kindApprovals, "%d %s", p.ID, p.Status)
	}
	ovs, err := st.Overadvances(ctx, f.Slug)
	if err != nil {
		return err
	}
	for _, o := range ovs {
		t.add(kindOveradvances, "%d", o.ID)
	}
	return nil
}

// diff says how now differs from s.
func (s snapshot) diff(now snapshot) []string {
	var out []string
	if s.BusinessDate != now.BusinessDate {
		out = append(out, fmt.Sprintf("the business date: %s when the demo loaded, %s now", s.BusinessDate, now.BusinessDate))
	}
	kinds := slices.Sorted(maps.Keys(s.Records))
	for k := range now.Records {
		if _, ok := s.Records[k]; !ok {
			kinds = append(kinds, k)
		}
	}
	for _, k := range kinds {
		was, is := s.Records[k], now.Records[k]
		switch {
		case was.N != is.N:
			out = append(out, fmt.Sprintf("%s: %d when the demo loaded, %d now", k, was.N, is.N))
		case was.SHA256 != is.SHA256:
			out = append(out, fmt.Sprintf("%s: %d, changed since the demo loaded (a decision or a correction)", k, is.N))
		}
	}
	return out
}
