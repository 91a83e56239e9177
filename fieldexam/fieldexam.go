// Package fieldexam owns the rules of a facility's field exams
// (docs/field-exams.md): how often they are due (the terms' frequency, or
// the bank's policy when the terms are silent), when the next one is due,
// and the state of each exam and of the facility against its schedule.
// It is pure: the business date is an argument, nothing is read or stored.
package fieldexam

import (
	"fmt"

	"revolver/date"
)

// DefaultMonths is the bank's field exam frequency when neither the terms
// nor the facility's settings say one: a field exam every twelve months,
// the market's usual rhythm for a facility not under stress.
const DefaultMonths = 12

// MaxMonths bounds a frequency (ten years): anything longer is a typing
// error, not a policy.
const MaxMonths = 120

// DueSoonDays is how far ahead an exam counts as due soon (the morning's
// "due within 30 days").
const DueSoonDays = 30

// Sources of a frequency.
const (
	SourceTerms   = "terms"   // the agreement's field_exams.frequency_months
	SourceSetting = "setting" // the facility's setting field_exam_frequency_months (the bank's policy)
	SourceDefault = "default" // DefaultMonths
)

// Frequency is how often field exams are due and where that comes from
// (Cite: the clause, when the terms say it).
type Frequency struct {
	Months int    `json:"months"`
	Source string `json:"source"`
	Cite   string `json:"cite,omitempty"`
}

// FrequencyOf is the frequency in force: the terms' when they state one
// (the agreement binds both parties: it is what the borrower agreed to
// host, usually at its expense), else the bank's policy setting for the
// facility, else DefaultMonths. terms and setting are 0 when silent.
func FrequencyOf(terms int, cite string, setting int) Frequency {
	switch {
	case terms > 0:
		return Frequency{Months: terms, Source: SourceTerms, Cite: cite}
	case setting > 0:
		return Frequency{Months: setting, Source: SourceSetting}
	default:
		return Frequency{Months: DefaultMonths, Source: SourceDefault}
	}
}

// CheckMonths refuses a frequency outside 1 to MaxMonths, naming what.
func CheckMonths(what string, months int) error {
	if months < 1 || months > MaxMonths {
		return fmt.Errorf("%s: %d months; expected a whole number of months from 1 to %d", what, months, MaxMonths)
	}
	return nil
}

// NextDue is when the next field exam is due: the frequency after the
// last exam performed, or after since (the agreement's date) when none
// has been performed.
func NextDue(f Frequency, lastPerformed, since date.Date) date.Date {
	from := since
	if lastPerformed != 0 {
		from = lastPerformed
	}
	return from.AddMonths(f.Months)
}

// States of an exam.
const (
	Scheduled  = "scheduled"   // its fieldwork starts after the business date
	InProgress = "in_progress" // fieldwork started, no report issued yet
	Performed  = "performed"   // performed: its report issued
)

// ExamState is the state of an exam starting on start (its fieldwork),
// performed on performed (0: not yet), on the business date bd.
func ExamState(start, performed, bd date.Date) string {
	switch {
	case performed != 0 && performed <= bd:
		return Performed
	case start <= bd:
		return InProgress
	default:
		return Scheduled
	}
}

// Statuses of a facility against its field exam schedule.
const (
	StatusCurrent = "current"  // the next exam is due more than DueSoonDays ahead
	StatusDueSoon = "due_soon" // due within DueSoonDays
	StatusOverdue = "overdue"  // past due, no exam performed since
)

// Status is the facility's status on bd given the next exam's due date.
// An exam scheduled or in progress does not stop the facility from being
// overdue: only an exam performed (its report issued) moves the due date.
func Status(due, bd date.Date) string {
	switch {
	case bd > due:
		return StatusOverdue
	case due.Sub(bd) <= DueSoonDays:
		return StatusDueSoon
	default:
		return StatusCurrent
	}
}

// Severities of a finding, least first.
var Severities = []string{"low", "medium", "high"}

// Dispositions of a finding: a lender reserve, an advance-rate change
// (an amendment asked for, previewed first), or a note.
const (
	DisposeReserve     = "reserve"
	DisposeAdvanceRate = "advance_rate"
	DisposeNote        = "note"
)

// Dispositions lists the dispositions.
var Dispositions = []string{DisposeReserve, DisposeAdvanceRate, DisposeNote}
