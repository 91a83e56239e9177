package httpapi

// The OpenAPI document is generated from the route table and from the Go
// types behind it: each route names the schema of its request body and of
// its answer, and schemaTypes gives the Go type of each name. The schema of
// a type is derived by reflection as encoding/json writes it: the json tags
// name the properties, a field without omitempty or omitzero is required,
// money.Amount is a decimal string, date.Date is YYYY-MM-DD, time.Time is
// RFC 3339, and a struct allows no other property. A nil slice or map is
// null, except in the answers the handlers build (types of this package),
// which write [] and {} for nothing. A type that writes its own JSON names a
// type of the same form in marshalsAs. Request bodies are decoded into the
// types named, without unknown fields; which of their fields are required
// is said in requestDocs. A route or a type the generator cannot describe
// makes New fail, and the tests validate every request and answer they make
// against the document served.

import (
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"revolver/agreement"
	"revolver/app"
	"revolver/collateral"
	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/explain"
	"revolver/jobs"
	"revolver/ledger"
	"revolver/money"
	"revolver/statement"
	"revolver/store"
)

var pathParamRe = regexp.MustCompile(`\{([a-z_]+)\}`)

type obj = map[string]any

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

var (
	amount   = obj{"type": "string", "pattern": `^-?[0-9]+(\.[0-9]{1,2})?$`, "description": "decimal string, at most two decimals", "example": "250000.00"}
	decimal  = obj{"type": "string", "pattern": `^-?[0-9]+(\.[0-9]+)?$`, "description": "exact decimal string", "example": "0.0225"}
	dateStr  = obj{"type": "string", "format": "date", "example": "2006-03-31"}
	dateTime = obj{"type": "string", "format": "date-time", "example": "2006-05-26T16:30:00-04:00"}
	timeStr  = obj{"type": "string", "description": "RFC 3339, or YYYY-MM-DD HH:MM in the facility's zone", "example": "2006-05-26T16:30:00-04:00"}
	str      = obj{"type": "string"}
	integer  = obj{"type": "integer", "format": "int64"}
	anyJSON  = obj{"description": "any JSON value"}
	figure   = obj{"type": "string", "pattern": `^(-?[0-9]+(\.[0-9]+)?)?$`, "description": "exact decimal string, \"\" when not known", "example": "1.25"}
)

// The answers that handlers build as maps, as types of the same form.
type (
	healthAnswer struct {
		Status string    `json:"status"`
		Time   time.Time `json:"time"`
	}
	sessionAnswer struct {
		User      store.User `json:"user"`
		CSRFToken string     `json:"csrf_token"`
		Expires   time.Time  `json:"expires"`
	}
	meAnswer struct {
		User      store.User `json:"user"`
		CSRFToken string     `json:"csrf_token,omitempty"` // for a session only
	}
	facilityList struct {
		Facilities []store.Facility `json:"facilities"`
		NextAfter  *string          `json:"next_after"`
	}
	facilityTerms struct {
		Facility store.Facility  `json:"facility"`
		AsOf     date.Date       `json:"as_of"`
		Terms    agreement.Terms `json:"terms"`
		// EventsOfDefaultContinuing: on as_of as known at known_at, by the
		// one rule of GET …/events-of-default.
		EventsOfDefaultContinuing []string `json:"events_of_default_continuing"`
		// KnownAt: absent, every fact recorded.
		KnownAt time.Time `json:"known_at,omitzero"`
		// Overadvance on as_of (null when none), why advances are blocked
		// and the availability figure (null when undetermined), from
		// GET …/availability's use case.
		Overadvance     *ledger.Overadvance `json:"overadvance"`
		AdvancesBlocked []ledger.Reason     `json:"advances_blocked"`
		Availability    *money.Amount       `json:"availability"`
	}
	certificateList struct {
		Certificates []store.Certificate `json:"certificates"`
		NextAfter    *int64              `json:"next_after"`
	}
	advanceList struct {
		Advances  []store.AdvanceRequest `json:"advances"`
		NextAfter *int64                 `json:"next_after"`
	}
	postedAnswer struct {
		Transaction ledger.Transaction `json:"transaction"`
		Replayed    bool               `json:"replayed"`
	}
	// pendingAnswer: a back-valued repayment waiting for a second lender.
	pendingAnswer struct {
		Pending store.Pending `json:"pending"`
	}
	ledgerAnswer struct {
		From         date.Date            `json:"from"`
		To           date.Date            `json:"to"`
		Transactions []ledger.Transaction `json:"transactions"`
		Balances     ledger.Balances      `json:"balances"`
		NextAfter    *int64               `json:"next_after"`
	}
	financialsList struct {
		// FinancialStatements: of periods not reported before, recorded
		// with their covenant tests.
		FinancialStatements []store.Financials `json:"financial_statements"`
		// Pending: restatements of periods already reported, requests a
		// lender accepts (POST …/requests/{id}/approve).
		Pending []app.Recorded `json:"pending"`
	}
	requestList struct {
		Requests  []app.EndRequest `json:"requests"`
		NextAfter *int64           `json:"next_after"`
	}
	pendingList struct {
		Approvals []store.Pending `json:"approvals"`
		NextAfter *int64          `json:"next_after"`
	}
	auditAnswer struct {
		Records   []store.AuditRecord `json:"records"`
		NextAfter *int64              `json:"next_after"`
	}
	deadlinesAnswer struct {
		Facility  string                `json:"facility"`
		AsOf      date.Date             `json:"as_of"`
		Calendar  defaults.CalendarInfo `json:"calendar"`
		Deadlines []defaults.Deadline   `json:"deadlines"`
		Problems  []defaults.Problem    `json:"problems"`
	}
	// covenantsAnswer is the form covenant.Result writes (Result.JSON).
	covenantsAnswer struct {
		Tests []covenantTest `json:"tests"`
	}
	covenantTest struct {
		Covenant  string          `json:"covenant"`
		PeriodEnd date.Date       `json:"period_end"`
		Actual    string          `json:"actual"`
		Required  string          `json:"required"`
		Result    string          `json:"result"`
		Headroom  string          `json:"headroom"`
		Reason    string          `json:"reason"`
		Waiver    *covenantWaiver `json:"waiver,omitempty"`
		Cites     []explain.Cite  `json:"cites"`
		Explain   *explain.Node   `json:"explain,omitempty"`
	}
	// covenantWaiver is the waiver letter's waiver of a failing test (the
	// result stays "fail").
	covenantWaiver struct {
		Letter     string       `json:"letter"`
		Document   string       `json:"document"`
		Effective  date.Date    `json:"effective"`
		Cite       explain.Cite `json:"cite"`
		Conditions []string     `json:"conditions,omitempty"`
		Text       string       `json:"text"`
	}
	// noContent is the answer of a 204.
	noContent struct{}
)

