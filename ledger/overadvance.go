package ledger

import (
	"fmt"

	"revolver/date"
	"revolver/explain"
	"revolver/money"
)

// Causes of an overadvance: the limit the loans exceed.
const (
	CauseBorrowingBase   = "borrowing_base"    // the certificate in force (less exclusions) binds
	CauseAdvanceCap      = "advance_cap"       // the advance cap binds
	CauseCommitment      = "commitment"        // the commitment binds
	CauseLettersOfCredit = "letters_of_credit" // the loans fit the limit; the letters of credit take them over it
)

// Cure is what the terms say of curing loans above the limit: the days
// after the bank's notice (Security Agreement ¶13(h): thirty), or why they
// are unknown, and what an uncured overadvance becomes.
type Cure struct {
	Days    int          `json:"days,omitempty"`
	Known   bool         `json:"known"`
	Unknown string       `json:"unknown,omitempty"`
	Cite    explain.Cite `json:"cite,omitzero"`
	// EventOfDefault is the event of default the terms make of an
	// overadvance not cured in time ("" when they make none), with its
	// clause; Condition says when it applies.
	EventOfDefault     string       `json:"event_of_default,omitempty"`
	EventOfDefaultCite explain.Cite `json:"event_of_default_cite,omitzero"`
	Condition          string       `json:"condition,omitempty"`
}

// Overadvance is the state of loans above the limit on a date: how much,
// since when (the first day of the run of days above the limit that
// reaches the date), the limit exceeded, and the deadline to cure it —
// counted from the bank's notice when the terms give the days and a notice
// is recorded, else undetermined with the reason.
type Overadvance struct {
	Amount money.Amount `json:"amount"`
	AsOf   date.Date    `json:"as_of"`
	Since  date.Date    `json:"since"`
	Cause  string       `json:"cause"`
	// Detail says it in words: which limit, which certificate.
	Detail string    `json:"detail"`
	Notice date.Date `json:"notice,omitzero"`
	// CureBy is the deadline (0 when undetermined: CureUndetermined says
	// why).
	CureBy           date.Date `json:"cure_by,omitzero"`
	CureUndetermined string    `json:"cure_undetermined,omitempty"`
	Cure             Cure      `json:"cure_terms"`
	// EventOfDefault says whether it is, or becomes, an event of default
	// under the terms.
	EventOfDefault string `json:"event_of_default"`
}

// OveradvanceOf finds the overadvance on the last date of history: the
// availability on the change dates up to it, ascending (each figure holds
// from its date until the next). notice is the bank's notice of it (0: none
// recorded). It returns false when the loans are within the limit or the
// figure is undetermined.
func OveradvanceOf(history []Availability, notice date.Date, cure Cure) (Overadvance, bool) {
	if len(history) == 0 {
		return Overadvance{}, false
	}
	last := history[len(history)-1]
	if last.Overadvance() == 0 {
		return Overadvance{}, false
	}
	o := Overadvance{Amount: last.Overadvance(), AsOf: last.AsOf, Since: last.AsOf, Cure: cure}
	for i := len(history) - 1; i >= 0 && history[i].Overadvance() > 0; i-- {
		o.Since = history[i].AsOf
	}
	o.Cause = last.Binding
	if last.LettersOfCredit.Exposure > 0 && last.Limit-last.LoansOutstanding >= 0 {
		o.Cause = CauseLettersOfCredit
	}
	switch o.Cause {
	case CauseLettersOfCredit:
		o.Detail = fmt.Sprintf("loans of %s fit the limit of %s, but with letters of credit of %s they exceed it", last.LoansOutstanding.Grouped(), last.Limit.Grouped(), last.LettersOfCredit.Exposure.Grouped())
	case CauseBorrowingBase:
		o.Detail = fmt.Sprintf("loans and letters of credit of %s exceed the borrowing base of %s", (last.LoansOutstanding + last.LettersOfCredit.Exposure).Grouped(), last.CertificateBase.Grouped())
		if last.Certificate != nil {
			o.Detail += fmt.Sprintf(" (certificate %d as of %s", last.Certificate.ID, last.Certificate.AsOf)
			if last.Exclusions != 0 {
				o.Detail += ", less exclusions of " + last.Exclusions.Grouped()
			}
			o.Detail += ")"
		}
	default:
		o.Detail = fmt.Sprintf("loans and letters of credit of %s exceed the %s of %s", (last.LoansOutstanding + last.LettersOfCredit.Exposure).Grouped(), o.Cause, last.Limit.Grouped())
	}
	switch {
	case !cure.Known:
		o.CureUndetermined = "the cure period is not known: " + cure.Unknown
		if notice != 0 {
			o.Notice = notice
		}
	case notice == 0:
		o.CureUndetermined = fmt.Sprintf("the %d days to cure run from the bank's notice, and none is recorded", cure.Days)
	default:
		o.Notice, o.CureBy = notice, notice.AddDays(cure.Days)
	}
	if cure.EventOfDefault == "" {
		o.EventOfDefault = "not an event of default: the terms make none of it"
	} else {
		o.EventOfDefault = fmt.Sprintf("an event of default (%s, %s) only %s", cure.EventOfDefault, cure.EventOfDefaultCite, cure.Condition)
	}
	return o, true
}
