package defaults

import (
	"fmt"
	"strings"

	"revolver/agreement"
	"revolver/date"
)

// RemedyStatus says whether a remedy of the bank is exercisable on the
// as-of date: Why lists the conditions met, Missing those not met.
type RemedyStatus struct {
	ID          string         `json:"id"`
	Label       string         `json:"label"`
	Exercisable bool           `json:"exercisable"`
	Conditions  []string       `json:"conditions"`
	Why         []string       `json:"why,omitempty"`
	Missing     []string       `json:"missing,omitempty"`
	Default     string         `json:"default,omitempty"` // the default relied on
	Cite        agreement.Cite `json:"cite"`
}

func (e *engine) remedies(defaults []Default, deadlines []Deadline) []RemedyStatus {
	var out []RemedyStatus
	for _, r := range e.t.Schedule.Remedies {
		out = append(out, e.remedy(r, defaults, deadlines))
	}
	return out
}

// eodConds are the conditions met per default.
func isEoDCond(c string) bool {
	return c == agreement.CondEventOfDefault || c == agreement.CondNotice || c == agreement.CondNotice72
}

func (e *engine) remedy(r agreement.Remedy, defaults []Default, deadlines []Deadline) RemedyStatus {
	st := RemedyStatus{ID: r.ID, Label: r.Label, Conditions: r.Conditions, Cite: r.Cite}
	needsEoD := false
	for _, c := range r.Conditions {
		if isEoDCond(c) {
			needsEoD = true
		}
	}
	if needsEoD {
		why, missing, def := e.eodConditions(r, defaults)
		st.Why = append(st.Why, why...)
		st.Missing = append(st.Missing, missing...)
		st.Default = def
	}
	for _, c := range r.Conditions {
		if isEoDCond(c) {
			continue
		}
		var ok bool
		var text string
		switch {
		case c == agreement.CondWrittenNotice:
			ok, text = e.writtenNotice(r)
		case c == agreement.CondInsuranceDeficient:
			def, why, known := e.insuranceDeficient()
			ok = def
			if !known {
				text = "insurance deficiency undetermined: " + why
			} else if def {
				text = "the Borrower has not evidenced the insurance required: " + why
			} else {
				text = "insurance evidenced: " + why
			}
		case strings.HasPrefix(c, agreement.CondOverduePrefix):
			id := strings.TrimPrefix(c, agreement.CondOverduePrefix)
			ok, text = overdue(id, deadlines)
		default:
			text = "unknown condition " + c
		}
		if ok {
			st.Why = append(st.Why, text)
		} else {
			st.Missing = append(st.Missing, text)
		}
	}
	st.Exercisable = len(st.Missing) == 0
	return st
}

// eodConditions checks the default-related conditions against each
// continuing default and keeps the first default meeting them all, or the
// one missing the fewest.
func (e *engine) eodConditions(r agreement.Remedy, defaults []Default) (why, missing []string, def string) {
	var bestMissing []string
	var bestWhy []string
	bestDef := ""
	first := true
	for _, d := range defaults {
		if !d.Continuing {
			continue
		}
		var w, m []string
		for _, c := range r.Conditions {
			switch c {
			case agreement.CondEventOfDefault:
				w = append(w, fmt.Sprintf("Event of Default %s (%s %s) occurred %s and is continuing", d.ID, d.Clause, d.Label, d.Occurred))
			case agreement.CondNotice:
				if d.Notice != nil {
					w = append(w, fmt.Sprintf("the Bank's notice %s of the default took effect %s", d.Notice.Notice, d.Notice.Effective))
				} else {
					m = append(m, "notice by the Bank to the Borrower of default "+d.ID)
				}
			case agreement.CondNotice72:
				switch {
				case d.Notice == nil:
					m = append(m, "the notice provided by §7.2 of the Loan Agreement of default "+d.ID)
				case d.Notice.Under != "§7.2":
					m = append(m, fmt.Sprintf("the notice %s of default %s is under %s, not §7.2", d.Notice.Notice, d.ID, d.Notice.Under))
				default:
					w = append(w, fmt.Sprintf("notice %s under §7.2 took effect %s", d.Notice.Notice, d.Notice.Effective))
				}
			}
		}
		if first || len(m) < len(bestMissing) {
			bestWhy, bestMissing, bestDef, first = w, m, d.ID, false
		}
		if len(m) == 0 {
			break
		}
	}
	if first {
		var m []string
		for _, c := range r.Conditions {
			switch c {
			case agreement.CondEventOfDefault:
				m = append(m, "an Event of Default occurred and continuing (none on "+e.asOf.String()+")")
			case agreement.CondNotice:
				m = append(m, "notice by the Bank to the Borrower of an Event of Default")
			case agreement.CondNotice72:
				m = append(m, "the notice provided by §7.2 of the Loan Agreement")
			}
		}
		return nil, m, ""
	}
	return bestWhy, bestMissing, bestDef
}

