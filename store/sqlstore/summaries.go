package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"revolver/store"
)

// PutCertificateSummary stores a submitted certificate's summary once.
func (db *DB) PutCertificateSummary(ctx context.Context, s store.CertificateSummary) error {
	if len(s.Body) == 0 || s.Version <= 0 || s.CreatedAt.IsZero() {
		return store.Errorf(store.CodeInvalid, "certificate %d summary: a version, a body and a time are required", s.Certificate)
	}
	var status string
	err := db.R.QueryRowContext(ctx, db.q(`SELECT status FROM certificates WHERE id = ?`), s.Certificate).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Errorf(store.CodeNotFound, "certificate %d not found", s.Certificate)
	}
	if err != nil {
		return fmt.Errorf("certificate %d summary: %w", s.Certificate, err)
	}
	if store.CertificateStatus(status) == store.Draft {
		return store.Errorf(store.CodeConflict, "certificate %d is a draft: it has a summary once submitted", s.Certificate)
	}
	same := func() error {
		var v int
		var b []byte
		if err := db.W.QueryRowContext(ctx, db.q(`SELECT version, body FROM certificate_summaries WHERE certificate_id = ?`), s.Certificate).Scan(&v, &b); err != nil {
			return fmt.Errorf("certificate %d summary: %w", s.Certificate, err)
		}
		if v != s.Version || !bytes.Equal(b, s.Body) {
			return store.Errorf(store.CodeConflict, "certificate %d already has another summary (version %d); summaries are never replaced", s.Certificate, v)
		}
		return nil
	}
	var n int
	if err := db.W.QueryRowContext(ctx, db.q(`SELECT count(*) FROM certificate_summaries WHERE certificate_id = ?`), s.Certificate).Scan(&n); err != nil {
		return fmt.Errorf("certificate %d summary: %w", s.Certificate, err)
	}
	if n > 0 {
		return same()
	}
	_, err = db.W.ExecContext(ctx, db.q(`INSERT INTO certificate_summaries (certificate_id, version, body, created_at) VALUES (?, ?, ?, ?)`),
		s.Certificate, s.Version, []byte(s.Body), db.D.Time(store.Truncate(s.CreatedAt)))
	if err != nil && db.D.IsUnique(err) {
		// Stored concurrently (two readers back-filling at once).
		return same()
	}
	if err != nil {
		return fmt.Errorf("certificate %d summary: %w", s.Certificate, err)
	}
	return nil
}

// CertificateSummaries reads a facility's stored summaries by certificate.
func (db *DB) CertificateSummaries(ctx context.Context, facility string) ([]store.CertificateSummary, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT s.certificate_id, s.version, s.body, s.created_at FROM certificate_summaries s
		JOIN certificates c ON c.id = s.certificate_id WHERE c.facility_id = ? ORDER BY s.certificate_id`), fid)
	if err != nil {
		return nil, fmt.Errorf("certificate summaries: %w", err)
	}
	defer rows.Close()
	var out []store.CertificateSummary
	for rows.Next() {
		var s store.CertificateSummary
		var b []byte
		var at Time
		if err := rows.Scan(&s.Certificate, &s.Version, &b, &at); err != nil {
			return nil, err
		}
		s.Body, s.CreatedAt = b, at.T
		out = append(out, s)
	}
	return out, rows.Err()
}
