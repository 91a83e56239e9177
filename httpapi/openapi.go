package httpapi

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

var pathParamRe = regexp.MustCompile(`\{([a-z_]+)\}`)

type obj = map[string]any

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

func props(required []string, p obj) obj {
	o := obj{"type": "object", "properties": p}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

var (
	amount  = obj{"type": "string", "pattern": `^-?[0-9]+(\.[0-9]{1,2})?$`, "description": "decimal string, at most two decimals", "example": "250000.00"}
	dateStr = obj{"type": "string", "format": "date", "example": "2006-03-31"}
	str     = obj{"type": "string"}
	integer = obj{"type": "integer", "format": "int64"}
	anyObj  = obj{"type": "object", "additionalProperties": true}
)

var schemas = obj{
	"Error": props([]string{"code", "message", "details"}, obj{
		"code":    obj{"type": "string", "enum": codeList()},
		"message": str, "details": anyObj}),
	"Amount":  amount,
	"Health":  props(nil, obj{"status": str, "time": str}),
	"OpenAPI": anyObj,
	"SignIn":  props([]string{"email", "password"}, obj{"email": str, "password": str}),
	"User": props(nil, obj{"id": integer, "email": str, "role": obj{"type": "string", "enum": []string{"lender_admin", "lender_officer", "lender_analyst", "borrower", "auditor"}},
		"created": str, "facilities": obj{"type": "array", "items": str}}),
	"Session":      props(nil, obj{"user": ref("User"), "csrf_token": str, "expires": str}),
	"Me":           props(nil, obj{"user": ref("User"), "csrf_token": str}),
	"Facility":     props(nil, obj{"slug": str, "name": str, "created": str, "settings": anyObj}),
	"FacilityList": props(nil, obj{"facilities": obj{"type": "array", "items": ref("Facility")}}),
	"FacilityTerms": props(nil, obj{"facility": ref("Facility"), "as_of": dateStr, "terms": anyObj,
		"events_of_default_continuing": obj{"type": "array", "items": str}, "overadvance": ref("Overadvance"),
		"advances_blocked": obj{"type": "array", "items": ref("Reason")}, "availability": amount}),
	"Reason": props([]string{"code", "message"}, obj{"code": obj{"type": "string", "enum": []string{"default_continuing", "facility_terminated", "undetermined"}},
		"message": str, "cite": anyObj}),
	"Overadvance": props([]string{"amount", "as_of", "since", "cause", "detail", "event_of_default"}, obj{"amount": amount, "as_of": dateStr, "since": dateStr,
		"cause": obj{"type": "string", "enum": []string{"borrowing_base", "advance_cap", "commitment", "letters_of_credit"}}, "detail": str,
		"notice": dateStr, "cure_by": dateStr, "cure_undetermined": str, "cure_terms": anyObj, "event_of_default": str}),
	"Availability": props([]string{"as_of", "known_at", "commitment", "borrowing_base", "letters_of_credit", "loans_outstanding", "limit", "binding_limit", "availability", "available_to_advance", "advances_blocked"}, obj{
		"as_of": dateStr, "known_at": str, "business_date": dateStr, "commitment": amount, "advance_cap": amount, "termination_date": dateStr,
		"certificate": integer, "certificate_as_of": dateStr, "certificate_borrowing_base": amount, "exclusions": amount, "borrowing_base": amount,
		"letters_of_credit": amount, "letters_of_credit_treatment": obj{"type": "string", "enum": []string{"deduct_from_borrowing_base", "deduct_from_availability", "none"}},
		"lc_outstanding": amount, "lc_drawn": amount, "limit": amount, "binding_limit": obj{"type": "string", "enum": []string{"commitment", "advance_cap", "borrowing_base"}},
		"loans_outstanding": amount, "availability": obj{"type": "string", "nullable": true, "pattern": amount["pattern"], "description": "null when undetermined"},
		"available_to_advance": amount, "lowest_on": dateStr, "formula": str,
		"advances_blocked": obj{"type": "array", "items": ref("Reason")}, "events_of_default_continuing": obj{"type": "array", "items": str},
		"overadvance": ref("Overadvance"), "hindsight": props(nil, obj{"known_at": str, "availability": amount, "certificate": integer, "borrowing_base": amount,
			"advances_blocked": obj{"type": "array", "items": ref("Reason")}, "why": obj{"type": "array", "items": str}})}),
	"Certificate": props(nil, obj{"id": integer, "facility": str, "as_of": dateStr, "status": obj{"type": "string", "enum": []string{"draft", "submitted", "approved", "rejected"}},
		"borrowing_base": amount, "lc_outstanding": amount, "lc_reserve": amount, "body": anyObj, "prepared_by": str, "submitted_by": str, "reviewer": str, "comment": str}),
	"CertificateList": props(nil, obj{"certificates": obj{"type": "array", "items": ref("Certificate")}}),
	"CertificateUpload": props([]string{"as_of", "receivables", "debtors", "inventory"}, obj{"as_of": dateStr,
		"receivables": obj{"type": "string", "format": "binary"}, "debtors": obj{"type": "string", "format": "binary"},
		"inventory": obj{"type": "string", "format": "binary"}, "csrf_token": str}),
	"Decision":     props(nil, obj{"comment": str}),
	"AdvanceInput": props([]string{"amount", "value_date"}, obj{"amount": amount, "value_date": dateStr, "reason": str}),
	"Advance": props(nil, obj{"id": integer, "facility": str, "amount": amount, "value_date": dateStr,
		"status": obj{"type": "string", "enum": []string{"requested", "funded", "rejected", "cancelled"}}, "requested_by": str, "decided_by": str, "transaction": integer,
		"business_date": dateStr, "reason": str, "cutoff": props(nil, obj{"time": str, "zone": str, "unknown": str, "cite": anyObj})}),
	"AdvanceList":    props(nil, obj{"advances": obj{"type": "array", "items": ref("Advance")}}),
	"RepaymentInput": props([]string{"amount", "value_date"}, obj{"amount": amount, "value_date": dateStr, "memo": str, "reason": str}),
	"Transaction": props(nil, obj{"id": integer, "facility": str, "kind": str, "value_date": dateStr, "key": str, "memo": str,
		"postings": obj{"type": "array", "items": props(nil, obj{"account": str, "amount": amount})}}),
	"Posted":         props(nil, obj{"transaction": ref("Transaction"), "replayed": obj{"type": "boolean"}, "pending": ref("Pending")}),
	"Ledger":         props(nil, obj{"from": dateStr, "to": dateStr, "transactions": obj{"type": "array", "items": ref("Transaction")}, "balances": obj{"type": "object", "additionalProperties": amount}}),
	"FinancialsCSV":  obj{"type": "string", "description": "CSV: period_end, fiscal_year, fiscal_quarter, total_assets, intangible_assets, total_liabilities, subordinated_debt, net_income"},
	"FinancialsList": props(nil, obj{"financial_statements": obj{"type": "array", "items": anyObj}}),
	"Covenants":      anyObj,
	"DefaultInput": props([]string{"action", "event", "date"}, obj{"action": obj{"type": "string", "enum": []string{"record", "waive"}},
		"event": str, "date": dateStr, "note": str}),
	"AmendmentInput": props([]string{"name", "content"}, obj{"name": str, "content": obj{"type": "string", "description": "the amendment's YAML (revolver: amendment/1)"}}),
	"Pending": props(nil, obj{"id": integer, "facility": str, "kind": obj{"type": "string", "enum": []string{"amendment", "event_of_default", "waiver", "repayment_correction"}},
		"payload": anyObj, "status": str, "requested_by": str, "decided_by": str, "comment": str}),
	"PendingList": props(nil, obj{"approvals": obj{"type": "array", "items": ref("Pending")}}),
	"AuditRecord": props(nil, obj{"id": integer, "at": str, "actor": str, "request_id": str, "route": str, "facility": str,
		"before": anyObj, "after": anyObj, "prev_hash": str, "hash": str}),
	"AuditList": props(nil, obj{"records": obj{"type": "array", "items": ref("AuditRecord")}}),
}

func codeList() []string {
	var out []string
	for k := range statusOf {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

var queryDocs = map[string]obj{
	"as_of":       {"description": "date YYYY-MM-DD (default today)", "schema": dateStr},
	"from":        {"description": "first value date", "schema": dateStr},
	"to":          {"description": "last value date", "schema": dateStr},
	"as_known_on": {"description": "use the statements as known at the end of this date (default now)", "schema": dateStr},
	"explain":     {"description": "true: add each test's explanation", "schema": obj{"type": "boolean"}},
	"after":       {"description": "records with a greater id", "schema": integer},
	"limit":       {"description": "at most this many (1–1000, default 100)", "schema": integer},
}

func errResp(desc string) obj {
	return obj{"description": desc, "content": obj{"application/json": obj{"schema": ref("Error")}}}
}

func (s *Server) openAPI() obj {
	paths := obj{}
	for _, rt := range s.routes {
		op := obj{"summary": rt.Summary, "operationId": operationID(rt)}
		var params []obj
		for _, m := range pathParamRe.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, obj{"name": m[1], "in": "path", "required": true, "schema": str})
		}
		for _, q := range rt.Query {
			p := obj{"name": q, "in": "query", "required": false}
			for k, v := range queryDocs[q] {
				p[k] = v
			}
			params = append(params, p)
		}
		if rt.Mutating {
			params = append(params, obj{"name": "Idempotency-Key", "in": "header", "required": false, "schema": str,
				"description": "same key and body: the first response again (header Idempotent-Replayed: true); other body: 422 idempotency_mismatch"})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.Request != "" {
			ct := "application/json"
			if rt.Upload {
				ct = "multipart/form-data"
			} else if rt.Request == "FinancialsCSV" {
				ct = "text/csv"
			}
			op["requestBody"] = obj{"required": true, "content": obj{ct: obj{"schema": ref(rt.Request)}}}
			if rt.Request == "SignIn" {
				op["requestBody"].(obj)["content"].(obj)["application/x-www-form-urlencoded"] = obj{"schema": ref("SignIn")}
			}
		}
		st := rt.Status
		if st == 0 {
			st = 200
		}
		resp := obj{}
		if st == 204 {
			resp["204"] = obj{"description": "done"}
		} else {
			resp[strconv.Itoa(st)] = obj{"description": "success", "content": obj{"application/json": obj{"schema": ref(rt.Response)}}}
		}
		if rt.Path == "/api/v1/facilities/{slug}/advances" && rt.Method == "POST" {
			resp["202"] = obj{"description": "above the maker-checker threshold: waits for approval", "content": obj{"application/json": obj{"schema": ref("Advance")}}}
			resp["422"] = errResp("availability_exceeded (details: requested, availability), facility_terminated, default_continuing, idempotency_mismatch")
		}
		resp["400"] = errResp("invalid request")
		if !rt.Public {
			resp["401"] = errResp("not signed in")
			resp["403"] = errResp("role not allowed, CSRF token missing, or maker-checker")
		}
		if strings.Contains(rt.Path, "{") {
			resp["404"] = errResp("not found (also a facility the caller may not see)")
		}
		if rt.Mutating {
			resp["409"] = errResp("conflict with the current state")
			if _, ok := resp["422"]; !ok {
				resp["422"] = errResp("refused by the rules, or idempotency_mismatch")
			}
		}
		op["responses"] = resp
		if rt.Public {
			op["security"] = []obj{}
		}
		item, _ := paths[rt.Path].(obj)
		if item == nil {
			item = obj{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{"title": "revolver API", "version": "1",
			"description": "Asset-based revolving credit facilities. Amounts are decimal strings; errors are {code, message, details}."},
		"servers": []obj{{"url": "/"}},
		"paths":   paths,
		"components": obj{
			"schemas": schemas,
			"securitySchemes": obj{
				"bearer":  obj{"type": "http", "scheme": "bearer", "description": "API token from `revolver token create`"},
				"session": obj{"type": "apiKey", "in": "cookie", "name": sessionCookie, "description": "from POST /api/v1/session; unsafe methods also need X-CSRF-Token or form field csrf_token"},
			},
		},
		"security": []obj{{"bearer": []string{}}, {"session": []string{}}},
	}
}

func operationID(rt *Route) string {
	p := strings.TrimPrefix(rt.Path, "/api/v1/")
	p = pathParamRe.ReplaceAllString(p, "by_$1")
	p = strings.NewReplacer("/", "_", "-", "_", ".", "_").Replace(p)
	return strings.ToLower(rt.Method) + "_" + p
}
