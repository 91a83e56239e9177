// Package defaults owns what the security documents make happen over time:
// when a notice takes effect, which obligations are due, overdue or coming on
// a date, the events of default with their lifecycle (occurred, notice given,
// continuing, cured, waived, accelerated) and which of the bank's remedies are
// exercisable on a date and why.
//
// It is pure: the terms (agreement.Terms as of the date), the recorded facts
// (Facts: notices sent, events, insurance policies, UCC filing records,
// covenant results, other indebtedness, default records and lender actions)
// and the as-of date go in; plain data comes out, every item with its clause
// and the rule that produced it. No clock, no I/O: the facility's time zone is
// an argument (the caller loads it).
//
// Notices (Security Agreement ¶21): a fax is effective on receipt of
// confirmation of good transmission and needs a copy by overnight courier,
// which is tracked as a deadline; an overnight courier notice is effective on
// the Business Day after deposit. Deadlines count from the effective date,
// which is always a Business Day on or after the sending date: a fax confirmed
// on a day that is not a Business Day counts from the next Business Day (an
// assumption the result states, since ¶21 is silent).
//
// Deadlines count calendar days. A date an obligation must be met by is moved
// by the facility's business-day convention: forward (the convention) for
// things due after a trigger, backward (preceding) for notice that must be
// given before an act. UCC periods are not moved.
package defaults
