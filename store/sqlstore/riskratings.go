package sqlstore

import (
	"context"
	"strings"

	"revolver/store"
)

// AddRiskRating implements store.RiskRatingTx.
func (t *facilityTx) AddRiskRating(r store.RiskRating) (store.RiskRating, error) {
	if r.Facility != t.f.Slug {
		return r, store.Errorf(store.CodeInvalid, "risk rating for facility %q, not %q", r.Facility, t.f.Slug)
	}
	if r.Rating < store.RiskRatingBest || r.Rating > store.RiskRatingWorst {
		return r, store.Errorf(store.CodeInvalid, "risk rating of facility %q: rating %d, expected %d to %d", r.Facility, r.Rating, store.RiskRatingBest, store.RiskRatingWorst)
	}
	if strings.TrimSpace(r.Reason) == "" {
		return r, store.Errorf(store.CodeInvalid, "risk rating of facility %q: a reason is required", r.Facility)
	}
	if r.SetBy == "" || r.SetAt.IsZero() {
		return r, store.Errorf(store.CodeInvalid, "risk rating of facility %q: set by and at are required", r.Facility)
	}
	r.SetAt = store.Truncate(r.SetAt)
	err := t.tx.QueryRowContext(t.ctx, t.db.q(`INSERT INTO risk_ratings (facility_id, rating, watch, reason, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		t.fid, r.Rating, r.Watch, r.Reason, r.SetBy, t.db.D.Time(r.SetAt)).Scan(&r.ID)
	return r, err
}

// RiskRatings implements store.RiskRatingStore.
func (db *DB) RiskRatings(ctx context.Context, facility string) ([]store.RiskRating, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT id, rating, watch, reason, set_by, set_at FROM risk_ratings WHERE facility_id = ? ORDER BY id`), fid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.RiskRating
	for rows.Next() {
		r := store.RiskRating{Facility: facility}
		var at Time
		if err := rows.Scan(&r.ID, &r.Rating, &r.Watch, &r.Reason, &r.SetBy, &at); err != nil {
			return nil, err
		}
		r.SetAt = at.T
		out = append(out, r)
	}
	return out, rows.Err()
}
