package defaults

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"revolver/agreement"
	"revolver/date"
)

func (e *engine) insurance() []Deadline {
	in := e.t.Schedule.Insurance
	if in == nil {
		return nil
	}
	if len(e.f.Policies) == 0 {
		return []Deadline{{ID: "insurance:evidence", Kind: KindInsuranceDef, Party: "borrower", Cite: in.Cite,
			Label: "Evidence of insurance on the Collateral", Status: StatusUndetermined,
			Reason: "no insurance policy recorded", Rule: e.insuranceRule()}}
	}
	var out []Deadline
	lead := 0
	if in.RenewalNoticeDays != nil && in.RenewalNoticeDays.Known() {
		lead = in.RenewalNoticeDays.Value
	}
	for _, p := range e.f.Policies {
		end := p.Expires
		rule := fmt.Sprintf("policy %s (%s) expires %s", p.ID, p.Insurer, p.Expires)
		if p.Cancelled != nil && *p.Cancelled < end {
			end = *p.Cancelled
			rule = fmt.Sprintf("policy %s (%s) cancelled as of %s", p.ID, p.Insurer, end)
		}
		d := Deadline{ID: "insurance:" + p.ID + ":renewal", Kind: KindInsurance, Party: "borrower", Ref: p.ID, Cite: in.Cite,
			Label: "Renew or replace insurance policy " + p.ID + " (" + p.Insurer + ")", Date: end, Due: end,
			Rule: rule + "; the Collateral must stay insured (" + citeText(in.Cite) + ")"}
		if lead > 0 {
			d.Opens = end.AddDays(-lead)
		}
		if q := e.renewalOf(p, end); q != nil {
			d.Done = q.Effective
			if q.Evidenced != nil && *q.Evidenced < d.Done {
				d.Done = *q.Evidenced
			}
			d.Rule += "; replaced by policy " + q.ID + " from " + q.Effective.String()
		}
		d.Status = status(e.asOf, d.Due, d.Done)
		out = append(out, d)

		if p.Effective > e.asOf {
			continue
		}
		ev := Deadline{ID: "insurance:" + p.ID + ":evidence", Kind: KindInsuranceDef, Party: "borrower", Ref: p.ID, Cite: in.Cite,
			Label: "Evidence of insurance policy " + p.ID + " to the Bank", Date: p.Effective, Due: p.Effective,
			Rule: "the Bank may buy cover and charge it to the loan account if the Borrower fails to evidence insurance (" + citeText(in.Cite) + ")"}
		if p.Evidenced != nil {
			ev.Done = *p.Evidenced
		}
		ev.Status = status(e.asOf, ev.Due, ev.Done)
		out = append(out, ev)
		if bad := e.policyDefects(p); len(bad) > 0 {
			out = append(out, Deadline{ID: "insurance:" + p.ID + ":terms", Kind: KindInsuranceDef, Party: "borrower", Ref: p.ID, Cite: in.Cite,
				Label: "Insurance policy " + p.ID + " does not meet the terms", Date: p.Effective, Due: p.Effective,
				Status: status(e.asOf, p.Effective, 0), Reason: strings.Join(bad, "; "), Rule: e.insuranceRule()})
		}
	}
	return out
}

func (e *engine) insuranceRule() string {
	in := e.t.Schedule.Insurance
	var parts []string
	if in.Covers.Known() {
		parts = append(parts, "policies on "+strings.Join(in.Covers.Value, ", "))
	}
	if in.LossPayee.Known() {
		if in.LossPayable != nil && in.LossPayable.Known() && in.LossPayable.Value == agreement.LossPayableAfterDefault {
			parts = append(parts, "payable to the "+in.LossPayee.Value+" for a loss after the occurrence and during the continuation of an Event of Default")
		} else {
			parts = append(parts, "payable to the "+in.LossPayee.Value)
		}
	}
	if in.CancellationNoticeDays.Known() {
		parts = append(parts, fmt.Sprintf("at least %d days' written notice of cancellation to the Bank", in.CancellationNoticeDays.Value))
	}
	return strings.Join(parts, ", ") + " (" + citeText(in.Cite) + ")"
}