// schemaTypes gives the Go type behind each schema name of the route table
// (and the error body): the type a handler answers, or decodes a request
// body into.
var schemaTypes = map[string]any{
	"Error":           errorBody{},
	"NoContent":       noContent{},
	"Health":          healthAnswer{},
	"OpenAPI":         map[string]any{},
	"SignIn":          signIn{},
	"Session":         sessionAnswer{},
	"Me":              meAnswer{},
	"FacilityList":    facilityList{},
	"Portfolio":       portfolioAnswer{},
	"Morning":         morningAnswer{},
	"CloseInput":      closeInput{},
	"Job":             jobs.Job{},
	"FacilityTerms":   facilityTerms{},
	"Availability":    Availability{},
	"Certificate":     store.Certificate{},
	"CertificateList": certificateList{},
	"Decision":        decision{},

	"CertificateDecision":  certificateDecision{},
	"AdvanceInput":         advanceInput{},
	"Advance":              store.AdvanceRequest{},
	"AdvanceRequested":     advanceOut{},
	"RepaymentPending":     pendingAnswer{},
	"AdvanceList":          advanceList{},
	"RepaymentInput":       repaymentInput{},
	"Posted":               postedAnswer{},
	"Ledger":               ledgerAnswer{},
	"FinancialsList":       financialsList{},
	"Covenants":            covenant.Result{},
	"DefaultInput":         defaultInput{},
	"AmendmentInput":       app.AmendmentFile{},
	"DraftInput":           draftInput{},
	"Preview":              Preview{},
	"Pending":              store.Pending{},
	"PendingList":          pendingList{},
	"AuditList":            auditAnswer{},
	"RateSeriesList":       rateSeriesList{},
	"RateValues":           rateValues{},
	"RateInput":            rateInput{},
	"RateValue":            ledger.RatePoint{},
	"RateImport":           app.RateImport{},
	"InterestReport":       app.InterestReport{},
	"Statement":            statement.Statement{},
	"LoanNoticeList":       loanNoticeList{},
	"ReserveList":          reserveList{},
	"ReserveInput":         reserveInput{},
	"LenderReserve":        app.LenderReserve{},
	"ReserveRelease":       reserveRelease{},
	"CashFileList":         cashFileList{},
	"CashImport":           app.CashImport{},
	"BankCashImport":       app.BankCashImport{},
	"CashFileView":         app.CashFileView{},
	"CashReconciliation":   app.CashReconciliation{},
	"LoanContinueInput":    loanContinueInput{},
	"LoanConvertInput":     loanConvertInput{},
	"LoanNoticeGiven":      app.LoanNoticeResult{},
	"DominionPeriodList":   dominionPeriodList{},
	"AvailabilityCovenant": app.AvailabilityCovenantResult{},
	"ReportMapList":        reportMapList{},
	"ReportMap":            app.ReportMap{},
	"ReportMapInput":       collateral.ReportMap{},
	"RiskRatings":          app.RiskRatings{},
	"RiskRating":           store.RiskRating{},
	"RiskRatingInput":      app.RiskRatingInput{},
	"LettersOfCredit":      lettersAnswer{},
	"LetterOfCreditIssue":  letterIssue{},
	"LetterOfCreditAction": letterAction{},
	"LetterOfCreditResult": app.LetterOfCreditResult{},
	"StatementsPreview":    app.StatementsPreview{},
	"ReportPreview":        collateral.Preview{},
	"FieldExams":           app.FieldExams{},
	"FieldExam":            app.FieldExam{},
	"FieldExamSchedule":    fieldExamSchedule{},
	"FieldExamReport":      fieldExamReport{},
	"FindingInput":         app.FindingInput{},
	"AdvanceRateChange":    advanceRateChange{},
	"DispositionInput":     dispositionInput{},
	"FindingAmendment":     findingAmendment{},

	"Deadlines":               deadlinesAnswer{},
	"Trends":                  trendsAnswer{},
	"AgingMigration":          app.AgingMigration{},
	"EventsOfDefault":         EventsOfDefault{},
	"NoticeEffect":            defaults.Effect{},
	"FactRecordList":          factRecordList{},
	"Recorded":                app.Recorded{},
	"RequestList":             requestList{},
	"NoticeInput":             noticeInput{},
	"NoticeConfirmationInput": confirmationInput{},
	"EventOfDefaultInput":     eventOfDefaultInput{},
	"DefaultNoticeInput":      defaultNoticeInput{},
	"DefaultActionInput":      defaultActionInput{},
	"WaiverInput":             waiverInput{},
	"WaiverApproval":          waiverApproval{},
	"PolicyInput":             policyInput{},
	"FilingInput":             filingInput{},
	"OtherDebtInput":          otherDebtInput{},
	"OccurrenceInput":         occurrenceInput{},
	"CovenantResultInput":     covenantResultInput{},
}

type factRecordList struct {
	FactRecords []store.FactRecord `json:"fact_records"`
	NextAfter   *int64             `json:"next_after"`
}

// bodies are the request bodies that are not JSON, with their media type.
var bodies = map[string]struct {
	ctype  string
	schema obj
}{
	"CertificateUpload": {"multipart/form-data", obj{"type": "object", "required": []string{"as_of", "receivables", "debtors", "inventory"},
		"properties": obj{"as_of": dateStr,
			"receivables":        obj{"type": "string", "format": "binary", "description": "the A/R aging (CSV or XLSX)"},
			"debtors":            obj{"type": "string", "format": "binary", "description": "the customer master (CSV or XLSX)"},
			"inventory":          obj{"type": "string", "format": "binary", "description": "the inventory report (CSV or XLSX)"},
			"sales":              obj{"type": "string", "format": "binary", "description": "optional: the sales journal of the period since the previous approved certificate (CSV or XLSX)"},
			"collections":        obj{"type": "string", "format": "binary", "description": "optional: the collections journal of the period (receipts and returned checks; CSV or XLSX)"},
			"credits":            obj{"type": "string", "format": "binary", "description": "optional: the credits journal of the period (returns, allowances, discounts, write-offs; CSV or XLSX)"},
			"inventory_activity": obj{"type": "string", "format": "binary", "description": "optional: the inventory activity of the period (receipts, issues, adjustments; CSV or XLSX)"},
			"maps":               obj{"type": "string", "description": "optional: report maps by kind as JSON ({\"receivables\": {\"columns\": {…}, \"layout\": {…}}}); a report without one is read with the facility's saved map of its kind (docs/reports.md)"},
			"attestation_name":   obj{"type": "string", "description": "optional: the name of the officer who signs the certificate; with attestation_title, the attestation stored with it (the agreement's wording where its terms give it, setting certificate_attestation, otherwise \"no Default or Event of Default exists\")"},
			"attestation_title":  obj{"type": "string", "description": "optional: the title of the officer who signs the certificate (e.g. Controller); required with attestation_name"},
			"csrf_token":         str}, "additionalProperties": false}},
	"CashUpload": {"multipart/form-data", obj{"type": "object", "required": []string{"bai"},
		"properties": obj{"bai": obj{"type": "string", "format": "binary", "description": "the BAI2 file (records 01, 02, 03, 16, 49, 98, 99 and 88 continuations)"},
			"csrf_token": str}, "additionalProperties": false}},
	"ReportPreviewUpload": {"multipart/form-data", obj{"type": "object", "required": []string{"file"},
		"properties": obj{"file": obj{"type": "string", "format": "binary", "description": "the report (CSV or XLSX) of the route's kind"},
			"debtors":    obj{"type": "string", "format": "binary", "description": "optional, for an aging: the customer master its debtor ids are checked against"},
			"as_of":      dateStr,
			"map":        obj{"type": "string", "description": "optional: the report map to read it with, as JSON ({\"columns\": {…}, \"layout\": {…}}); default the facility's saved map of the kind"},
			"rows":       obj{"type": "string", "description": "optional: how many rows to show (1–200, default 10)"},
			"csrf_token": str}, "additionalProperties": false}},
	"RatesCSV":      {"text/csv", obj{"type": "string", "description": "CSV: a header row, then a date (YYYY-MM-DD or MM/DD/YYYY) and a value in percent per row, blank or \".\" on a day without a value (FRED's observation_date,DPRIME); more columns with column=…"}},
	"FinancialsCSV": {"text/csv", obj{"type": "string", "description": "CSV: period_end, fiscal_year, fiscal_quarter, total_assets, intangible_assets, total_liabilities, subordinated_debt, net_income"}},
}

