package sqlstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

func checkFacility(f store.Facility) error {
	if !slugRE.MatchString(f.Slug) {
		return store.Errorf(store.CodeInvalid, "facility slug %q: expected lower-case letters, digits and dashes (at most 63)", f.Slug)
	}
	if f.Name == "" {
		return store.Errorf(store.CodeInvalid, "facility %q: name is empty", f.Slug)
	}
	if f.Created.IsZero() {
		return store.Errorf(store.CodeInvalid, "facility %q: creation time is missing", f.Slug)
	}
	if len(f.Settings) > 0 && !json.Valid(f.Settings) {
		return store.Errorf(store.CodeInvalid, "facility %q: settings are not valid JSON", f.Slug)
	}
	return nil
}

// CreateFacilities stores many facilities in one transaction.
func (db *DB) CreateFacilities(ctx context.Context, fs []store.Facility) error {
	seen := make(map[string]bool, len(fs))
	for i, f := range fs {
		if err := checkFacility(f); err != nil {
			return fmt.Errorf("facility %d: %w", i+1, err)
		}
		if seen[f.Slug] {
			return store.Errorf(store.CodeInvalid, "facility %d: slug %q appears twice", i+1, f.Slug)
		}
		seen[f.Slug] = true
	}
	tx, err := db.begin(ctx, "create_facilities", nil)
	if err != nil {
		return err
	}
	defer rollback(tx)
	ids := make(map[string]int64, len(fs))
	const n = 200
	for i := 0; i < len(fs); i += n {
		part := fs[i:min(i+n, len(fs))]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO facilities (slug, name, created, settings) VALUES `)
		args := make([]any, 0, 4*len(part))
		for j, f := range part {
			if j > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString("(?, ?, ?, ?)")
			var settings any
			if len(f.Settings) > 0 {
				settings = []byte(f.Settings)
			}
			args = append(args, f.Slug, f.Name, db.D.Time(store.Truncate(f.Created)), settings)
		}
		sb.WriteString(" RETURNING id, slug")
		rows, err := tx.QueryContext(ctx, db.q(sb.String()), args...)
		if err != nil {
			if db.D.IsUnique(err) {
				return store.Errorf(store.CodeConflict, "facilities %d..%d: a slug already exists", i+1, i+len(part))
			}
			return err
		}
		for rows.Next() {
			var id int64
			var slug string
			if err := rows.Scan(&id, &slug); err != nil {
				rows.Close()
				return err
			}
			ids[slug] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			if db.D.IsUnique(err) {
				return store.Errorf(store.CodeConflict, "facilities %d..%d: a slug already exists", i+1, i+len(part))
			}
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for slug, id := range ids {
		db.remember(slug, id)
	}
	return nil
}

// CreateFacility stores a new facility.
func (db *DB) CreateFacility(ctx context.Context, f store.Facility) (store.Facility, error) {
	if err := checkFacility(f); err != nil {
		return f, err
	}
	if !slugRE.MatchString(f.Slug) {
		return f, store.Errorf(store.CodeInvalid, "facility slug %q: expected lower-case letters, digits and dashes (at most 63)", f.Slug)
	}
	if f.Name == "" {
		return f, store.Errorf(store.CodeInvalid, "facility %q: name is empty", f.Slug)
	}
	if f.Created.IsZero() {
		return f, store.Errorf(store.CodeInvalid, "facility %q: creation time is missing", f.Slug)
	}
	if len(f.Settings) > 0 && !json.Valid(f.Settings) {
		return f, store.Errorf(store.CodeInvalid, "facility %q: settings are not valid JSON", f.Slug)
	}
	f.Created = store.Truncate(f.Created)
	var settings any
	if len(f.Settings) > 0 {
		settings = []byte(f.Settings)
	}
	var id int64
	err := db.W.QueryRowContext(ctx, db.q(`INSERT INTO facilities (slug, name, created, settings) VALUES (?, ?, ?, ?) RETURNING id`),
		f.Slug, f.Name, db.D.Time(f.Created), settings).Scan(&id)
	if err != nil {
		if db.D.IsUnique(err) {
			return f, store.Errorf(store.CodeConflict, "facility %q already exists", f.Slug)
		}
		return f, fmt.Errorf("create facility %q: %w", f.Slug, err)
	}
	db.remember(f.Slug, id)
	return f, nil
}

func scanFacility(sc interface{ Scan(...any) error }) (store.Facility, int64, error) {
	var f store.Facility
	var id int64
	var created Time
	var settings []byte
	if err := sc.Scan(&id, &f.Slug, &f.Name, &created, &settings); err != nil {
		return f, 0, err
	}
	f.Created = created.T
	if len(settings) > 0 {
		f.Settings = json.RawMessage(settings)
	}
	return f, id, nil
}

// Facility returns a facility by slug.
func (db *DB) Facility(ctx context.Context, slug string) (store.Facility, error) {
	f, _, err := scanFacility(db.R.QueryRowContext(ctx, db.q(`SELECT id, slug, name, created, settings FROM facilities WHERE slug = ?`), slug))
	if errors.Is(err, sql.ErrNoRows) {
		return f, store.Errorf(store.CodeNotFound, "facility %q not found", slug)
	}
	return f, err
}

// Facilities returns every facility by slug.
func (db *DB) Facilities(ctx context.Context) ([]store.Facility, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, slug, name, created, settings FROM facilities ORDER BY slug`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Facility
	for rows.Next() {
		f, _, err := scanFacility(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// FacilityVersions reads every facility with its version in one statement.
func (db *DB) FacilityVersions(ctx context.Context) ([]store.FacilityVersion, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, slug, name, created, settings, version FROM facilities ORDER BY slug`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.FacilityVersion
	for rows.Next() {
		var fv store.FacilityVersion
		var id int64
		var created Time
		var settings []byte
		if err := rows.Scan(&id, &fv.Facility.Slug, &fv.Facility.Name, &created, &settings, &fv.Version); err != nil {
			return nil, err
		}
		fv.Facility.Created = created.T
		if len(settings) > 0 {
			fv.Facility.Settings = json.RawMessage(settings)
		}
		out = append(out, fv)
	}
	return out, rows.Err()
}

// UpdateFacilitySettings replaces the settings JSON.
func (db *DB) UpdateFacilitySettings(ctx context.Context, slug string, settings json.RawMessage) error {
	if len(settings) > 0 && !json.Valid(settings) {
		return store.Errorf(store.CodeInvalid, "facility %q: settings are not valid JSON", slug)
	}
	var v any
	if len(settings) > 0 {
		v = []byte(settings)
	}
	res, err := db.W.ExecContext(ctx, db.q(`UPDATE facilities SET settings = ? WHERE slug = ?`), v, slug)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.Errorf(store.CodeNotFound, "facility %q not found", slug)
	}
	return nil
}

// PutDocument stores a document whole.
func (db *DB) PutDocument(ctx context.Context, d store.Document) (store.Document, error) {
	d, err := prepareDocument(d)
	if err != nil {
		return d, err
	}
	tx, err := db.begin(ctx, "put_document", nil)
	if err != nil {
		return d, err
	}
	defer rollback(tx)
	d, stored, err := db.putDocument(ctx, tx, d)
	if err != nil {
		return d, err
	}
	if stored {
		tx.Rollback()
		return db.Document(ctx, d.Facility, d.ID)
	}
	return d, tx.Commit()
}

// PutDocuments stores many documents in one transaction, each as
// PutDocument would.
func (db *DB) PutDocuments(ctx context.Context, ds []store.Document) error {
	tx, err := db.begin(ctx, "put_documents", nil)
	if err != nil {
		return err
	}
	defer rollback(tx)
	for i, d := range ds {
		if d, err = prepareDocument(d); err != nil {
			return fmt.Errorf("document %d: %w", i+1, err)
		}
		if _, _, err := db.putDocument(ctx, tx, d); err != nil {
			return fmt.Errorf("document %d: %w", i+1, err)
		}
	}
	return tx.Commit()
}

// prepareDocument checks d and sets its hash and size.
func prepareDocument(d store.Document) (store.Document, error) {
	if d.ID == "" || d.Kind == "" || d.RecordedBy == "" || d.RecordedAt.IsZero() {
		return d, store.Errorf(store.CodeInvalid, "document %q of facility %q: id, kind, recorded by and recorded at are required", d.ID, d.Facility)
	}
	sum := sha256.Sum256(d.Content)
	d.SHA256 = hex.EncodeToString(sum[:])
	d.Size = int64(len(d.Content))
	d.RecordedAt = store.Truncate(d.RecordedAt)
	return d, nil
}

// putDocument stores d in tx (d checked and hashed by the caller); stored
// is true when the same document was stored before and nothing was done.
func (db *DB) putDocument(ctx context.Context, tx querier, d store.Document) (_ store.Document, stored bool, err error) {
	fid, err := db.facilityID(ctx, tx, d.Facility)
	if err != nil {
		return d, false, err
	}
	var prev string
	err = tx.QueryRowContext(ctx, db.q(`SELECT sha256 FROM documents WHERE facility_id = ? AND doc_id = ?`), fid, d.ID).Scan(&prev)
	switch {
	case err == nil:
		if prev != d.SHA256 {
			return d, false, store.Errorf(store.CodeConflict, "document %q of facility %q is already stored with other content (sha256 %s, now %s); store an amendment under a new id", d.ID, d.Facility, prev, d.SHA256)
		}
		return d, true, nil
	case !errors.Is(err, sql.ErrNoRows):
		return d, false, err
	}
	if _, err := db.putBlob(ctx, tx, d.Content); err != nil {
		return d, false, err
	}
	_, err = tx.ExecContext(ctx, db.q(`INSERT INTO documents (facility_id, doc_id, kind, effective, recorded_by, recorded_at, sha256) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		fid, d.ID, d.Kind, db.D.Date(d.Effective), d.RecordedBy, db.D.Time(d.RecordedAt), d.SHA256)
	if err != nil {
		if db.D.IsUnique(err) {
			return d, false, store.Errorf(store.CodeConflict, "document %q of facility %q stored concurrently; retry", d.ID, d.Facility)
		}
		return d, false, err
	}
	return d, false, nil
}

const docCols = `f.slug, d.doc_id, d.kind, d.effective, d.recorded_by, d.recorded_at, d.sha256, b.size`

func scanDocument(sc interface{ Scan(...any) error }, extra ...any) (store.Document, error) {
	var d store.Document
	var eff Date
	var at Time
	err := sc.Scan(append([]any{&d.Facility, &d.ID, &d.Kind, &eff, &d.RecordedBy, &at, &d.SHA256, &d.Size}, extra...)...)
	d.Effective, d.RecordedAt = eff.D, at.T
	return d, err
}

// Document returns a document with its content.
func (db *DB) Document(ctx context.Context, facility, id string) (store.Document, error) {
	return db.document(ctx, db.R, facility, id)
}

func (db *DB) document(ctx context.Context, q querier, facility, id string) (store.Document, error) {
	var content []byte
	var enc string
	d, err := scanDocument(q.QueryRowContext(ctx, db.q(`SELECT `+docCols+`, b.content, b.encoding FROM documents d
		JOIN facilities f ON f.id = d.facility_id JOIN blobs b ON b.sha256 = d.sha256
		WHERE f.slug = ? AND d.doc_id = ?`), facility, id), &content, &enc)
	if errors.Is(err, sql.ErrNoRows) {
		return d, store.Errorf(store.CodeNotFound, "document %q of facility %q not found", id, facility)
	}
	if err != nil {
		return d, err
	}
	d.Content, err = decodeBlob(content, enc, d.Size)
	return d, err
}

// Documents lists a facility's documents without content.
func (db *DB) Documents(ctx context.Context, facility string) ([]store.Document, error) {
	if _, err := db.facilityID(ctx, db.R, facility); err != nil {
		return nil, err
	}
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT `+docCols+` FROM documents d
		JOIN facilities f ON f.id = d.facility_id JOIN blobs b ON b.sha256 = d.sha256
		WHERE f.slug = ? ORDER BY d.effective, d.recorded_at, d.doc_id`), facility)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// AddFinancials records a financial statement submission.
func (db *DB) AddFinancials(ctx context.Context, s store.Financials) (store.Financials, error) {
	return db.addFinancials(ctx, db.W, s)
}

// AddFinancials records a financial statement submission of the facility.
func (t *facilityTx) AddFinancials(s store.Financials) (store.Financials, error) {
	if s.Facility != t.f.Slug {
		return s, store.Errorf(store.CodeInvalid, "financials of facility %q in an update of facility %q", s.Facility, t.f.Slug)
	}
	return t.db.addFinancials(t.ctx, t.tx, s)
}

func (db *DB) addFinancials(ctx context.Context, q querier, s store.Financials) (store.Financials, error) {
	if s.SubmittedBy == "" || s.RecordedAt.IsZero() || s.PeriodEnd == 0 {
		return s, store.Errorf(store.CodeInvalid, "financials of facility %q: period end, recorded at and submitted by are required", s.Facility)
	}
	if !json.Valid(s.Payload) {
		return s, store.Errorf(store.CodeInvalid, "financials of facility %q for %s: payload is not valid JSON", s.Facility, s.PeriodEnd)
	}
	s.RecordedAt = store.Truncate(s.RecordedAt)
	fid, err := db.facilityID(ctx, q, s.Facility)
	if err != nil {
		return s, err
	}
	err = q.QueryRowContext(ctx, db.q(`INSERT INTO financials (facility_id, period_end, recorded_at, submitted_by, payload) VALUES (?, ?, ?, ?, ?) RETURNING id`),
		fid, db.D.Date(s.PeriodEnd), db.D.Time(s.RecordedAt), s.SubmittedBy, []byte(s.Payload)).Scan(&s.ID)
	return s, err
}

func (db *DB) scanFinancials(rows *sql.Rows, facility string) ([]store.Financials, error) {
	defer rows.Close()
	var out []store.Financials
	for rows.Next() {
		var f store.Financials
		var pe Date
		var at Time
		var p []byte
		if err := rows.Scan(&f.ID, &pe, &at, &f.SubmittedBy, &p); err != nil {
			return nil, err
		}
		f.Facility, f.PeriodEnd, f.RecordedAt, f.Payload = facility, pe.D, at.T, p
		out = append(out, f)
	}
	return out, rows.Err()
}

// FinancialsAsKnown returns the latest submission per period recorded at or
// before knownAt.
func (db *DB) FinancialsAsKnown(ctx context.Context, facility string, knownAt time.Time) ([]store.Financials, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	k := db.D.Time(store.Truncate(knownAt))
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT s.id, s.period_end, s.recorded_at, s.submitted_by, s.payload FROM financials s
		WHERE s.facility_id = ? AND s.recorded_at <= ? AND NOT EXISTS (
			SELECT 1 FROM financials l WHERE l.facility_id = s.facility_id AND l.period_end = s.period_end
			AND l.recorded_at <= ? AND (l.recorded_at > s.recorded_at OR (l.recorded_at = s.recorded_at AND l.id > s.id)))
		ORDER BY s.period_end`), fid, k, k)
	if err != nil {
		return nil, err
	}
	return db.scanFinancials(rows, facility)
}

// FinancialsHistory returns every submission for a period, oldest first.
func (db *DB) FinancialsHistory(ctx context.Context, facility string, periodEnd date.Date) ([]store.Financials, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT id, period_end, recorded_at, submitted_by, payload FROM financials
		WHERE facility_id = ? AND period_end = ? ORDER BY recorded_at, id`), fid, db.D.Date(periodEnd))
	if err != nil {
		return nil, err
	}
	return db.scanFinancials(rows, facility)
}

var seriesRE = regexp.MustCompile(`^[a-z0-9_-]{1,40}$`)

// PutRate enters a base rate value.
func (db *DB) PutRate(ctx context.Context, series string, p ledger.RatePoint, a *store.AuditRecord) error {
	_, err := db.PutRates(ctx, series, []ledger.RatePoint{p}, a)
	return err
}

// PutRates enters base rate values in one transaction: all or none.
func (db *DB) PutRates(ctx context.Context, series string, pts []ledger.RatePoint, a *store.AuditRecord) (int, error) {
	if !seriesRE.MatchString(series) {
		return 0, store.Errorf(store.CodeInvalid, "rate series %q: expected lower-case letters, digits, _ or -", series)
	}
	for _, p := range pts {
		if p.Value.Sign() < 0 {
			return 0, store.Errorf(store.CodeInvalid, "rate series %q on %s: negative value %s", series, p.Effective, p.Value)
		}
	}
	tx, err := db.begin(ctx, "put_rate", nil)
	if err != nil {
		return 0, err
	}
	defer rollback(tx)
	added := 0
	for _, p := range pts {
		v := p.Value.String()
		res, err := tx.ExecContext(ctx, db.q(`INSERT INTO rates (series, effective, value, source, recorded_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (series, effective) DO NOTHING`),
			series, db.D.Date(p.Effective), v, p.Source, db.nullTime(p.RecordedAt))
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var got string
			if err := tx.QueryRowContext(ctx, db.q(`SELECT value FROM rates WHERE series = ? AND effective = ?`), series, db.D.Date(p.Effective)).Scan(&got); err != nil {
				return 0, err
			}
			if gv, err := money.ParseRate(got); err != nil || gv.Cmp(p.Value) != 0 {
				return 0, store.Errorf(store.CodeConflict, "rate series %q on %s is already %s, not %s", series, p.Effective, got, v)
			}
			continue // the same value again: nothing new
		}
		added++
	}
	if added == 0 {
		return 0, nil // nothing new, no record
	}
	if a != nil {
		if _, err := db.appendAudit(ctx, TxExec{tx}, *a); err != nil {
			return 0, err
		}
	}
	return added, tx.Commit()
}

// RateSeries returns a series by effective date.
func (db *DB) RateSeries(ctx context.Context, series string) (ledger.RateSeries, error) {
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT effective, value, source, recorded_at FROM rates WHERE series = ? ORDER BY effective`), series)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out ledger.RateSeries
	for rows.Next() {
		var eff Date
		var v, src string
		var at Time
		if err := rows.Scan(&eff, &v, &src, &at); err != nil {
			return nil, err
		}
		r, err := money.ParseRate(v)
		if err != nil {
			return nil, fmt.Errorf("rate series %q on %s: stored value %q: %w", series, eff.D, v, err)
		}
		out = append(out, ledger.RatePoint{Effective: eff.D, Value: r, Source: src, RecordedAt: at.T})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, store.Errorf(store.CodeNotFound, "rate series %q has no values", series)
	}
	return out, nil
}

var _ = bytes.Equal
