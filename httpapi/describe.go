package httpapi

import (
	"revolver/app"
	"revolver/store"
)

// describe fills what a record is about from the values before and after;
// a recorded fact is named by the id the engine knows it by.
func describe(r *store.AuditRecord, before, after any) {
	unwrap := func(v any) any {
		if rec, ok := v.(app.Recorded); ok {
			return rec.Record
		}
		return v
	}
	r.Describe(unwrap(before), unwrap(after))
	if rec, ok := after.(app.Recorded); ok && rec.ID != "" {
		r.Resource = rec.ID
	}
}