// marshalsAs: types that write their own JSON, and a type of the same form.
var marshalsAs = map[reflect.Type]reflect.Type{
	reflect.TypeFor[covenant.Result](): reflect.TypeFor[covenantsAnswer](),
}

// enums are the values of string types.
var enums = map[reflect.Type][]string{
	reflect.TypeFor[store.CertificateStatus](): {string(store.Draft), string(store.Submitted), string(store.Approved), string(store.Rejected), string(store.Withdrawn)},
	reflect.TypeFor[store.AdvanceStatus]():     {string(store.AdvanceRequested), string(store.AdvanceFunded), string(store.AdvanceRejected), string(store.AdvanceCancelled)},
	reflect.TypeFor[ledger.Kind]():             stringsOf(ledger.Kinds),
	reflect.TypeFor[ledger.Account]():          stringsOf(ledger.Accounts),
}

func stringsOf[S ~string](xs []S) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func enum(values ...string) obj { return obj{"type": "string", "enum": values} }

// fieldDocs say more of a field than its Go type: the values of a string,
// the form of a string that the handler parses (an amount, a date), a
// description. The schema derived from the type is kept where fieldDocs say
// nothing of a key.
var fieldDocs = map[reflect.Type]obj{
	reflect.TypeFor[errorBody](): {"code": obj{"enum": codeList()},
		"details": obj{"description": "what the code needs: field (the field at fault), requested and availability (availability_exceeded), request_id (internal), …"}},
	reflect.TypeFor[store.User]():       {"role": enum(store.Roles...)},
	reflect.TypeFor[store.Pending]():    {"kind": enum("amendment", "event_of_default", "waiver", app.PendingRepayment), "status": enum(store.PendingRequested, store.PendingApproved, store.PendingRejected)},
	reflect.TypeFor[store.FactRecord](): {"kind": enum(store.FactKinds...)},
	reflect.TypeFor[store.Facility]():   {"settings": obj{"type": "object", "description": "operational settings, e.g. {\"maker_checker_threshold\": \"250000.00\"}"}},
	reflect.TypeFor[store.Certificate](): {"body": obj{"type": "object", "description": "the computed certificate (GET of one certificate and the answer to its submission)"},
		"supersedes":  obj{"description": "the approved certificate for the same date this one replaces once approved as a supersession"},
		"reviewer":    obj{"description": "who approved or rejected it, or withdrew it"},
		"rollforward": obj{"type": "object", "description": "the roll-forward against the previous approved certificate computed on submission (GET of one certificate and the answer to its submission; absent without journals or a previous approved certificate): previous_certificate and the keys of a period of revolver monitor (as_of, previous_as_of, receivables, dilution, dso, inventory, borrowing_base, explanation)"}},
	reflect.TypeFor[store.CertificateWarning](): {"code": enum(app.WarningCodes()...)},
	reflect.TypeFor[store.Input]():              {"kind": enum(store.InputReceivables, store.InputDebtors, store.InputInventory, store.InputSales, store.InputCollections, store.InputCredits, store.InputInventoryActivity)},
	reflect.TypeFor[store.WarningFigure]():      {"value": obj{"description": "exact text: an amount 1234.56, a share 0.2, a date, a count or a certificate id"}},
	reflect.TypeFor[certificateDecision]():      {"supersedes": obj{"description": "to approve a certificate that supersedes another: the id of the one it supersedes"}},
	reflect.TypeFor[defaults.Deadline]():        {"status": enum(defaults.StatusMet, defaults.StatusLate, defaults.StatusDue, defaults.StatusOverdue, defaults.StatusComing, defaults.StatusUndetermined, defaults.StatusPending)},
	reflect.TypeFor[defaults.Stage]():           {"stage": enum(defaults.StageOccurred, defaults.StageNotice, defaults.StageCured, defaults.StageWaived, defaults.StageAccelerated)},
	reflect.TypeFor[covenantTest]():             {"actual": figure, "required": figure, "headroom": figure},
	reflect.TypeFor[app.Recorded]():             {"id": obj{"description": "the id the engine knows the fact by: notice-N, eod-N, action-N, request-N, a policy, debt or filing id"}},
	reflect.TypeFor[app.EndRequest]():           {"kind": enum(defaults.RequestCure, defaults.RequestWaiver, defaults.RequestCovenantResult, defaults.RequestRestatement), "status": enum(app.RequestRequested, app.RequestApproved, app.RequestRejected)},
	reflect.TypeFor[defaults.Request]():         {"kind": enum(defaults.RequestCure, defaults.RequestWaiver, defaults.RequestCovenantResult, defaults.RequestRestatement)},

	reflect.TypeFor[signIn]():         {"email": obj{"format": "email"}},
	reflect.TypeFor[advanceInput]():   {"amount": amount, "value_date": dateStr, "reason": obj{"maxLength": 500, "description": "a correction's reason: only for a value date before the business date (lenders)"}},
	reflect.TypeFor[repaymentInput](): {"amount": amount, "value_date": dateStr, "memo": obj{"maxLength": 500}, "reason": obj{"maxLength": 500, "description": "a correction's reason: only for a value date before the business date (lenders)"}},
	reflect.TypeFor[defaultInput](): {"action": enum("record", "waive"), "event": obj{"description": "the event of default's id in the terms"}, "date": dateStr,
		"note": obj{"description": "record: what happened"}, "agreement": obj{"description": "waive: the document the written consent refers to (required)"}},
	reflect.TypeFor[app.AmendmentFile](): {"name": obj{"pattern": `^[A-Za-z0-9._-]{1,100}\.ya?ml$`, "example": "second-amendment.yaml"},
		"content": obj{"description": "the amendment's YAML (revolver: amendment/1)"}},
	reflect.TypeFor[noticeInput](): {"subject": obj{"example": "casualty_overadvance", "description": "event_of_default, casualty_overadvance, casualty, sale, records_move, place_of_business_change, ..."},
		"sent": timeStr, "confirmed": timeStr, "courier_copy": timeStr},
	reflect.TypeFor[confirmationInput]():   {"confirmed": timeStr, "courier_copy": timeStr},
	reflect.TypeFor[eventOfDefaultInput](): {"event": obj{"description": "an events_of_default id of the terms, e.g. dissolution"}, "occurred": dateStr},
	reflect.TypeFor[defaultNoticeInput]():  {"sent": timeStr, "confirmed": timeStr, "courier_copy": timeStr},
	reflect.TypeFor[defaultActionInput]():  {"date": dateStr},
	reflect.TypeFor[waiverInput](): {"date": dateStr, "period": dateStr,
		"agreement": obj{"description": "the document id the consent refers to, e.g. security-agreement"}},
	reflect.TypeFor[waiverApproval](): {"request": obj{"minimum": 0, "description": "the waiver request's record id (default: the one open request)"}},
	reflect.TypeFor[policyInput]():    {"effective": dateStr, "expires": withDesc(dateStr, "the renewal date"), "evidenced": dateStr, "cancelled": dateStr},
	reflect.TypeFor[filingInput]():    {"filed": dateStr, "continuations": obj{"type": "array", "items": dateStr}},
	reflect.TypeFor[otherDebtInput](): {"amount": amount, "due": dateStr, "paid": dateStr, "accelerated": dateStr, "default_under": dateStr},
	reflect.TypeFor[occurrenceInput](): {"kind": obj{"example": "delivered", "description": "e.g. delivered, casualty, costs_paid, records_move, sale"},
		"for": dateStr, "date": dateStr},
	reflect.TypeFor[covenantResultInput](): {"period_end": dateStr, "pass": obj{"nullable": false}},
}

