package app

import (
	"context"
	"slices"
	"strings"

	"revolver/store"
)

// Action is something a person may do on a facility through a surface
// (the API, the web pages). The role matrix below says which roles may do
// each; the surfaces ask it before offering or carrying out an action, and
// the use cases ask it again with the Actor of the context, so that a
// surface forgetting the check cannot bypass it.
type Action string

// The actions of the role matrix.
const (
	// ActRead: see a facility — its pages and the API's reads.
	ActRead Action = "read"
	// ActSubmitCertificate: submit a borrowing base certificate's reports.
	ActSubmitCertificate Action = "submit_certificate"
	// ActDecideCertificate: approve or reject a submitted certificate.
	ActDecideCertificate Action = "decide_certificate"
	// ActWithdrawCertificate: withdraw a certificate not yet decided (the
	// borrower's; the lender rejects instead).
	ActWithdrawCertificate Action = "withdraw_certificate"
	// ActRequestAdvance: ask for an advance.
	ActRequestAdvance Action = "request_advance"
	// ActDecideAdvance: approve (and fund) or reject a requested advance.
	ActDecideAdvance Action = "decide_advance"
	// ActRecordRepayment: record a repayment of the loans.
	ActRecordRepayment Action = "record_repayment"
	// ActPostTransaction: post any other loan-account transaction (letters
	// of credit, fees, collections, reversals).
	ActPostTransaction Action = "post_transaction"
	// ActRecordStatements: submit quarterly financial statements.
	ActRecordStatements Action = "record_statements"
	// ActRecordDefault: record an event of default or ask to end one, and
	// record the facts the defaults engine reads (notices, events of
	// default and their notice, cure, acceleration and waivers, insurance
	// policies, UCC filings, other indebtedness, occurrences, covenant
	// results).
	ActRecordDefault Action = "record_default"
	// ActRequestAmendment: ask to add an amendment to the agreement.
	ActRequestAmendment Action = "request_amendment"
	// ActDecidePending: approve (and carry out) or reject an action that
	// waits for a second person (an amendment, or a request to end an event
	// of default: a cure, a waiver, a covenant result, restated statements).
	ActDecidePending Action = "decide_pending"
	// ActReadAudit: read the audit trail.
	ActReadAudit Action = "read_audit"
	// ActManageUsers: add, disable and enable users, change their role and
	// facilities, reset their password, create and revoke API tokens, list
	// and end a user's sessions.
	ActManageUsers Action = "manage_users"
	// ActCloseOfBusiness: run (or enqueue) close of business, and read the
	// jobs of the queue: the bank's operations.
	ActCloseOfBusiness Action = "close_of_business"
	// ActSetReserve: set or release a lender reserve (docs/reserves.md).
	ActSetReserve Action = "set_reserve"
	// ActDecideReserve: approve a lender reserve another lender set.
	ActDecideReserve Action = "decide_reserve"
	// ActImportCash: import the bank's BAI2 files and apply their cash.
	ActImportCash Action = "import_cash"
	// ActNotifications: read one's own inbox and choose which events one
	// receives and how (docs/notifications.md).
	ActNotifications Action = "notifications"
	// ActManageWebhooks: register and remove webhooks, and read the
	// delivery log.
	ActManageWebhooks Action = "manage_webhooks"
	// ActSetReportMap: set a facility's column map and layout of a kind of
	// report (docs/reports.md): the borrower's controller, or a lender.
	ActSetReportMap Action = "set_report_map"
	// ActChangePassword: change one's own password.
	ActChangePassword Action = "change_password"
	// ActRateRisk: set a facility's risk rating and whether it is on the
	// watch list (the lender's officers).
	ActRateRisk Action = "rate_risk"
	// ActFieldExam: schedule field exams, record them performed, record
	// their findings and dispose of them (a reserve also needs
	// ActSetReserve, an advance-rate change ActRequestAmendment).
	ActFieldExam Action = "field_exam"
)

var (
	everyRole = store.Roles
	makers    = []string{store.RoleLenderAdmin, store.RoleLenderOfficer, store.RoleBorrower}
	deciders  = []string{store.RoleLenderAdmin, store.RoleLenderOfficer}
	auditors  = []string{store.RoleLenderAdmin, store.RoleAuditor}
)

