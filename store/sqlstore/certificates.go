package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"revolver/date"
	"revolver/store"
)

const certCols = `c.id, f.slug, c.as_of, c.status, c.supersedes, c.prepared_by, c.created_at, c.body_sha256,
	c.borrowing_base, c.lc_outstanding, c.lc_reserve, c.submitted_by, c.submitted_at, c.reviewer, c.comment, c.decided_at,
	c.explanation_sha256, c.warnings, c.rollforward_sha256, c.attestation`

// inForce selects the certificate in force of a facility (first
// argument) as of a date (second): the latest approved on or before it
// that no approved certificate supersedes.
const inForce = `c.facility_id = ? AND c.status = 'approved' AND c.as_of <= ?
	AND NOT EXISTS (SELECT 1 FROM certificates s WHERE s.supersedes = c.id AND s.status = 'approved')
	ORDER BY c.as_of DESC, c.decided_at DESC, c.id DESC LIMIT 1`

func scanCertificate(sc interface{ Scan(...any) error }) (store.Certificate, error) {
	var c store.Certificate
	var asOf Date
	var created, submitted, decided Time
	var supersedes sql.NullInt64
	var body, subBy, reviewer, comment, expl, rf sql.NullString
	var warnings, att []byte
	var status string
	err := sc.Scan(&c.ID, &c.Facility, &asOf, &status, &supersedes, &c.PreparedBy, &created, &body,
		&c.BorrowingBase, &c.LCOutstanding, &c.LCReserve, &subBy, &submitted, &reviewer, &comment, &decided,
		&expl, &warnings, &rf, &att)
	if err != nil {
		return c, err
	}
	c.AsOf, c.Status, c.Supersedes, c.CreatedAt = asOf.D, store.CertificateStatus(status), supersedes.Int64, created.T
	c.BodySHA256, c.SubmittedBy, c.SubmittedAt = body.String, subBy.String, submitted.T
	c.Reviewer, c.Comment, c.DecidedAt = reviewer.String, comment.String, decided.T
	c.ExplanationSHA256, c.RollForwardSHA256 = expl.String, rf.String
	if len(warnings) > 0 {
		if err := json.Unmarshal(warnings, &c.Warnings); err != nil {
			return c, fmt.Errorf("certificate %d warnings: %w", c.ID, err)
		}
	}
	if len(att) > 0 {
		c.Attestation = &store.Attestation{}
		if err := json.Unmarshal(att, c.Attestation); err != nil {
			return c, fmt.Errorf("certificate %d attestation: %w", c.ID, err)
		}
	}
	return c, nil
}

// CreateCertificate stores a draft certificate.
func (db *DB) CreateCertificate(ctx context.Context, c store.Certificate) (store.Certificate, error) {
	return db.createCertificate(ctx, db.W, c)
}

func (db *DB) createCertificate(ctx context.Context, q querier, c store.Certificate) (store.Certificate, error) {
	if c.AsOf == 0 || c.PreparedBy == "" || c.CreatedAt.IsZero() {
		return c, store.Errorf(store.CodeInvalid, "certificate of facility %q: as-of date, prepared by and created at are required", c.Facility)
	}
	if c.Status != "" && c.Status != store.Draft {
		return c, store.Errorf(store.CodeInvalid, "certificate of facility %q: a new certificate is a draft, not %q", c.Facility, c.Status)
	}
	fid, err := db.facilityID(ctx, q, c.Facility)
	if err != nil {
		return c, err
	}
	if c.Supersedes != 0 {
		old, err := db.certificate(ctx, q, c.Supersedes)
		if err != nil {
			return c, err
		}
		if old.Facility != c.Facility {
			return c, store.Errorf(store.CodeInvalid, "certificate supersedes %d of facility %q, not %q", c.Supersedes, old.Facility, c.Facility)
		}
	}
	c.Status = store.Draft
	c.CreatedAt = store.Truncate(c.CreatedAt)
	err = q.QueryRowContext(ctx, db.q(`INSERT INTO certificates (facility_id, as_of, status, supersedes, prepared_by, created_at) VALUES (?, ?, 'draft', ?, ?, ?) RETURNING id`),
		fid, db.D.Date(c.AsOf), nullInt(c.Supersedes), c.PreparedBy, db.D.Time(c.CreatedAt)).Scan(&c.ID)
	return c, err
}