func withDesc(s obj, d string) obj {
	o := clone(s)
	o["description"] = d
	return o
}

// requestDocs say which fields of a request body the handler requires (the
// decoder requires none), and whether the body may be left out.
var requestDocs = map[reflect.Type]struct {
	required []string
	optional bool
}{
	reflect.TypeFor[signIn]():               {required: []string{"email", "password"}},
	reflect.TypeFor[closeInput]():           {optional: true},
	reflect.TypeFor[decision]():             {optional: true},
	reflect.TypeFor[certificateDecision]():  {optional: true},
	reflect.TypeFor[advanceInput]():         {required: []string{"amount", "value_date"}},
	reflect.TypeFor[repaymentInput]():       {required: []string{"amount", "value_date"}},
	reflect.TypeFor[defaultInput]():         {required: []string{"action", "event", "date"}},
	reflect.TypeFor[app.AmendmentFile]():    {required: []string{"name", "content"}},
	reflect.TypeFor[draftInput]():           {required: []string{"name", "content"}},
	reflect.TypeFor[noticeInput]():          {required: []string{"from", "to", "subject", "method", "sent"}},
	reflect.TypeFor[confirmationInput]():    {},
	reflect.TypeFor[eventOfDefaultInput]():  {required: []string{"event", "occurred", "description"}},
	reflect.TypeFor[defaultNoticeInput]():   {required: []string{"method", "sent"}},
	reflect.TypeFor[defaultActionInput]():   {required: []string{"date"}},
	reflect.TypeFor[waiverInput]():          {required: []string{"date", "agreement"}},
	reflect.TypeFor[waiverApproval]():       {optional: true},
	reflect.TypeFor[policyInput]():          {required: []string{"insurer", "effective", "expires"}},
	reflect.TypeFor[filingInput]():          {required: []string{"filing"}},
	reflect.TypeFor[otherDebtInput]():       {required: []string{"id", "creditor", "amount", "due"}},
	reflect.TypeFor[occurrenceInput]():      {required: []string{"kind", "date"}},
	reflect.TypeFor[covenantResultInput]():  {required: []string{"covenant", "period_end", "pass"}},
	reflect.TypeFor[rateInput]():            {required: []string{"effective", "rate", "source"}},
	reflect.TypeFor[loanContinueInput]():    {required: []string{"interest_period"}},
	reflect.TypeFor[loanConvertInput]():     {required: []string{"option"}},
	reflect.TypeFor[reserveInput]():         {required: []string{"id", "amount", "from", "reason"}},
	reflect.TypeFor[reserveRelease]():       {required: []string{"until", "reason"}},
	reflect.TypeFor[collateral.ReportMap](): {},
	reflect.TypeFor[app.RiskRatingInput]():  {required: []string{"rating", "reason"}},
	reflect.TypeFor[letterIssue]():          {required: []string{"id", "value_date", "amount", "beneficiary", "expiry"}},
	reflect.TypeFor[letterAction]():         {required: []string{"value_date"}},
	reflect.TypeFor[fieldExamSchedule]():    {required: []string{"start", "examiner"}},
	reflect.TypeFor[fieldExamReport]():      {required: []string{"on"}},
	reflect.TypeFor[app.FindingInput]():     {required: []string{"severity", "text"}},
	reflect.TypeFor[advanceRateChange]():    {required: []string{"component", "rate", "effective"}},
	reflect.TypeFor[dispositionInput]():     {required: []string{"disposition"}},
}

// routeDoc is what routeDocs say of a route.
type routeDoc struct {
	responses obj // by status (their headers: beside those of every answer)
	content   obj // other media types of the success answer
	// contentOnly: content is the success answer's only media types (no
	// JSON answer).
	contentOnly bool
	headers     obj // other headers of the success answer
}

// routeDocs add to the operation of a route what the route table does not
// say: other answers and other media types of the answer.
var routeDocs = map[string]routeDoc{
	"POST /api/v1/facilities/{slug}/advances": {responses: obj{
		"202": obj{"description": "above the maker-checker threshold (with what the requester funded that business day), or a correction: waits for approval", "content": obj{"application/json": obj{"schema": ref("AdvanceRequested")}}}}},
	"POST /api/v1/facilities/{slug}/repayments": {responses: obj{
		"202": obj{"description": "value-dated before the business date: a lender's correction, waits for a second lender", "content": obj{"application/json": obj{"schema": ref("RepaymentPending")}}}}},
	"GET /api/v1/facilities/{slug}/deadlines": {headers: obj{"Content-Disposition": obj{"$ref": "#/components/headers/Content-Disposition"}}, content: obj{
		"text/calendar": obj{"schema": obj{"type": "string", "description": "an iCalendar file (format=ics or Accept: text/calendar)"}}}},
	"POST /api/v1/close-of-business": {headers: obj{"Location": obj{"description": "the job: GET it to follow its state", "schema": obj{"type": "string"}}},
		responses: obj{"503": obj{"description": "this server runs no job queue (no_job_queue)", "content": obj{ProblemJSON: obj{"schema": ref("Error")}}}}},
	"GET /api/v1/jobs/{id}": {responses: obj{"503": obj{"description": "this server runs no job queue (no_job_queue)", "content": obj{ProblemJSON: obj{"schema": ref("Error")}}}}},
	"GET /api/v1/audit": {headers: obj{"Content-Disposition": obj{"$ref": "#/components/headers/Content-Disposition"}}, content: obj{
		"text/csv": obj{"schema": obj{"type": "string", "description": "the records as CSV with a header row naming the columns (format=csv or Accept: text/csv)"}}}},
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
	"as_of":        {"description": "date YYYY-MM-DD (default: the business date)", "schema": dateStr},
	"from":         {"description": "first date: the value date (ledger, advances), the as-of date (certificates), the business date (audit trail)", "schema": dateStr},
	"to":           {"description": "last date: the value date (ledger, advances), the as-of date (certificates), the business date (audit trail)", "schema": dateStr},
	"facility":     {"description": "only records of this facility (slug)", "schema": str},
	"user":         {"description": "only records of this user (email in any case, or cli:name)", "schema": str},
	"kind":         {"description": "only records of this kind of thing, e.g. advance, certificate, session", "schema": str},
	"as_known_on":  {"description": "the older name of known_at: the statements as known at the end of business of this date (default now)", "schema": dateStr},
	"known_at":     {"description": "the figures as known at this time: an RFC 3339 time, a date and time in UTC (2006-12-31T22:00), a date YYYY-MM-DD (the end of that business day: when the next business date opened), or now (every record so far); default: the end of business of as_of when it is before the business date, else now", "schema": str},
	"explain":      {"description": "true: add each test's explanation", "schema": obj{"type": "boolean"}},
	"after":        {"description": "the records with a greater id: the next_after of the previous page", "schema": obj{"type": "integer", "format": "int64", "minimum": 0}},
	"after_slug":   {"description": "the facilities with a slug after this one: the next_after of the previous page", "schema": str},
	"after_sha256": {"description": "the records with a SHA-256 (hex) after this one: the next_after of the previous page", "schema": obj{"type": "string", "pattern": "^[0-9a-fA-F]{64}$"}},
	"limit":        {"description": fmt.Sprintf("at most this many records (1–%d, default %d; above %d: 400 invalid)", MaxLimit, DefaultLimit, MaxLimit), "schema": obj{"type": "integer", "minimum": 1, "maximum": MaxLimit, "default": DefaultLimit}},
	"sort":         {"description": "the portfolio's order: name (default), commitment, bb, loans, availability, utilisation or next (deadline); ties by name", "schema": obj{"type": "string", "enum": app.PortfolioSorts}},
	"dir":          {"description": "asc (default) or desc", "schema": obj{"type": "string", "enum": []string{"asc", "desc"}}},
	"status":       {"description": "only the facilities with an event of default continuing (default), failing a covenant (covenant) or in overadvance (overadvance)", "schema": obj{"type": "string", "enum": app.PortfolioStatuses}},
	"source":       {"description": "where the imported values were taken from, cited by each (required), e.g. Federal Reserve H.15 via FRED (DPRIME)", "schema": str},
	"file":         {"description": "the file's name, for the errors and the record (default: the series' name with .csv)", "schema": str},
	"column":       {"description": "the value column's name, when the file has more than a date and a value column", "schema": str},
	"certificate":  {"description": "the certificate whose collections journal the bank's deposits are reconciled against (its id)", "schema": obj{"type": "integer", "format": "int64", "minimum": 1}},
	"page":         {"description": "the portfolio's page, from 1 (default 1), of limit rows: the next_page of the previous page (the portfolio is ordered by figures, so paged by number)", "schema": obj{"type": "integer", "minimum": 1}},
}