// renewalOf finds a policy that continues p's cover from its end.
func (e *engine) renewalOf(p Policy, end date.Date) *Policy {
	var best *Policy
	for i := range e.f.Policies {
		q := &e.f.Policies[i]
		if q.ID == p.ID || q.Effective > end.AddDays(1) || q.Expires <= end || q.Effective > e.asOf && (q.Evidenced == nil || *q.Evidenced > e.asOf) {
			continue
		}
		if best == nil || q.Effective < best.Effective {
			best = q
		}
	}
	return best
}

func (e *engine) policyDefects(p Policy) []string {
	in := e.t.Schedule.Insurance
	var bad []string
	if in.LossPayee.Known() && p.LossPayee != in.LossPayee.Value {
		bad = append(bad, fmt.Sprintf("loss payee is %q, not the %s", p.LossPayee, in.LossPayee.Value))
	}
	if in.CancellationNoticeDays.Known() && p.CancellationNoticeDays < in.CancellationNoticeDays.Value {
		bad = append(bad, fmt.Sprintf("%d days' notice of cancellation, fewer than %d", p.CancellationNoticeDays, in.CancellationNoticeDays.Value))
	}
	if in.Covers.Known() && len(p.Covers) > 0 {
		for _, c := range in.Covers.Value {
			if !containsStr(p.Covers, c) {
				bad = append(bad, "does not cover "+c)
			}
		}
	}
	return bad
}

// insuranceDeficient says whether, on the as-of date, the borrower has not
// evidenced the insurance the terms require, and why (or why not).
func (e *engine) insuranceDeficient() (deficient bool, why string, known bool) {
	in := e.t.Schedule.Insurance
	if in == nil {
		return false, "the terms require no insurance", true
	}
	if len(e.f.Policies) == 0 {
		return false, "no insurance policy recorded", false
	}
	var inForce []Policy
	for _, p := range e.f.Policies {
		end := p.Expires
		if p.Cancelled != nil && *p.Cancelled < end {
			end = *p.Cancelled
		}
		if p.Effective <= e.asOf && e.asOf <= end {
			inForce = append(inForce, p)
		}
	}
	if len(inForce) == 0 {
		return true, "no recorded policy is in force on " + e.asOf.String(), true
	}
	var reasons []string
	for _, p := range inForce {
		bad := e.policyDefects(p)
		if p.Evidenced == nil || *p.Evidenced > e.asOf {
			bad = append(bad, "no evidence delivered to the Bank")
		}
		if len(bad) == 0 {
			return false, "policy " + p.ID + " is in force, evidenced and meets the terms", true
		}
		reasons = append(reasons, "policy "+p.ID+": "+strings.Join(bad, ", "))
	}
	return true, strings.Join(reasons, "; "), true
}

func (e *engine) ucc() []Deadline {
	var out []Deadline
	for _, f := range e.t.Schedule.Filings {
		var rec FilingRecord
		for _, r := range e.f.Filings {
			if r.Filing == f.ID {
				rec = r
			}
		}
		where := f.Jurisdiction.Value
		if !f.Jurisdiction.Known() {
			where = "jurisdiction unknown"
		}
		d := Deadline{ID: "ucc:" + f.ID + ":continuation", Kind: KindUCC, Party: "lender", Cite: f.Cite,
			Label: "Continuation of UCC financing statement " + f.ID + " (" + where + ")"}
		if f.Jurisdiction.Assumption != "" {
			d.Assumption = f.Jurisdiction.Assumption
		}
		filed, number := rec.Filed, rec.Number
		var missing []string
		if filed == 0 {
			if f.Filed.Known() {
				filed = f.Filed.Value
			} else {
				missing = append(missing, "filing date unknown: "+f.Filed.Unknown)
			}
		}
		if number == "" && f.Number.Known() {
			number = f.Number.Value
		}
		if !f.LapseYears.Known() {
			missing = append(missing, "lapse period unknown: "+f.LapseYears.Unknown)
		}
		if !f.ContinuationMonths.Known() {
			missing = append(missing, "continuation window unknown: "+f.ContinuationMonths.Unknown)
		}
		if len(missing) > 0 {
			d.Status, d.Reason = StatusUndetermined, strings.Join(missing, "; ")
			d.Rule = "a financing statement lapses five years after filing unless continued in the six months before lapse (UCC §9-515)"
			out = append(out, d)
			continue
		}
		years, months := f.LapseYears.Value, f.ContinuationMonths.Value
		lapse := filed.AddMonths(12 * years)
		rule := fmt.Sprintf("filed %s", filed)
		if number != "" {
			rule += " as no. " + number
		}
		rule += fmt.Sprintf("; effective %d years after filing, to %s (UCC §9-515(a))", years, lapse)
		cs := append([]date.Date(nil), rec.Continuations...)
		sort.Slice(cs, func(i, j int) bool { return cs[i] < cs[j] })
		for _, c := range cs {
			if c > e.asOf {
				continue
			}
			open := lapse.AddMonths(-months)
			if c >= open && c <= lapse {
				lapse = lapse.AddMonths(12 * years)
				rule += fmt.Sprintf("; continuation filed %s, within the window: effective to %s (UCC §9-515(e))", c, lapse)
			} else {
				rule += fmt.Sprintf("; continuation filed %s, outside the window %s..%s: no effect (UCC §9-515(d))", c, open, lapse)
			}
		}
		d.Opens = lapse.AddMonths(-months)
		d.Date, d.Due = lapse, lapse
		rule += fmt.Sprintf("; a continuation may be filed from %s to %s (%d months before lapse, UCC §9-515(d)); not moved for non-business days", d.Opens, lapse, months)
		d.Rule = rule
		switch {
		case e.asOf < d.Opens:
			d.Status = StatusComing
		case e.asOf <= d.Due:
			d.Status = StatusDue
		default:
			d.Status = StatusOverdue
			d.Reason = "lapsed after " + lapse.String() + ": the security interest is unperfected as to this filing"
		}
		out = append(out, d)
	}
	return out
}