// SubmitCertificate freezes a draft: stores inputs and body by SHA-256.
func (db *DB) SubmitCertificate(ctx context.Context, id int64, s store.Submission) (store.Certificate, error) {
	if err := checkSubmission(id, s); err != nil {
		return store.Certificate{}, err
	}
	tx, err := db.begin(ctx, "submit_certificate", nil)
	if err != nil {
		return store.Certificate{}, err
	}
	defer rollback(tx)
	if err := db.submitCertificate(ctx, tx, id, s); err != nil {
		return store.Certificate{}, err
	}
	if err := tx.Commit(); err != nil {
		return store.Certificate{}, err
	}
	return db.Certificate(ctx, id)
}

// submitCertificate freezes a draft in tx (s checked by the caller).
func (db *DB) submitCertificate(ctx context.Context, tx querier, id int64, s store.Submission) error {
	var status string
	err := tx.QueryRowContext(ctx, db.q(`SELECT status FROM certificates WHERE id = ?`), id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Errorf(store.CodeNotFound, "certificate %d not found", id)
	}
	if err != nil {
		return err
	}
	if status != string(store.Draft) {
		return store.Errorf(store.CodeConflict, "certificate %d is %s; only a draft can be submitted", id, status)
	}
	bodySHA, err := db.putBlob(ctx, tx, s.Body)
	if err != nil {
		return err
	}
	var explSHA, rfSHA, warnings any
	if len(s.Explanation) > 0 {
		if explSHA, err = db.putBlob(ctx, tx, s.Explanation); err != nil {
			return err
		}
	}
	if len(s.RollForward) > 0 {
		if rfSHA, err = db.putBlob(ctx, tx, s.RollForward); err != nil {
			return err
		}
	}
	if len(s.Warnings) > 0 {
		if warnings, err = json.Marshal(s.Warnings); err != nil {
			return err
		}
	}
	for i, in := range s.Inputs {
		h, err := db.putBlob(ctx, tx, in.Content)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO certificate_inputs (certificate_id, seq, name, sha256, kind, report_map) VALUES (?, ?, ?, ?, ?, ?)`), id, i, in.Name, h, nullString(in.Kind), nullString(string(in.Map))); err != nil {
			return err
		}
	}
	var att any
	if s.Attestation != nil {
		b, err := json.Marshal(s.Attestation)
		if err != nil {
			return err
		}
		att = string(b)
	}
	var lastOut any
	if s.LastOutBase != nil {
		lastOut = int64(*s.LastOutBase)
	}
	res, err := tx.ExecContext(ctx, db.q(`UPDATE certificates SET status = 'submitted', body_sha256 = ?, borrowing_base = ?, lc_outstanding = ?, lc_reserve = ?,
		submitted_by = ?, submitted_at = ?, explanation_sha256 = ?, warnings = ?, last_out_base = ?, rollforward_sha256 = ?, attestation = ? WHERE id = ? AND status = 'draft'`),
		bodySHA, int64(s.BorrowingBase), int64(s.LCOutstanding), int64(s.LCReserve), s.By, db.D.Time(store.Truncate(s.At)), explSHA, warnings, lastOut, rfSHA, att, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return store.Errorf(store.CodeConflict, "certificate %d changed concurrently", id)
	}
	return nil
}

func checkSubmission(id int64, s store.Submission) error {
	if s.By == "" || s.At.IsZero() {
		return store.Errorf(store.CodeInvalid, "submit certificate %d: submitted by and at are required", id)
	}
	if !json.Valid(s.Body) {
		return store.Errorf(store.CodeInvalid, "submit certificate %d: the computed certificate is not valid JSON", id)
	}
	if len(s.Explanation) > 0 && !json.Valid(s.Explanation) {
		return store.Errorf(store.CodeInvalid, "submit certificate %d: the explanation is not valid JSON", id)
	}
	if len(s.RollForward) > 0 && !json.Valid(s.RollForward) {
		return store.Errorf(store.CodeInvalid, "submit certificate %d: the roll-forward is not valid JSON", id)
	}
	if a := s.Attestation; a != nil && (strings.TrimSpace(a.Name) == "" || strings.TrimSpace(a.Title) == "" || strings.TrimSpace(a.Text) == "") {
		return store.Errorf(store.CodeInvalid, "submit certificate %d: the attestation needs the officer's name, title and text (found %q, %q, %q)", id, a.Name, a.Title, a.Text)
	}
	for i, w := range s.Warnings {
		if w.Code == "" || w.Message == "" {
			return store.Errorf(store.CodeInvalid, "submit certificate %d: warning %d needs a code and a message", id, i+1)
		}
	}
	for i, in := range s.Inputs {
		if in.Name == "" {
			return store.Errorf(store.CodeInvalid, "submit certificate %d: input %d has no name", id, i+1)
		}
	}
	return nil
}

// DecideCertificate approves, rejects or withdraws a submitted certificate.
func (db *DB) DecideCertificate(ctx context.Context, id int64, d store.Decision) (store.Certificate, error) {
	return db.decideCertificate(ctx, db.W, db.R, id, d)
}

// decideCertificate decides in w and reads the result back through r.
func (db *DB) decideCertificate(ctx context.Context, w, r querier, id int64, d store.Decision) (store.Certificate, error) {
	if d.Status != store.Approved && d.Status != store.Rejected && d.Status != store.Withdrawn {
		return store.Certificate{}, store.Errorf(store.CodeInvalid, "decide certificate %d: status %q, expected approved, rejected or withdrawn", id, d.Status)
	}
	if d.Reviewer == "" || d.At.IsZero() {
		return store.Certificate{}, store.Errorf(store.CodeInvalid, "decide certificate %d: who decides and when are required", id)
	}
	if d.Status == store.Rejected && d.Comment == "" {
		return store.Certificate{}, store.Errorf(store.CodeInvalid, "reject certificate %d: a comment saying why is required", id)
	}
	res, err := w.ExecContext(ctx, db.q(`UPDATE certificates SET status = ?, reviewer = ?, comment = ?, decided_at = ? WHERE id = ? AND status = 'submitted'`),
		string(d.Status), d.Reviewer, nullString(d.Comment), db.D.Time(store.Truncate(d.At)), id)
	if err != nil {
		return store.Certificate{}, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		c, err := db.certificate(ctx, r, id)
		if err != nil {
			return c, err
		}
		return c, store.Errorf(store.CodeConflict, "certificate %d is %s; only a submitted certificate can be %s", id, c.Status, d.Status)
	}
	return db.certificate(ctx, r, id)
}

func (db *DB) loadCertificate(ctx context.Context, q querier, where string, args ...any) (store.Certificate, error) {
	c, err := scanCertificate(q.QueryRowContext(ctx, db.q(`SELECT `+certCols+` FROM certificates c JOIN facilities f ON f.id = c.facility_id WHERE `+where), args...))
	if err != nil {
		return c, err
	}
	if c.BodySHA256 != "" {
		b, err := db.blob(ctx, q, c.BodySHA256)
		if err != nil {
			return c, fmt.Errorf("certificate %d body: %w", c.ID, err)
		}
		c.Body = b
	}
	if c.ExplanationSHA256 != "" {
		b, err := db.blob(ctx, q, c.ExplanationSHA256)
		if err != nil {
			return c, fmt.Errorf("certificate %d explanation: %w", c.ID, err)
		}
		c.Explanation = b
	}
	if c.RollForwardSHA256 != "" {
		b, err := db.blob(ctx, q, c.RollForwardSHA256)
		if err != nil {
			return c, fmt.Errorf("certificate %d roll-forward: %w", c.ID, err)
		}
		c.RollForward = b
	}
	in, err := db.certificateInputs(ctx, q, `i.certificate_id = ?`, c.ID)
	c.Inputs = in[c.ID]
	return c, err
}

// certificateInputs reads the inputs of the certificates where says, by
// certificate.
func (db *DB) certificateInputs(ctx context.Context, q querier, where string, args ...any) (map[int64][]store.Input, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT i.certificate_id, i.name, i.sha256, b.size, i.kind, i.report_map FROM certificate_inputs i JOIN blobs b ON b.sha256 = i.sha256
		WHERE `+where+` ORDER BY i.certificate_id, i.seq`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]store.Input{}
	for rows.Next() {
		var id int64
		var in store.Input
		var kind, m sql.NullString
		if err := rows.Scan(&id, &in.Name, &in.SHA256, &in.Size, &kind, &m); err != nil {
			return nil, err
		}
		in.Kind = kind.String
		if m.Valid && m.String != "" {
			in.Map = json.RawMessage(m.String)
		}
		out[id] = append(out[id], in)
	}
	return out, rows.Err()
}