// errorResponses are the answers of the error statuses, with the codes
// each may carry (components.responses).
func errorResponses() obj {
	out := obj{}
	for _, st := range []int{400, 401, 403, 404, 409, 413, 415, 422, 429, 500} {
		codes := []string{}
		for c, s := range statusOf {
			if s == st {
				codes = append(codes, c)
			}
		}
		if st == http.StatusUnprocessableEntity {
			codes = append(codes, "invalid") // a request that decoded, refused by the rules
		}
		slices.Sort(codes)
		hdr := obj{"X-Request-ID": obj{"$ref": "#/components/headers/X-Request-ID"}}
		if st < 500 {
			// A refusal kept under an Idempotency-Key, answered again.
			hdr["Idempotent-Replayed"] = obj{"$ref": "#/components/headers/Idempotent-Replayed"}
		}
		switch st {
		case http.StatusTooManyRequests:
			hdr["Retry-After"] = obj{"$ref": "#/components/headers/Retry-After"}
		case http.StatusUnauthorized:
			hdr["WWW-Authenticate"] = obj{"$ref": "#/components/headers/WWW-Authenticate"}
		}
		out[errName(st)] = obj{"description": http.StatusText(st) + ": " + strings.Join(slices.Compact(codes), ", "),
			"headers": hdr, "content": obj{ProblemJSON: obj{"schema": ref("Error")}}}
	}
	return out
}

// License is the licence the OpenAPI document names.
var License = struct{ Name, URL string }{"Apache-2.0", "https://www.apache.org/licenses/LICENSE-2.0"}

// withHeaderLimit adds the answer the HTTP server itself gives to request
// headers over its limit (revolver serve: 64 KiB), before any route runs.
func withHeaderLimit(rs obj) obj {
	rs["RequestHeaderFieldsTooLarge"] = obj{"description": "the request's headers are larger than the server's limit (64 KiB for revolver serve): answered by the HTTP server before any route, in plain text",
		"content": obj{"text/plain": obj{"schema": obj{"type": "string"}}}}
	return rs
}

func errName(status int) string { return strings.ReplaceAll(http.StatusText(status), " ", "") }

func errResp(status int) obj { return obj{"$ref": "#/components/responses/" + errName(status)} }

func (s *Server) openAPI() (obj, error) { return openAPIDoc(s.routes) }