// roleMatrix is the role matrix: the roles that may do each action. The
// lender's analysts read; officers and administrators decide; the
// borrower prepares and asks; auditors read the trail. A borrower acts
// only on the facilities granted to them (SeesFacility).
var roleMatrix = map[Action][]string{
	ActRead:                everyRole,
	ActSubmitCertificate:   makers,
	ActDecideCertificate:   deciders,
	ActWithdrawCertificate: []string{store.RoleBorrower},
	ActRequestAdvance:      makers,
	ActDecideAdvance:       deciders,
	ActRecordRepayment:     makers,
	ActPostTransaction:     deciders,
	ActRecordStatements:    makers,
	ActRecordDefault:       deciders,
	ActRequestAmendment:    deciders,
	ActDecidePending:       deciders,
	ActReadAudit:           auditors,
	ActManageUsers:         []string{store.RoleLenderAdmin},
	ActCloseOfBusiness:     []string{store.RoleLenderAdmin},
	ActSetReserve:          deciders,
	ActDecideReserve:       deciders,
	ActImportCash:          deciders,
	ActNotifications:       everyRole,
	ActManageWebhooks:      []string{store.RoleLenderAdmin},
	ActSetReportMap:        makers,
	ActRateRisk:            deciders,
	ActFieldExam:           deciders,
	ActChangePassword:      everyRole,
}

// Actions lists the actions of the role matrix.
func Actions() []Action {
	out := make([]Action, 0, len(roleMatrix))
	for a := range roleMatrix {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// Roles returns the roles that may do a (none for an unknown action).
func Roles(a Action) []string { return slices.Clone(roleMatrix[a]) }

// Allowed reports whether role may do a.
func Allowed(role string, a Action) bool { return slices.Contains(roleMatrix[a], role) }

// SeesEveryFacility reports whether role sees every facility: the lender's
// roles and auditors do; a borrower sees only the facilities granted.
func SeesEveryFacility(role string) bool {
	return role != store.RoleBorrower && slices.Contains(store.Roles, role)
}

// SeesFacility reports whether a user of role, granted facilities, may see
// facility.
func SeesFacility(role string, facilities []string, facility string) bool {
	if role == store.RoleBorrower {
		return slices.Contains(facilities, facility)
	}
	return SeesEveryFacility(role)
}

// May reports whether u may do a on facility ("" for an action on no
// facility, such as reading the audit trail).
func May(u store.User, a Action, facility string) bool {
	return Allowed(u.Role, a) && (facility == "" || SeesFacility(u.Role, u.Facilities, facility))
}

// authorize checks that the actor of ctx may do a on facility: a person
// (an actor with a user id or a role) whose role may not is refused
// (forbidden), and a facility they may not see is not found, as if it did
// not exist. The command line (an actor with neither) and the program
// itself (no actor: the demo's loading, tests) are not persons and are not
// checked here.
func authorize(ctx context.Context, a Action, facility string) error {
	act, ok := ActorFrom(ctx)
	if !ok || act.UserID == 0 && act.Role == "" || ctx.Value(authorizedKey{}) != nil {
		return nil
	}
	if facility != "" && !SeesFacility(act.Role, act.Facilities, facility) {
		return store.Errorf(store.CodeNotFound, "facility %q not found", facility)
	}
	if !Allowed(act.Role, a) {
		return store.Errorf(store.CodeForbidden, "%s (role %q) may not %s: only %s may",
			act.User, act.Role, strings.ReplaceAll(string(a), "_", " "), strings.Join(roleMatrix[a], ", "))
	}
	return nil
}

// Authorize checks that the actor of ctx may do a on facility, as the use
// cases do (authorize): for a surface that hands the work to another
// process (a queued job) and must refuse it before it is queued.
func Authorize(ctx context.Context, a Action, facility string) error {
	return authorize(ctx, a, facility)
}

type authorizedKey struct{}

// partOf marks ctx as carrying out part of a use case its actor was
// allowed (the covenant tests recorded with the statements submitted), so
// the use cases it calls do not check the actor's role again.
func partOf(ctx context.Context) context.Context {
	return context.WithValue(ctx, authorizedKey{}, true)
}

// requester is who asks for a use case: the person of the context's actor
// when there is one, so that a surface cannot record someone else as the
// maker or the checker; else by (the command line and the demo's loading
// name whom they record).
func requester(ctx context.Context, by string) string {
	if a, ok := ActorFrom(ctx); ok && (a.UserID != 0 || a.Role != "") {
		return a.User
	}
	return by
}