// Certificate returns a certificate with its body and inputs.
func (db *DB) Certificate(ctx context.Context, id int64) (store.Certificate, error) {
	return db.certificate(ctx, db.R, id)
}

func (db *DB) certificate(ctx context.Context, q querier, id int64) (store.Certificate, error) {
	c, err := db.loadCertificate(ctx, q, `c.id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return c, store.Errorf(store.CodeNotFound, "certificate %d not found", id)
	}
	return c, err
}

// Certificates lists a facility's certificates with their inputs, without
// bodies and explanations.
func (db *DB) Certificates(ctx context.Context, facility string) ([]store.Certificate, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	return db.certificates(ctx, db.R, fid)
}

func (db *DB) certificates(ctx context.Context, q querier, fid int64) ([]store.Certificate, error) {
	return db.certificatesWhere(ctx, q, false, `c.facility_id = ? ORDER BY c.id`, fid)
}

// certificatesWhere lists the certificates of a condition (and its order
// and limit) with their inputs: those of the facility's certificates
// (all of them: the first argument is the facility's id), else those of
// the certificates listed (a page, at most a few thousand).
func (db *DB) certificatesWhere(ctx context.Context, q querier, page bool, where string, args ...any) ([]store.Certificate, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT `+certCols+` FROM certificates c JOIN facilities f ON f.id = c.facility_id WHERE `+where), args...)
	if err != nil {
		return nil, err
	}
	var out []store.Certificate
	for rows.Next() {
		c, err := scanCertificate(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var in map[int64][]store.Input
	if !page {
		in, err = db.certificateInputs(ctx, q, `i.certificate_id IN (SELECT id FROM certificates WHERE facility_id = ?)`, args[0])
	} else if len(out) > 0 {
		ids := make([]any, len(out))
		marks := make([]string, len(out))
		for i, c := range out {
			ids[i], marks[i] = c.ID, "?"
		}
		in, err = db.certificateInputs(ctx, q, `i.certificate_id IN (`+strings.Join(marks, ", ")+`)`, ids...)
	}
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Inputs = in[out[i].ID]
	}
	return out, nil
}