func (e *engine) reports() []Deadline {
	var out []Deadline
	for _, r := range e.t.Reporting {
		d := Deadline{ID: "report:" + r.ID, Kind: KindReport, Party: "borrower", Cite: r.Cite, Label: "Deliver " + strings.ReplaceAll(r.ID, "_", " ")}
		var missing []string
		if !r.Frequency.Known() {
			missing = append(missing, "frequency unknown: "+r.Frequency.Unknown)
		}
		if !r.DaysAfter.Known() {
			missing = append(missing, "due date unknown: "+r.DaysAfter.Unknown)
		}
		step := map[string]int{"monthly": 1, "quarterly": 3, "annually": 12}[r.Frequency.Value]
		if r.Frequency.Known() && step == 0 {
			missing = append(missing, "frequency "+r.Frequency.Value+": revolver schedules monthly, quarterly and annual reports")
		}
		if len(missing) > 0 {
			d.Status, d.Reason = StatusUndetermined, strings.Join(missing, "; ")
			out = append(out, d)
			continue
		}
		days := r.DaysAfter.Value
		last := periodEndOnOrBefore(e.asOf, step)
		prev := periodEndOnOrBefore(last-1, step)
		next := (last + 1).AddMonths(step) - 1
		for _, p := range []date.Date{prev, last, next} {
			x := d
			x.ID = d.ID + ":" + p.String()
			x.Date = p.AddDays(days)
			x.Due = e.adjust(x.Date, e.s.Convention)
			if x.Due < e.t.Since {
				// Due before the agreement: not an obligation under it.
				continue
			}
			x.Rule = fmt.Sprintf("%s, %d days after the period ended %s (%s)%s", r.Frequency.Value, days, p, citeText(r.Cite), e.moved(x.Date, x.Due))
			if step != 1 {
				x.Assumption = "periods are calendar " + map[int]string{3: "quarters", 12: "years"}[step] + "; the terms name no fiscal calendar"
			}
			for _, ev := range e.f.Events {
				if ev.Kind == "report_delivered" && ev.Ref == r.ID && ev.For == p && ev.Date <= e.asOf && (x.Done == 0 || ev.Date < x.Done) {
					x.Done = ev.Date
				}
			}
			x.Status = status(e.asOf, x.Due, x.Done)
			if p == prev && (x.Status == StatusMet || x.Status == StatusLate) {
				continue
			}
			out = append(out, x)
		}
	}
	return out
}

// periodEndOnOrBefore is the last month end on or before d whose month is a
// multiple of step (1: every month, 3: March, June, ..., 12: December).
func periodEndOnOrBefore(d date.Date, step int) date.Date {
	y, m, _ := d.Civil()
	for {
		end := date.Of(y, m+1, 1) - 1
		if int(m)%step == 0 && end <= d {
			return end
		}
		m--
		if m == 0 {
			m, y = time.December, y-1
		}
	}
}