// writtenNotice: a notice with the remedy's subject from the lender,
// effective at least NoticeDays before the as-of date.
func (e *engine) writtenNotice(r agreement.Remedy) (bool, string) {
	if r.NoticeDays == nil || !r.NoticeDays.Known() {
		why := "not stated"
		if r.NoticeDays != nil {
			why = r.NoticeDays.Unknown
		}
		return false, "the notice period is unknown: " + why
	}
	days := r.NoticeDays.Value
	var best date.Date
	var bestID string
	var pending []string
	for _, n := range e.f.Notices {
		if n.Subject != r.NoticeSubject || !e.sentBy(n) || (n.From != "" && n.From != "lender") {
			continue
		}
		if d, ok := e.effectiveOn(n); ok {
			if best == 0 || d < best {
				best, bestID = d, n.ID
			}
		} else {
			eff := e.effects[n.ID]
			if eff.Effective {
				pending = append(pending, fmt.Sprintf("notice %s takes effect %s", n.ID, eff.Date))
			} else {
				pending = append(pending, fmt.Sprintf("notice %s: %s", n.ID, eff.Pending))
			}
		}
	}
	if best == 0 {
		s := fmt.Sprintf("%d days' written notice to the Borrower (%s): no %s notice effective", days, citeText(r.Cite), r.NoticeSubject)
		if len(pending) > 0 {
			s += " (" + strings.Join(pending, "; ") + ")"
		}
		return false, s
	}
	runs := best.AddDays(days)
	if e.asOf < runs {
		return false, fmt.Sprintf("%d days' written notice (%s): notice %s took effect %s; the period runs on %s", days, citeText(r.Cite), bestID, best, runs)
	}
	return true, fmt.Sprintf("%d days' written notice (%s): notice %s took effect %s, period ran on %s", days, citeText(r.Cite), bestID, best, runs)
}

func overdue(id string, deadlines []Deadline) (bool, string) {
	var first string
	for _, d := range deadlines {
		if d.Kind != KindObligation || !(d.ID == "obligation:"+id || strings.HasPrefix(d.ID, "obligation:"+id+":")) {
			continue
		}
		if d.Status == StatusOverdue {
			return true, fmt.Sprintf("%s is overdue since %s (%s)", d.Label, d.Due, citeText(d.Cite))
		}
		if first != "" {
			continue
		}
		switch d.Status {
		case StatusLate:
			first = fmt.Sprintf("%s was done late, on %s (due %s)", d.Label, d.Done, d.Due)
		case StatusUndetermined, StatusPending:
			first = fmt.Sprintf("%s is %s: %s", d.Label, d.Status, d.Reason)
		default:
			first = fmt.Sprintf("%s is %s (due %s)", d.Label, d.Status, d.Due)
		}
	}
	if first == "" {
		return false, "obligation " + id + ": no deadline on this date"
	}
	return false, first
}