func (db *DB) certificateInForce(ctx context.Context, q querier, fid int64, facility string, asOf date.Date) (store.Certificate, error) {
	c, err := db.loadCertificate(ctx, q, inForce, fid, db.D.Date(asOf))
	if errors.Is(err, sql.ErrNoRows) {
		return c, store.Errorf(store.CodeNotFound, "facility %q has no approved borrowing base certificate as of %s", facility, asOf)
	}
	return c, err
}

// CertificateInForce is the latest approved certificate as of asOf.
func (db *DB) CertificateInForce(ctx context.Context, facility string, asOf date.Date) (store.Certificate, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return store.Certificate{}, err
	}
	return db.certificateInForce(ctx, db.R, fid, facility, asOf)
}

// PutReceivables bulk-stores a submitted certificate's receivable rows once.
func (db *DB) PutReceivables(ctx context.Context, id int64, rows []store.ReceivableRow) error {
	c, err := db.loadCertificate(ctx, db.R, `c.id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Errorf(store.CodeNotFound, "certificate %d not found", id)
	}
	if err != nil {
		return err
	}
	if c.Status == store.Draft {
		return store.Errorf(store.CodeConflict, "certificate %d is a draft; its receivables are stored on submission", id)
	}
	var n int
	if err := db.R.QueryRowContext(ctx, db.q(`SELECT count(*) FROM certificate_receivables WHERE certificate_id = ?`), id).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return store.Errorf(store.CodeConflict, "certificate %d already has its %d receivable rows", id, n)
	}
	seen := make(map[int32]struct{}, len(rows))
	for i, r := range rows {
		if _, dup := seen[r.Line]; dup {
			return store.Errorf(store.CodeInvalid, "certificate %d receivables row %d: line %d appears twice", id, i+1, r.Line)
		}
		seen[r.Line] = struct{}{}
	}
	if err := db.D.InsertReceivables(ctx, db, id, rows); err != nil {
		if db.D.IsUnique(err) {
			return store.Errorf(store.CodeConflict, "certificate %d receivables stored concurrently", id)
		}
		return fmt.Errorf("certificate %d receivables: %w", id, err)
	}
	return nil
}

// Receivables returns a certificate's receivable rows by line.
func (db *DB) Receivables(ctx context.Context, id int64) ([]store.ReceivableRow, error) {
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT line, debtor_id, invoice_no, invoice_date, due_date, amount, disputed FROM certificate_receivables WHERE certificate_id = ? ORDER BY line`), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.ReceivableRow
	for rows.Next() {
		var r store.ReceivableRow
		var inv, due Date
		if err := rows.Scan(&r.Line, &r.DebtorID, &r.InvoiceNo, &inv, &due, &r.Amount, &r.Disputed); err != nil {
			return nil, err
		}
		r.InvoiceDate, r.DueDate = inv.D, due.D
		out = append(out, r)
	}
	return out, rows.Err()
}

