package store

import (
	"context"
	"encoding/json"
	"time"
)

// ReportMapRecord is one version of the column map and layout a facility
// keeps for a kind of report (one of the Input* kinds): the map as JSON
// (collateral.ReportMap: {"columns": {...}, "layout": {...}}), who set it
// and when. Versions are appended, never changed: the map in force at a
// time is the kind's last version recorded by then; an empty map ({})
// clears it.
type ReportMapRecord struct {
	ID       int64           `json:"id"`
	Facility string          `json:"facility"`
	Kind     string          `json:"kind"`
	Map      json.RawMessage `json:"map"`
	SetBy    string          `json:"set_by"`
	SetAt    time.Time       `json:"set_at"`
}

// ReportMapStore reads a facility's report maps.
type ReportMapStore interface {
	// ReportMaps lists every version of a facility's report maps, by id
	// (not_found for an unknown facility).
	ReportMaps(ctx context.Context, facility string) ([]ReportMapRecord, error)
}

// ReportMapTx writes report maps inside Update.
type ReportMapTx interface {
	// AddReportMap appends a version (its id set by the store, its time
	// truncated as every stored time). Kind must be one of the Input*
	// kinds, Map a JSON object, SetBy and SetAt given.
	AddReportMap(r ReportMapRecord) (ReportMapRecord, error)
}

// ReportMapAt is the version of kind in force at time at (the last
// recorded by then) among recs, or false when there is none or it is
// empty.
func ReportMapAt(recs []ReportMapRecord, kind string, at time.Time) (ReportMapRecord, bool) {
	var out ReportMapRecord
	found := false
	for _, r := range recs {
		if r.Kind == kind && !r.SetAt.After(at) && (!found || r.ID > out.ID) {
			out, found = r, true
		}
	}
	if found && (len(out.Map) == 0 || string(out.Map) == "{}" || string(out.Map) == "null") {
		return out, false
	}
	return out, found
}
