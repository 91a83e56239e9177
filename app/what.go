package app

import (
	"context"
	"strings"
)

// Op is what a use case that changes something is, for its audit record:
// the kind of thing it changes and the action done to it, as
// "kind/action" (e.g. "advance/request"). This file is the one home of
// these names. Each use case names itself (named) as it begins, so the
// record of its change says the same whichever surface asked for it — the
// API, the web pages, the command line or the demo's loading — and the
// surfaces say only who asked, through what (Actor.Via) and the request.
// A surface that refuses a change before its use case runs (bad input, a
// role refused) names the use case it would have run with the same Op
// (Refusal.Op), so that a refusal and a change of one use case are found
// under one kind.
type Op string

// Kind is the kind of thing the use case changes (the audit record's
// kind, by which the trail is filtered).
func (o Op) Kind() string {
	k, _, _ := strings.Cut(string(o), "/")
	return k
}

// Action is what the use case does to it (the audit record's action).
func (o Op) Action() string {
	_, a, _ := strings.Cut(string(o), "/")
	return a
}

// The use cases that change something, each by the name of its Service
// method (a use case whose action depends on its input has one per
// action).
const (
	// Sessions and accounts (SignIn, SignOut, AddUser, CreateToken), and
	// revoking access (DisableUser, EnableUser, RevokeToken, EndSessions).
	OpSignIn      Op = "session/sign_in"
	OpSignOut     Op = "session/sign_out"
	OpAddUser     Op = "user/add"
	OpCreateToken Op = "token/create"
	OpDisableUser Op = "user/disable"
	OpEnableUser  Op = "user/enable"
	OpRevokeToken Op = "token/revoke"
	OpEndSessions Op = "session/end"
	// ChangePassword (the user's own), ResetPassword (an administrator's)
	// and SetAccess (a user's role and facilities).
	OpChangePassword Op = "password/change"
	OpResetPassword  Op = "password/reset"
	OpSetAccess      Op = "user/set_access"

	// RegisterFacility.
	OpRegisterFacility Op = "facility/register"

	// CloseOfBusiness, RecordRate and ImportRates.
	OpCloseOfBusiness Op = "close_of_business/run"
	OpRecordRate      Op = "rate/record"
	OpImportRates     Op = "rate/import"

	// SubmitCertificate, DecideCertificate (approve or reject) and
	// WithdrawCertificate.
	OpSubmitCertificate   Op = "certificate/submit"
	OpApproveCertificate  Op = "certificate/approve"
	OpRejectCertificate   Op = "certificate/reject"
	OpWithdrawCertificate Op = "certificate/withdraw"

	// RequestAdvance, ApproveAdvance, RejectAdvance, CancelAdvance, and
	// Advance (the funding step without a person's request).
	OpRequestAdvance Op = "advance/request"
	OpApproveAdvance Op = "advance/approve"
	OpRejectAdvance  Op = "advance/reject"
	OpCancelAdvance  Op = "advance/cancel"
	OpAdvance        Op = "advance/fund"

	// GiveLoanNotice: a term-rate loan continued or converted at the end
	// of its interest period.
	OpLoanNotice Op = "loan_notice/give"

	// Repay (and Post of a repayment), Post of any other transaction,
	// Reverse, Collect, ReturnItem, ChargeFee, ChargeCost and
	// RecordOveradvance.
	OpRepay             Op = "repayment/record"
	OpPost              Op = "transaction/post"
	OpReverse           Op = "transaction/reverse"
	OpCollect           Op = "collection/record"
	OpReturnItem        Op = "returned_item/record"
	OpChargeFee         Op = "fee/charge"
	OpChargeCost        Op = "cost/charge"
	OpRecordOveradvance Op = "overadvance/record"

	// AddStatements (and AddStatementsAt).
	OpAddStatements Op = "financial_statement/submit"

	// RequestAmendment and DecidePending (approve or reject). The record
	// of a pending action takes the pending action's own kind (amendment,
	// event_of_default, waiver, repayment: store.AuditRecord.Describe), so
	// that its request and its decision are found under one kind.
	OpRequestAmendment Op = "amendment/request"
	OpApprovePending   Op = "approval/approve"
	OpRejectPending    Op = "approval/reject"

	// The facts the defaults engine reads: RecordNotice, ConfirmNotice,
	// RecordDefault, NoticeOfDefault, ElectDefaultInterest, DefaultAction (acceleration; a cure
	// is RequestCure), RequestCure, RequestWaiver, ApproveWaiver,
	// RecordPolicy, RecordFiling, RecordOtherDebt, RecordOccurrence,
	// RecordCovenantResult, and DecideRequest (approve or reject).
	OpRecordNotice         Op = "notice/record"
	OpConfirmNotice        Op = "notice/confirm"
	OpRecordDefault        Op = "event_of_default/record"
	OpNoticeOfDefault      Op = "event_of_default/notice"
	OpElectDefaultInterest Op = "event_of_default/default_interest"
	OpAccelerate           Op = "event_of_default/accelerate"
	OpRequestCure          Op = "cure/request"
	OpRequestWaiver        Op = "waiver/request"
	OpApproveWaiver        Op = "waiver/approve"
	OpRecordPolicy         Op = "insurance_policy/record"
	OpRecordFiling         Op = "ucc_filing/record"
	OpRecordOtherDebt      Op = "other_indebtedness/record"
	OpRecordOccurrence     Op = "occurrence/record"
	OpRecordCovenantResult Op = "covenant_result/record"
	OpApproveRequest       Op = "request/approve"
	OpRejectRequest        Op = "request/reject"

	// SetReserve, ApproveReserve and ReleaseReserve: lender reserves.
	OpSetReserve     Op = "reserve/set"
	OpApproveReserve Op = "reserve/approve"
	OpReleaseReserve Op = "reserve/release"

	// ImportCash: a BAI2 file imported and its cash applied.
	OpImportCash Op = "cash_file/import"
	// ImportBankCash: a bank's BAI2 file for many facilities imported and
	// each facility's cash applied, in one store transaction.
	OpImportBankCash Op = "cash_file/import_bank"
	// SetReportMap: a facility's column map and layout of a kind of report.
	OpSetReportMap Op = "report_map/set"
	// SetRiskRating: a facility's risk rating and watch list entry.
	OpSetRiskRating Op = "risk_rating/set"

	// LetterOfCredit: a letter of credit issued, drawn, reimbursed or
	// expired (one per action).
	OpIssueLetterOfCredit     Op = "letter_of_credit/issue"
	OpDrawLetterOfCredit      Op = "letter_of_credit/draw"
	OpReimburseLetterOfCredit Op = "letter_of_credit/reimburse"
	OpExpireLetterOfCredit    Op = "letter_of_credit/expire"

	// Field exams (docs/field-exams.md): an exam scheduled, performed, a
	// finding recorded, a finding disposed of.
	OpScheduleFieldExam Op = "field_exam/schedule"
	OpPerformFieldExam  Op = "field_exam/perform"
	OpFieldExamFinding  Op = "field_exam/finding"
	OpDisposeFinding    Op = "field_exam/dispose"
)

type opKey struct{}

// named returns ctx naming op as the use case running in it. A use case
// run by another (Repay posting through Post, ApproveWaiver deciding
// through DecideRequest) is recorded as the one the surface asked for: a
// name already in ctx is kept. The actor's AuditState, if any, learns the
// name, so that a surface recording the use case's refusal names it too.
func named(ctx context.Context, op Op) context.Context {
	if _, ok := ctx.Value(opKey{}).(Op); ok {
		return ctx
	}
	if a, ok := ActorFrom(ctx); ok && a.Audit != nil {
		a.Audit.Op = op
	}
	return context.WithValue(ctx, opKey{}, op)
}

// opOf is the use case ctx names ("" for none).
func opOf(ctx context.Context) Op {
	op, _ := ctx.Value(opKey{}).(Op)
	return op
}
