package sqlstore

import (
	"context"
	"encoding/json"
	"slices"

	"revolver/store"
)

var reportMapKinds = []string{store.InputReceivables, store.InputDebtors, store.InputInventory, store.InputSales,
	store.InputCollections, store.InputCredits, store.InputInventoryActivity}

// AddReportMap implements store.ReportMapTx.
func (t *facilityTx) AddReportMap(r store.ReportMapRecord) (store.ReportMapRecord, error) {
	if r.Facility != t.f.Slug {
		return r, store.Errorf(store.CodeInvalid, "report map for facility %q, not %q", r.Facility, t.f.Slug)
	}
	if !slices.Contains(reportMapKinds, r.Kind) {
		return r, store.Errorf(store.CodeInvalid, "report map kind %q, expected one of receivables, debtors, inventory, sales, collections, credits, inventory_activity", r.Kind)
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(r.Map, &obj) != nil || obj == nil {
		return r, store.Errorf(store.CodeInvalid, "report map (%s) of facility %q: expected a JSON object", r.Kind, r.Facility)
	}
	if r.SetBy == "" || r.SetAt.IsZero() {
		return r, store.Errorf(store.CodeInvalid, "report map (%s) of facility %q: set by and at are required", r.Kind, r.Facility)
	}
	r.SetAt = store.Truncate(r.SetAt)
	err := t.tx.QueryRowContext(t.ctx, t.db.q(`INSERT INTO report_maps (facility_id, kind, map, set_by, set_at) VALUES (?, ?, ?, ?, ?) RETURNING id`),
		t.fid, r.Kind, string(r.Map), r.SetBy, t.db.D.Time(r.SetAt)).Scan(&r.ID)
	return r, err
}

// ReportMaps implements store.ReportMapStore.
func (db *DB) ReportMaps(ctx context.Context, facility string) ([]store.ReportMapRecord, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT id, kind, map, set_by, set_at FROM report_maps WHERE facility_id = ? ORDER BY id`), fid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.ReportMapRecord
	for rows.Next() {
		r := store.ReportMapRecord{Facility: facility}
		var m string
		var at Time
		if err := rows.Scan(&r.ID, &r.Kind, &m, &r.SetBy, &at); err != nil {
			return nil, err
		}
		r.Map, r.SetAt = json.RawMessage(m), at.T
		out = append(out, r)
	}
	return out, rows.Err()
}