var _ = sha256.Sum256
var _ = hex.EncodeToString

// Certificate returns a certificate of the facility as the transaction
// sees it; another facility's is not_found.
func (t *facilityTx) Certificate(id int64) (store.Certificate, error) {
	c, err := t.db.certificate(t.ctx, t.tx, id)
	if err == nil && c.Facility != t.f.Slug {
		return store.Certificate{}, store.Errorf(store.CodeNotFound, "certificate %d not found", id)
	}
	return c, err
}

// CreateCertificate stores a draft certificate of the facility.
func (t *facilityTx) CreateCertificate(c store.Certificate) (store.Certificate, error) {
	if c.Facility != t.f.Slug {
		return c, store.Errorf(store.CodeInvalid, "certificate of facility %q in an update of facility %q", c.Facility, t.f.Slug)
	}
	return t.db.createCertificate(t.ctx, t.tx, c)
}

// SubmitCertificate freezes a draft of the facility.
func (t *facilityTx) SubmitCertificate(id int64, s store.Submission) (store.Certificate, error) {
	if err := checkSubmission(id, s); err != nil {
		return store.Certificate{}, err
	}
	if _, err := t.Certificate(id); err != nil {
		return store.Certificate{}, err
	}
	if err := t.db.submitCertificate(t.ctx, t.tx, id, s); err != nil {
		return store.Certificate{}, err
	}
	return t.Certificate(id)
}

// Certificates lists the facility's certificates as the transaction sees
// them.
func (t *facilityTx) Certificates() ([]store.Certificate, error) {
	return t.db.certificates(t.ctx, t.tx, t.fid)
}

// DecideCertificate approves, rejects or withdraws a submitted certificate
// of the facility.
func (t *facilityTx) DecideCertificate(id int64, d store.Decision) (store.Certificate, error) {
	if _, err := t.Certificate(id); err != nil {
		return store.Certificate{}, err
	}
	return t.db.decideCertificate(t.ctx, t.tx, t.tx, id, d)
}