// openAPIDoc generates the document of the routes.
func openAPIDoc(routes []*Route) (obj, error) {
	g := newSchemaGen()
	paths := obj{}
	for _, rt := range routes {
		op, err := g.operation(rt)
		if err != nil {
			return nil, err
		}
		item, _ := paths[rt.Path].(obj)
		if item == nil {
			item = obj{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	// The error body is every route's.
	g.use("Error")
	for k := range routeDocs {
		m, p, _ := strings.Cut(k, " ")
		if !slices.ContainsFunc(routes, func(rt *Route) bool { return rt.Method == m && rt.Path == p }) {
			g.errs = append(g.errs, fmt.Errorf("routeDocs: %s is not a route", k))
		}
	}
	if err := g.err(); err != nil {
		return nil, err
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{"title": "revolver API", "version": "1",
			"description": "Asset-based revolving credit facilities. Amounts are decimal strings; dates are YYYY-MM-DD; errors are RFC 9457 problem details (application/problem+json) with a stable code; lists are paginated by key (limit, after, next_after).",
			"license":     obj{"name": License.Name, "url": License.URL},
			"contact":     obj{"name": "the operator of this server"}},
		"servers": []obj{{"url": "/", "description": "the server that serves this document"}},
		"tags":    tagList(routes),
		"paths":   paths,
		"components": obj{
			"schemas":   g.comps,
			"responses": withHeaderLimit(errorResponses()),
			"headers": obj{
				"X-Request-ID":        obj{"description": "the request's id (yours, if you sent a valid one)", "required": true, "schema": str},
				"Idempotent-Replayed": obj{"description": "true: the first answer given to this Idempotency-Key, again", "schema": obj{"type": "string", "enum": []string{"true"}}},
				"Retry-After":         obj{"description": "seconds to wait before trying again", "schema": obj{"type": "integer", "minimum": 1}},
				"ETag":                obj{"description": "a strong entity tag of this version of the answer (another for its gzip encoding)", "schema": str},
				"Last-Modified":       obj{"description": "when the resource last changed (HTTP date)", "schema": str},
				"Content-Disposition": obj{"description": "attachment; filename=… for a file answer (CSV, iCalendar)", "schema": str},
				"WWW-Authenticate":    obj{"required": true, "description": "the scheme to authenticate with: Bearer realm=\"revolver\" (a session cookie also serves)", "schema": str},
			},
			"parameters": obj{
				"X-Request-ID": obj{"name": "X-Request-ID", "in": "header", "required": false, "description": "an id for the request (1–64 of A-Z a-z 0-9 . _ : -), echoed in the answer", "schema": obj{"type": "string", "pattern": `^[A-Za-z0-9._:-]{1,64}$`}},
				"If-None-Match": obj{"name": "If-None-Match", "in": "header", "required": false, "schema": str,
					"description": "the ETag of a version you hold: 304 Not Modified if it is current"},
				"If-Modified-Since": obj{"name": "If-Modified-Since", "in": "header", "required": false, "schema": str,
					"description": "an HTTP date: 304 Not Modified if the resource has not changed since (without If-None-Match)"},
				"Idempotency-Key": obj{"name": "Idempotency-Key", "in": "header", "required": false, "schema": obj{"type": "string", "pattern": `^[\x21-\x7e]{1,200}$`},
					"description": "same key and body: the first answer again (header Idempotent-Replayed: true); other body: 422 idempotency_mismatch"},
			},
			"securitySchemes": obj{
				"bearer":  obj{"type": "http", "scheme": "bearer", "description": "API token from `revolver token create`"},
				"session": obj{"type": "apiKey", "in": "cookie", "name": sessionCookie, "description": "from POST /api/v1/session; unsafe methods also need X-CSRF-Token or form field csrf_token"},
			},
		},
		"security": []obj{{"bearer": []string{}}, {"session": []string{}}},
	}, nil
}

func (g *schemaGen) operation(rt *Route) (obj, error) {
	key := rt.Method + " " + rt.Path
	desc := rt.Summary
	if rt.Roles != nil {
		desc += ". Roles: " + strings.Join(rt.Roles, ", ")
	}
	op := obj{"summary": rt.Summary, "description": desc, "operationId": operationID(rt), "tags": []string{tagOf(rt.Path)}}
	params := []obj{{"$ref": "#/components/parameters/X-Request-ID"}}
	for _, m := range pathParamRe.FindAllStringSubmatch(rt.Path, -1) {
		p := obj{"name": m[1], "in": "path", "required": true, "schema": str}
		switch m[1] {
		case "slug":
			p["description"] = "the facility's slug"
		case "email":
			p["description"] = "the user's email"
		case "token":
			p["description"] = "the API token's SHA-256 (hex)"
		case "session":
			p["description"] = "the SHA-256 (hex) of the session's cookie"
		case "month":
			p["description"] = "the month, YYYY-MM"
			p["schema"] = obj{"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "example": "2006-11"}
		case "period_end":
			p["description"] = "the end of the covenant test period, YYYY-MM-DD"
			p["schema"] = obj{"type": "string", "format": "date", "example": "2006-07-02"}
		case "kind":
			p["description"] = "the kind of report: " + strings.Join(collateral.Kinds, ", ")
			p["schema"] = obj{"type": "string", "enum": collateral.Kinds}
		case "series":
			p["description"] = "the base-rate series: " + strings.Join(ledger.SeriesNames(), ", ")
			p["schema"] = obj{"type": "string", "enum": ledger.SeriesNames()}
		default:
			p["description"] = "the record's id"
		}
		params = append(params, p)
	}
	for _, q := range rt.Query {
		d, ok := queryDocs[q]
		if !ok {
			return nil, fmt.Errorf("httpapi: OpenAPI: %s: query parameter %q has no entry in queryDocs", key, q)
		}
		name := q
		if q == "after_slug" || q == "after_sha256" {
			name = "after"
		}
		p := obj{"name": name, "in": "query", "required": false}
		for k, v := range d {
			p[k] = v
		}
		params = append(params, p)
	}
	if rt.Mutating {
		params = append(params, obj{"$ref": "#/components/parameters/Idempotency-Key"})
	}
	if rt.Versioned {
		params = append(params, obj{"$ref": "#/components/parameters/If-None-Match"}, obj{"$ref": "#/components/parameters/If-Modified-Since"})
	}
	op["parameters"] = params
	if rt.Request != "" {
		if b, ok := bodies[rt.Request]; ok {
			g.comps[rt.Request] = b.schema
			op["requestBody"] = obj{"required": true, "content": obj{b.ctype: obj{"schema": ref(rt.Request)}}}
		} else {
			t, ok := g.use(rt.Request)
			if !ok {
				return nil, fmt.Errorf("httpapi: OpenAPI: %s: request %q has no Go type in schemaTypes", key, rt.Request)
			}
			rd, ok := requestDocs[t]
			if !ok {
				return nil, fmt.Errorf("httpapi: OpenAPI: %s: request %q (%s) has no entry in requestDocs", key, rt.Request, t)
			}
			content := obj{"application/json": obj{"schema": ref(rt.Request)}}
			if rt.Request == "SignIn" {
				content["application/x-www-form-urlencoded"] = obj{"schema": ref(rt.Request)}
			}
			op["requestBody"] = obj{"required": !rd.optional, "content": content}
		}
	}
	st := rt.Status
	if st == 0 {
		st = http.StatusOK
	}
	if rt.Response == "" {
		return nil, fmt.Errorf("httpapi: OpenAPI: %s declares no response type", key)
	}
	if _, ok := schemaTypes[rt.Response]; !ok {
		return nil, fmt.Errorf("httpapi: OpenAPI: %s: response %q has no Go type in schemaTypes", key, rt.Response)
	}
	if (st == http.StatusNoContent) != (rt.Response == "NoContent") {
		return nil, fmt.Errorf("httpapi: OpenAPI: %s: status %d with response %q (NoContent goes with 204 and only with it)", key, st, rt.Response)
	}
	hdr := obj{"X-Request-ID": obj{"$ref": "#/components/headers/X-Request-ID"}}
	if rt.Mutating {
		hdr["Idempotent-Replayed"] = obj{"$ref": "#/components/headers/Idempotent-Replayed"}
	}
	resp := obj{}
	if st == http.StatusNoContent {
		resp["204"] = obj{"description": "done", "headers": hdr}
	} else {
		g.use(rt.Response)
		content := obj{"application/json": obj{"schema": ref(rt.Response)}}
		if routeDocs[key].contentOnly {
			content = obj{}
		}
		for k, v := range routeDocs[key].content {
			content[k] = v
		}
		okHdr := clone(hdr)
		for k, v := range routeDocs[key].headers {
			okHdr[k] = v
		}
		if rt.Versioned {
			okHdr["ETag"] = obj{"$ref": "#/components/headers/ETag"}
			if rt.Path != "/api/v1/openapi.json" {
				okHdr["Last-Modified"] = obj{"$ref": "#/components/headers/Last-Modified"}
			}
			resp["304"] = obj{"description": "not modified: the version named by If-None-Match (or not changed since If-Modified-Since) is current", "headers": okHdr}
		}
		resp[strconv.Itoa(st)] = obj{"description": "success", "headers": okHdr, "content": content}
	}
	for k, v := range routeDocs[key].responses {
		r := clone(v.(obj))
		h := clone(hdr)
		if own, ok := r["headers"].(obj); ok {
			for k, x := range own {
				h[k] = x
			}
		}
		r["headers"] = h
		resp[k] = r
		if c, ok := r["content"].(obj); ok {
			if j, ok := c["application/json"].(obj); ok {
				if sr, ok := j["schema"].(obj); ok {
					if name, ok := strings.CutPrefix(fmt.Sprint(sr["$ref"]), "#/components/schemas/"); ok {
						g.use(name)
					}
				}
			}
		}
	}
	body := rt.Request != "" || rt.Mutating || rt.Method == http.MethodPost
	if len(rt.Query) > 0 || body {
		resp["400"] = errResp(400)
	}
	if !rt.Public || rt.Path == "/api/v1/session" && rt.Method == http.MethodPost {
		resp["401"] = errResp(401)
	}
	if !rt.Public {
		// A role refused, or a user whose password an administrator set
		// and who has not changed it yet (app.PasswordChangeRequired).
		resp["403"] = errResp(403)
	}
	if strings.Contains(rt.Path, "{") {
		resp["404"] = errResp(404)
	}
	if rt.Mutating {
		resp["409"] = errResp(409)
	}
	if body {
		resp["413"] = errResp(413)
	}
	if rt.Request != "" {
		resp["415"] = errResp(415)
	}
	if rt.Mutating || strings.Contains(rt.Path, "{slug}") {
		resp["422"] = errResp(422)
	}
	if rt.Path == "/api/v1/session" && rt.Method == http.MethodPost {
		resp["429"] = errResp(429)
	}
	resp["431"] = obj{"$ref": "#/components/responses/RequestHeaderFieldsTooLarge"}
	resp["500"] = errResp(500)
	op["responses"] = resp
	if rt.Public {
		op["security"] = []obj{}
	}
	return op, nil
}

func operationID(rt *Route) string {
	p, api := strings.CutPrefix(rt.Path, "/api/v1/")
	if !api {
		// Beside the API (/health, /ready).
		p = "service" + p
	}
	p = pathParamRe.ReplaceAllString(p, "by_$1")
	p = strings.NewReplacer("/", "_", "-", "_", ".", "_").Replace(p)
	return strings.ToLower(rt.Method) + "_" + p
}

// tags group the operations by the first segment of their path after
// /api/v1/ (after the facility for facility routes).
var tags = []struct {
	name, description string
	segments          []string
}{
	{"service", "Liveness and this document", []string{"health", "ready", "openapi.json"}},
	{"session", "Signing in and out, and who is signed in", []string{"session", "me"}},
	{"facilities", "Facilities, their terms, availability and loan account", []string{"facilities", "availability", "ledger", "interest", "statements"}},
	{"certificates", "Borrowing base certificates: submitted by the borrower, decided by a lender", []string{"borrowing-base-certificates"}},
	{"loans", "Advances (maker-checker above the threshold), repayments, and notices continuing or converting term-rate loans at the end of their interest periods", []string{"advances", "repayments", "loans", "loan-notices"}},
	{"covenants", "Financial statements, covenant tests and covenant results as reported", []string{"financial-statements", "covenants", "covenant-results"}},
	{"approvals", "Amendments waiting for a second lender, and requests to end events of default (cures, waivers, covenant results, restatements)", []string{"amendments", "approvals", "requests"}},
	{"defaults", "Deadlines, notices, events of default and remedies, and the fact records they rest on", []string{"events-of-default", "deadlines", "notices", "fact-records",
		"insurance-policies", "ucc-filings", "other-indebtedness", "occurrences"}},
	{"reserves", "Lender reserves: set by one lender with a reason, in force once a second approves, released by a new record; availability deducts them as known at the time asked", []string{"reserves"}},
	{"cash", "The bank's BAI2 files: imported once, verified whole, their deposits applied to the loans when swept (the rest remitted), returned items charged back, each explained; reconciled against the borrower's collections journal", []string{"cash-files", "cash-reconciliation"}},
	{"dominion", "Springing cash dominion and springing covenants: the trigger periods close of business records from each Business Day's excess availability, as known at the time asked", []string{"dominion-periods", "minimum-excess-availability"}},
	{"report-maps", "Saved column maps and layouts of the borrower's reports, one per kind (appended versions), and the preview of a report read with one before it is submitted", []string{"report-maps"}},
	{"trends", "The facility's collateral over time, certificate by certificate: receivables, ineligibles, aging buckets, concentration, dilution and DSO, and the aging migration between two certificates", []string{"trends", "aging-migration"}},
	{"risk-ratings", "Risk ratings on the bank's scale (1 to 10) and the watch list: appended entries, each with its reason, who set it and when", []string{"risk-ratings"}},
	{"field-exams", "Field exams: the schedule (the terms' frequency, the bank's setting or the 12-month default), exams scheduled and performed, findings and what each led to (a reserve, an advance-rate amendment previewed and asked for, a note)", []string{"field-exams", "field-exam-findings"}},
	{"letters-of-credit", "Letters of credit: issued within availability and the sublimit, drawn, reimbursed (in cash or by an advance) and expired", []string{"letters-of-credit"}},
	{"portfolio", "The facilities the caller may see with their figures, filtered, sorted and paged", []string{"portfolio"}},
	{"morning", "The lender's morning: the exceptions of the facilities the caller may see on the business date, what changed since it opened, and the caller's work queues", []string{"morning"}},
	{"audit", "The audit trail", []string{"audit"}},
	{"operations", "Close of business and the job queue that runs it (the bank's operations)", []string{"close-of-business", "jobs"}},
	{"rates", "Base-rate series and their values, each citing its source: recorded one by one or imported from central-bank CSV downloads", []string{"rates"}},
	{"users", "Users, their API tokens and sessions: disabling, revoking, ending (administrators)", []string{"users"}},
}

// tagOf is the tag of a path (its segment, if no tag lists it).
func tagOf(path string) string {
	p := strings.TrimPrefix(strings.TrimPrefix(path, "/api/v1"), "/")
	if rest, ok := strings.CutPrefix(p, "facilities/{slug}/"); ok {
		p = rest
	}
	seg, _, _ := strings.Cut(p, "/")
	for _, t := range tags {
		if slices.Contains(t.segments, seg) {
			return t.name
		}
	}
	return seg
}

// tagList lists the tags of the routes, in the order of tags.
func tagList(routes []*Route) []obj {
	used := map[string]bool{}
	for _, rt := range routes {
		used[tagOf(rt.Path)] = true
	}
	var out []obj
	for _, t := range tags {
		if used[t.name] {
			out = append(out, obj{"name": t.name, "description": t.description})
			delete(used, t.name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(used)) {
		out = append(out, obj{"name": name})
	}
	return out
}

func clone(o obj) obj {
	c := make(obj, len(o))
	for k, v := range o {
		c[k] = v
	}
	return c
}

// --- schemas from Go types ---

// schemaGen derives the components of the document from Go types.
type schemaGen struct {
	comps obj                     // components.schemas
	names map[reflect.Type]string // the component of each struct type
	taken map[string]bool
	errs  []error
}

var (
	typeTime          = reflect.TypeFor[time.Time]()
	typeRaw           = reflect.TypeFor[json.RawMessage]()
	typeAmount        = reflect.TypeFor[money.Amount]()
	typeDate          = reflect.TypeFor[date.Date]()
	typeRate          = reflect.TypeFor[money.Rate]()
	typeJSONMarshaler = reflect.TypeFor[json.Marshaler]()
	typeTextMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

var ownPkg = reflect.TypeFor[Route]().PkgPath()

func newSchemaGen() *schemaGen {
	g := &schemaGen{comps: obj{}, names: map[reflect.Type]string{}, taken: map[string]bool{}}
	// Types named by the route table keep those names.
	for name, v := range schemaTypes {
		t := reflect.TypeOf(v)
		if m, ok := marshalsAs[t]; ok {
			t = m
		}
		if other, dup := g.names[t]; dup {
			g.errs = append(g.errs, fmt.Errorf("schemaTypes: %s is named both %s and %s", t, name, other))
		}
		g.names[t] = name
		g.taken[name] = true
	}
	for t, doc := range fieldDocs {
		if t.Kind() != reflect.Struct {
			g.errs = append(g.errs, fmt.Errorf("fieldDocs: %s is not a struct", t))
			continue
		}
		for name := range doc {
			if !slices.ContainsFunc(jsonFields(t), func(f jsonField) bool { return f.name == name }) {
				g.errs = append(g.errs, fmt.Errorf("fieldDocs: %s has no JSON field %q", t, name))
			}
		}
	}
	return g
}

func (g *schemaGen) err() error {
	if len(g.errs) == 0 {
		return nil
	}
	msgs := make([]string, len(g.errs))
	for i, e := range g.errs {
		msgs[i] = e.Error()
	}
	slices.Sort(msgs)
	return fmt.Errorf("httpapi: OpenAPI: %s", strings.Join(slices.Compact(msgs), "; "))
}

// use makes the component of a name of schemaTypes.
func (g *schemaGen) use(name string) (reflect.Type, bool) {
	v, ok := schemaTypes[name]
	if !ok {
		return nil, false
	}
	t := reflect.TypeOf(v)
	if _, done := g.comps[name]; done {
		return t, true
	}
	s := g.schema(t)
	if _, isRef := s["$ref"]; !isRef {
		g.comps[name] = s
	}
	return t, true
}

// schema is the schema of the JSON encoding/json writes for a value of t.
func (g *schemaGen) schema(t reflect.Type) obj {
	if t.Kind() == reflect.Pointer {
		return g.schema(t.Elem())
	}
	if m, ok := marshalsAs[t]; ok {
		t = m
	}
	switch t {
	case typeAmount:
		return amount
	case typeDate:
		return dateStr
	case typeTime:
		return dateTime
	case typeRaw:
		return anyJSON
	case typeRate:
		return decimal
	}
	if e, ok := enums[t]; ok {
		return enum(e...)
	}
	if t.Implements(typeJSONMarshaler) || reflect.PointerTo(t).Implements(typeJSONMarshaler) {
		g.errs = append(g.errs, fmt.Errorf("%s writes its own JSON: name a type of the same form in marshalsAs", t))
		return obj{}
	}
	if t.Implements(typeTextMarshaler) {
		return str
	}
	if reflect.PointerTo(t).Implements(typeTextMarshaler) {
		g.errs = append(g.errs, fmt.Errorf("%s marshals as text only through a pointer", t))
		return obj{}
	}
	switch t.Kind() {
	case reflect.Interface:
		return anyJSON
	case reflect.Struct:
		return ref(g.component(t))
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return obj{"type": "string", "format": "byte"}
		}
		return obj{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Array:
		return obj{"type": "array", "items": g.schema(t.Elem()), "minItems": t.Len(), "maxItems": t.Len()}
	case reflect.Map:
		switch k := t.Key(); {
		case k.Kind() == reflect.String, k.Implements(typeTextMarshaler):
		case k.Kind() >= reflect.Int && k.Kind() <= reflect.Uint64:
		default:
			g.errs = append(g.errs, fmt.Errorf("%s: map keys of %s do not marshal", t, k))
		}
		return obj{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.String:
		return str
	case reflect.Bool:
		return obj{"type": "boolean"}
	case reflect.Int, reflect.Int64:
		return integer
	case reflect.Int8, reflect.Int16, reflect.Int32:
		return obj{"type": "integer", "format": "int32"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return obj{"type": "integer", "minimum": 0}
	case reflect.Float32, reflect.Float64:
		return obj{"type": "number"}
	}
	g.errs = append(g.errs, fmt.Errorf("%s: %s values do not marshal to JSON", t, t.Kind()))
	return obj{}
}

// component makes the component of a struct type and names it.
func (g *schemaGen) component(t reflect.Type) string {
	name, ok := g.names[t]
	if !ok {
		name = upperFirst(typeName(t))
		if g.taken[name] {
			name = upperFirst(pkgName(t)) + name
		}
		for i := 2; g.taken[name]; i++ {
			name = typeName(t) + strconv.Itoa(i)
		}
		g.names[t] = name
		g.taken[name] = true
	}
	if _, done := g.comps[name]; !done {
		g.comps[name] = obj{} // a type may contain itself
		g.comps[name] = g.structSchema(t)
	}
	return name
}

func (g *schemaGen) structSchema(t reflect.Type) obj {
	props := obj{}
	var required []string
	doc := fieldDocs[t]
	for _, f := range jsonFields(t) {
		s := g.schema(f.typ)
		if f.asString {
			s = str
		}
		switch f.typ.Kind() {
		case reflect.Pointer:
			// A nil pointer is written as null.
			if !f.omit && !f.asString {
				s = nullable(s)
			}
		case reflect.Slice, reflect.Map:
			// So is a nil slice or map, except in the answers the handlers
			// build here, which write [] and {} for nothing.
			if _, isRequest := requestDocs[t]; !f.omit && (t.PkgPath() != ownPkg || isRequest) {
				s = nullable(s)
			}
		}
		if d, ok := doc[f.name].(obj); ok {
			s = merge(s, d)
		}
		props[f.name] = s
		if !f.omit {
			required = append(required, f.name)
		}
	}
	if rd, isRequest := requestDocs[t]; isRequest {
		required = rd.required
		for _, r := range required {
			if props[r] == nil {
				g.errs = append(g.errs, fmt.Errorf("requestDocs: %s has no JSON field %q", t, r))
			}
		}
	}
	o := obj{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

// merge adds d to s; a $ref takes no siblings, so it goes into allOf.
func merge(s, d obj) obj {
	var o obj
	if _, isRef := s["$ref"]; isRef {
		o = obj{"allOf": []obj{s}}
	} else {
		o = clone(s)
	}
	for k, v := range d {
		o[k] = v
	}
	return o
}

func nullable(s obj) obj {
	_, typed := s["type"]
	if s["nullable"] == true || !typed && s["$ref"] == nil {
		// An untyped schema (any JSON value) cannot say "or null" in
		// OpenAPI 3.0.
		return s
	}
	if _, isRef := s["$ref"]; isRef {
		// A component is a struct's schema: an object.
		return obj{"type": "object", "allOf": []obj{s}, "nullable": true}
	}
	o := clone(s)
	o["nullable"] = true
	return o
}

// jsonField is a property of a struct as encoding/json writes it.
type jsonField struct {
	name     string
	typ      reflect.Type
	omit     bool // may be left out
	asString bool // the ",string" option
	depth    int
	tagged   bool
}

// jsonFields lists the properties encoding/json writes for a struct, with
// its rules: json tags, "-", embedded structs promoted, and of two fields of
// one name the shallower, then the tagged one (neither if that leaves a tie).
func jsonFields(t reflect.Type) []jsonField {
	var all []jsonField
	var walk func(t reflect.Type, depth int, viaPointer bool, seen map[reflect.Type]bool)
	walk = func(t reflect.Type, depth int, viaPointer bool, seen map[reflect.Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		defer delete(seen, t)
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if sf.Anonymous {
				ft := sf.Type
				ptr := ft.Kind() == reflect.Pointer
				if ptr {
					ft = ft.Elem()
				}
				if !sf.IsExported() && ft.Kind() != reflect.Struct {
					continue
				}
				if name == "" && ft.Kind() == reflect.Struct {
					walk(ft, depth+1, viaPointer || ptr, seen)
					continue
				}
			} else if !sf.IsExported() {
				continue
			}
			o := "," + opts + ","
			f := jsonField{name: name, typ: sf.Type, depth: depth, tagged: name != ""}
			if name == "" {
				f.name = sf.Name
			}
			f.omit = viaPointer || strings.Contains(o, ",omitzero,") || strings.Contains(o, ",omitempty,") && sf.Type.Kind() != reflect.Struct
			switch sf.Type.Kind() {
			case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
				reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64, reflect.String:
				f.asString = strings.Contains(o, ",string,")
			}
			all = append(all, f)
		}
	}
	walk(t, 0, false, map[reflect.Type]bool{})
	var out []jsonField
	for _, f := range all {
		dominant, tie := f, false
		for _, h := range all {
			if h.name != f.name || h == f {
				continue
			}
			switch {
			case h.depth < dominant.depth || h.depth == dominant.depth && h.tagged && !dominant.tagged:
				dominant, tie = h, false
			case h.depth == dominant.depth && h.tagged == dominant.tagged:
				tie = true
			}
		}
		if dominant == f && !tie {
			out = append(out, f)
		}
	}
	return out
}

// typeName is a component name for a type: its name, a generic one with its
// arguments (Term[money.Amount] → TermOfAmount).
func typeName(t reflect.Type) string {
	n := t.Name()
	base, args, ok := strings.Cut(n, "[")
	if !ok {
		return n
	}
	var b strings.Builder
	b.WriteString(base + "Of")
	for _, a := range strings.Split(strings.TrimSuffix(args, "]"), ",") {
		list := strings.Count(a, "[]")
		a = strings.ReplaceAll(a, "[]", "")
		if i := strings.LastIndexAny(a, "/."); i >= 0 {
			a = a[i+1:]
		}
		b.WriteString(upperFirst(a) + strings.Repeat("List", list))
	}
	return b.String()
}

func pkgName(t reflect.Type) string {
	p := t.PkgPath()
	return p[strings.LastIndex(p, "/")+1:]
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
