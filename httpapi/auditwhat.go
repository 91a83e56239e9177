package httpapi

import (
	"revolver/app"
	"revolver/store"
)

// auditWhat names, for each audited route, the kind of thing it changes
// and what it does to it: the kind and action of its audit records (a
// pending action's record takes the pending action's own kind).
var auditWhat = map[string]struct{ kind, action string }{
	"POST /api/v1/session":   {"session", "sign_in"},
	"DELETE /api/v1/session": {"session", "sign_out"},

	"POST /api/v1/facilities/{slug}/borrowing-base-certificates":               {"certificate", "submit"},
	"POST /api/v1/facilities/{slug}/borrowing-base-certificates/{id}/approve":  {"certificate", "approve"},
	"POST /api/v1/facilities/{slug}/borrowing-base-certificates/{id}/reject":   {"certificate", "reject"},
	"POST /api/v1/facilities/{slug}/borrowing-base-certificates/{id}/withdraw": {"certificate", "withdraw"},
	"POST /api/v1/facilities/{slug}/advances":                                  {"advance", "request"},
	"POST /api/v1/facilities/{slug}/advances/{id}/approve":                     {"advance", "approve"},
	"POST /api/v1/facilities/{slug}/advances/{id}/reject":                      {"advance", "reject"},
	"POST /api/v1/facilities/{slug}/advances/{id}/cancel":                      {"advance", "cancel"},
	"POST /api/v1/facilities/{slug}/repayments":                                {"repayment", "record"},
	"POST /api/v1/facilities/{slug}/financial-statements":                      {"financial_statement", "submit"},
	"POST /api/v1/facilities/{slug}/events-of-default":                         {"event_of_default", "record"},
	"POST /api/v1/facilities/{slug}/amendments":                                {"amendment", "request"},
	"POST /api/v1/facilities/{slug}/approvals/{id}/approve":                    {"approval", "approve"},
	"POST /api/v1/facilities/{slug}/approvals/{id}/reject":                     {"approval", "reject"},

	"POST /api/v1/facilities/{slug}/notices":                              {"notice", "record"},
	"POST /api/v1/facilities/{slug}/notices/{id}/confirmation":            {"notice", "confirm"},
	"POST /api/v1/facilities/{slug}/events-of-default/records":            {"event_of_default", "record"},
	"POST /api/v1/facilities/{slug}/events-of-default/{id}/notice":        {"event_of_default", "notice"},
	"POST /api/v1/facilities/{slug}/events-of-default/{id}/cure":          {"cure", "request"},
	"POST /api/v1/facilities/{slug}/events-of-default/{id}/accelerate":    {"event_of_default", "accelerate"},
	"POST /api/v1/facilities/{slug}/events-of-default/{id}/waive":         {"waiver", "request"},
	"POST /api/v1/facilities/{slug}/events-of-default/{id}/waive/approve": {"waiver", "approve"},
	"POST /api/v1/facilities/{slug}/insurance-policies":                   {"insurance_policy", "record"},
	"POST /api/v1/facilities/{slug}/ucc-filings":                          {"ucc_filing", "record"},
	"POST /api/v1/facilities/{slug}/other-indebtedness":                   {"other_indebtedness", "record"},
	"POST /api/v1/facilities/{slug}/occurrences":                          {"occurrence", "record"},
	"POST /api/v1/facilities/{slug}/covenant-results":                     {"covenant_result", "record"},
	"POST /api/v1/facilities/{slug}/requests/{id}/approve":                {"request", "approve"},
	"POST /api/v1/facilities/{slug}/requests/{id}/reject":                 {"request", "reject"},
}

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
