package app

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/fieldexam"
	"revolver/store"
)

// Kinds of the morning's exceptions, changes and queue items
// (Exception.Kind).
const (
	ExAwaitingReview   = "awaiting_review"   // a certificate submitted, not yet decided
	ExReportLate       = "report_late"       // a report of the reporting terms overdue
	ExCertificateStale = "certificate_stale" // the latest certificate's aging is stale
	ExOveradvance      = "overadvance"
	ExCovenantFail     = "covenant_fail"
	ExCovenantWaived   = "covenant_waived"
	ExDefault          = "default" // an event of default continuing
	ExDeadlineDue      = "deadline_due"
	ExDeadlineOverdue  = "deadline_overdue"
	ExDominion         = "dominion" // a dominion period in effect
	ExDataQuality      = "data_quality"
	ExUnread           = "unread"     // the facility's figures could not be read
	ExWatch            = "watch"      // on the watch list (its risk rating in force)
	ExFieldExam        = "field_exam" // a field exam overdue or due within fieldexam.DueSoonDays

	ChCertificateSubmitted = "certificate_submitted"
	ChCertificateDecided   = "certificate_decided"
	ChDominionStarted      = "dominion_started"
	ChDominionEnded        = "dominion_ended"
	ChDefaultRecorded      = "default_recorded"
	ChApprovalRequested    = "approval_requested"

	QReview   = "review"   // a certificate to decide
	QApproval = "approval" // an action waiting for a second person
	QNotice   = "notice"   // a notice the lender has to send
)

// Exception is one line of the morning: what kind, of which facility,
// why (in words, with the figures) and where to act on it (a path of the
// web pages). Since is when it began where known; Days the business days
// since then (awaiting review); Waived a covenant failure waived.
type Exception struct {
	Kind         string    `json:"kind"`
	Facility     string    `json:"facility"`
	FacilityName string    `json:"facility_name"`
	Reason       string    `json:"reason"`
	Link         string    `json:"link"`
	Since        date.Date `json:"since,omitempty"`
	Days         int       `json:"days,omitempty"`
	Waived       bool      `json:"waived,omitempty"`
	// At is when a change was recorded (changes only).
	At time.Time `json:"at,omitzero"`
}

// Queues are the work waiting for the signed-in lender user: the
// certificates they may decide, the actions waiting for a second person
// other than the one who asked (maker-checker), and the notices to send.
type Queues struct {
	Reviews   []Exception `json:"reviews"`
	Approvals []Exception `json:"approvals"`
	Notices   []Exception `json:"notices"`
}

// Morning is the lender's morning on the business date: the exceptions
// of every facility the user sees, what changed since the previous
// business date ended (records made after Since) and the user's queues.
type Morning struct {
	BusinessDate date.Date `json:"business_date"`
	// KnownAt: the facts are those known then (every record so far when
	// asked with none).
	KnownAt    time.Time   `json:"known_at"`
	Since      time.Time   `json:"since"`
	User       string      `json:"user,omitempty"`
	Facilities int         `json:"facilities"`
	Exceptions []Exception `json:"exceptions"`
	Changes    []Exception `json:"changes"`
	Queues     Queues      `json:"queues"`
}

// ExceptionKinds orders the kinds as the morning groups them.
var ExceptionKinds = []string{ExWatch, ExDefault, ExOveradvance, ExCovenantFail, ExReportLate, ExDeadlineOverdue,
	ExAwaitingReview, ExFieldExam, ExDominion, ExDeadlineDue, ExCertificateStale, ExDataQuality, ExCovenantWaived, ExUnread}

// Morning answers the lender's morning on the business date as known at
// knownAt (zero: as known at the end of the business date, the
// portfolio's rule). Each facility's figures are its Summary (the
// portfolio's and the facility page's): availability and overadvance,
// covenant status, events of default and deadlines; dominion periods are
// DominionPeriods'; certificates and their warnings those stored.
func (s *Service) Morning(ctx context.Context, knownAt time.Time) (Morning, error) {
	if err := authorize(ctx, ActRead, ""); err != nil {
		return Morning{}, err
	}
	bd, err := s.BusinessDate(ctx)
	if err != nil {
		return Morning{}, err
	}
	if knownAt.IsZero() {
		if knownAt, err = s.KnownAtEndOf(ctx, bd); err != nil {
			return Morning{}, err
		}
	}
	m := Morning{BusinessDate: bd, KnownAt: knownAt, Exceptions: []Exception{}, Changes: []Exception{}}
	if knownAt.IsZero() || knownAt.Equal(store.Everything) {
		m.KnownAt = s.now() // shown: every record so far
	}
	m.Queues = Queues{Reviews: []Exception{}, Approvals: []Exception{}, Notices: []Exception{}}
	// Since: when the business date was opened (the previous one ended);
	// before any was opened, the start of the date in UTC.
	m.Since = bd.Time()
	if b, err := s.Store.BusinessDate(ctx); err == nil && b.Date == bd && !b.RecordedAt.IsZero() {
		m.Since = b.RecordedAt
	} else if err != nil && store.ErrorCode(err) != store.CodeNotFound {
		return Morning{}, err
	}
	actor, _ := ActorFrom(ctx)
	m.User = actor.User
	fs, err := s.Store.Facilities(ctx)
	if err != nil {
		return Morning{}, err
	}
	sort.Slice(fs, func(i, j int) bool { return strings.ToLower(fs[i].Name) < strings.ToLower(fs[j].Name) })
	for _, f := range fs {
		if authorize(ctx, ActRead, f.Slug) != nil {
			continue
		}
		m.Facilities++
		if err := s.morningOf(ctx, &m, actor, f, knownAt); err != nil {
			return Morning{}, err
		}
	}
	rank := map[string]int{}
	for i, k := range ExceptionKinds {
		rank[k] = i
	}
	sort.SliceStable(m.Exceptions, func(i, j int) bool { return rank[m.Exceptions[i].Kind] < rank[m.Exceptions[j].Kind] })
	sort.SliceStable(m.Changes, func(i, j int) bool { return m.Changes[i].At.Before(m.Changes[j].At) })
	return m, nil
}

// morningOf adds one facility's exceptions, changes and queue items.
func (s *Service) morningOf(ctx context.Context, m *Morning, actor Actor, f store.Facility, knownAt time.Time) error {
	bd := m.BusinessDate
	page := "/facilities/" + f.Slug
	ex := func(kind, reason, link string) *Exception {
		m.Exceptions = append(m.Exceptions, Exception{Kind: kind, Facility: f.Slug, FacilityName: f.Name, Reason: reason, Link: link})
		return &m.Exceptions[len(m.Exceptions)-1]
	}
	change := func(kind, reason, link string, at time.Time) {
		m.Changes = append(m.Changes, Exception{Kind: kind, Facility: f.Slug, FacilityName: f.Name, Reason: reason, Link: link, At: at})
	}
	queue := func(q *[]Exception, kind, reason, link string, since date.Date) {
		*q = append(*q, Exception{Kind: kind, Facility: f.Slug, FacilityName: f.Name, Reason: reason, Link: link, Since: since})
	}
	// seen: the records known at knownAt (zero: every one, as of now).
	seenBy := knownAt
	if seenBy.IsZero() || seenBy.Equal(store.Everything) {
		seenBy = s.now()
	}
	changed := func(at time.Time) bool { return at.After(m.Since) && !at.After(seenBy) }

	rs, err := s.Store.RiskRatings(ctx, f.Slug)
	if err != nil {
		return err
	}
	if r, ok := store.RiskRatingAt(rs, seenBy); ok && r.Watch {
		e := ex(ExWatch, fmt.Sprintf("on the watch list, risk rating %d of %d: %s (set by %s)", r.Rating, store.RiskRatingWorst, r.Reason, r.SetBy), page+"#risk")
		e.Since = date.FromTime(r.SetAt.UTC())
	}
	sm := s.Summary(ctx, f, bd, knownAt, false)
	switch {
	case sm.TermsErr != "":
		ex(ExUnread, "terms not read: "+sm.TermsErr, page+"/terms")
		return nil
	case sm.AvailErr != "":
		ex(ExUnread, "availability not computed: "+sm.AvailErr, page)
	case sm.Avail.Overadvance != nil:
		o := sm.Avail.Overadvance
		e := ex(ExOveradvance, fmt.Sprintf("loans %s exceed the limit %s by %s", sm.Avail.LoansOutstanding.Grouped(), sm.Avail.Limit.Grouped(), o.Amount.Grouped()), page+"/loans")
		e.Since = o.Since
	}
	switch sm.Covenant {
	case covenant.Fail:
		e := ex(ExCovenantFail, "a covenant test of the period ended "+sm.CovPeriod.String()+" fails, not waived", page+"/covenants")
		e.Since = sm.CovPeriod
	case CovenantWaived:
		e := ex(ExCovenantWaived, "the covenant failure of the period ended "+sm.CovPeriod.String()+" is waived", page+"/covenants")
		e.Since, e.Waived = sm.CovPeriod, true
	}
	if sm.ReportErr != "" {
		ex(ExUnread, "events of default and deadlines not evaluated: "+sm.ReportErr, page+"/calendar")
	}
	for _, d := range sm.Defaults {
		e := ex(ExDefault, d.Label+": "+d.Why, page)
		e.Since = d.Occurred
		if d.Notice == nil && decides(actor.Role) {
			queue(&m.Queues.Notices, QNotice, "notice of default to send: "+d.Label+" (occurred "+d.Occurred.String()+")", page, d.Occurred)
		}
		if changed(d.RecordedAt) {
			change(ChDefaultRecorded, "event of default recorded: "+d.Label, page, d.RecordedAt)
		}
		for _, r := range d.Pending {
			if r.RequestedBy != actor.User && decides(actor.Role) {
				queue(&m.Queues.Approvals, QApproval, r.Kind+" of "+d.Label+" requested by "+r.RequestedBy, page, date.FromTime(r.RequestedAt.UTC()))
			}
		}
	}
	for _, d := range sm.Next {
		kind := ""
		switch d.Status {
		case defaults.StatusOverdue:
			kind = ExDeadlineOverdue
			if d.Kind == defaults.KindReport {
				kind = ExReportLate
			}
		case defaults.StatusDue:
			kind = ExDeadlineDue
		default:
			continue
		}
		e := ex(kind, d.Label+" due "+d.Due.String()+" ("+d.Rule+")", page+"/calendar")
		e.Since = d.Due
		if d.Party == "lender" && d.Kind == defaults.KindNoticeCopy && decides(actor.Role) {
			queue(&m.Queues.Notices, QNotice, d.Label+" due "+d.Due.String(), page+"/calendar", d.Due)
		}
	}
	if err := s.morningFieldExam(ctx, f, knownAt, seenBy, bd, ex); err != nil {
		ex(ExUnread, "field exams not read: "+err.Error(), page+"/field-exams")
	}
	ps, err := s.DominionPeriods(ctx, f.Slug, knownAt)
	if err != nil {
		ex(ExUnread, "dominion periods not read: "+err.Error(), page+"/cash")
	}
	for _, p := range ps {
		what := "cash dominion period"
		if p.Kind != DominionCash {
			what = "covenant trigger period (" + p.Covenant + ")"
		}
		if p.Start <= bd && (p.End == nil || *p.End >= bd) {
			e := ex(ExDominion, what+" in effect since "+p.Start.String()+": "+p.Reason, page+"/cash")
			e.Since = p.Start
		}
		if changed(p.RecordedAt) {
			change(ChDominionStarted, what+" started "+p.Start.String(), page+"/cash", p.RecordedAt)
		}
		if p.EndRecordedAt != nil && changed(*p.EndRecordedAt) {
			change(ChDominionEnded, what+" ended: "+p.EndReason, page+"/cash", *p.EndRecordedAt)
		}
	}
	cs, err := s.Store.Certificates(ctx, f.Slug)
	if err != nil {
		return err
	}
	var cal *defaults.Setup
	if st, err := defaults.SetupOf(sm.Terms); err == nil {
		cal = &st
	}
	var latest *store.Certificate
	for i := range cs {
		c := &cs[i]
		if c.SubmittedAt.IsZero() || c.SubmittedAt.After(seenBy) {
			continue
		}
		link := fmt.Sprintf("%s/certificates/%d", page, c.ID)
		if latest == nil || c.AsOf > latest.AsOf || c.AsOf == latest.AsOf && c.ID > latest.ID {
			latest = c
		}
		if changed(c.SubmittedAt) {
			change(ChCertificateSubmitted, fmt.Sprintf("certificate %d as of %s submitted by %s", c.ID, c.AsOf, c.SubmittedBy), link, c.SubmittedAt)
		}
		decided := !c.DecidedAt.IsZero() && !c.DecidedAt.After(seenBy)
		if decided && changed(c.DecidedAt) {
			change(ChCertificateDecided, fmt.Sprintf("certificate %d as of %s %s by %s", c.ID, c.AsOf, c.Status, c.Reviewer), link, c.DecidedAt)
		}
		if decided {
			continue
		}
		since := date.FromTime(c.SubmittedAt.UTC())
		days := 0
		if cal != nil {
			days = cal.Calendar.BusinessDaysBetween(since, bd)
		}
		e := ex(ExAwaitingReview, fmt.Sprintf("certificate %d as of %s, borrowing base %s, submitted %s by %s: %d business days awaiting review",
			c.ID, c.AsOf, c.BorrowingBase.Grouped(), since, c.SubmittedBy, days), link)
		e.Since, e.Days = since, days
		if authorize(ctx, ActDecideCertificate, f.Slug) == nil && c.SubmittedBy != actor.User {
			queue(&m.Queues.Reviews, QReview, e.Reason, link, since)
			m.Queues.Reviews[len(m.Queues.Reviews)-1].Days = days
		}
	}
	if latest != nil {
		link := fmt.Sprintf("%s/certificates/%d", page, latest.ID)
		for _, w := range latest.Warnings {
			kind := ExDataQuality
			if w.Code == WarnStaleAging {
				kind = ExCertificateStale
			}
			e := ex(kind, fmt.Sprintf("certificate %d as of %s: %s", latest.ID, latest.AsOf, w.Message), link)
			e.Since = latest.AsOf
		}
	}
	acc, err := accounts(s.Store)
	if err != nil {
		return nil // a store without accounts keeps no pending actions
	}
	pend, err := acc.PendingList(ctx, f.Slug)
	if err != nil {
		return err
	}
	for _, p := range pend {
		if p.Status != store.PendingRequested || p.RequestedAt.After(seenBy) {
			continue
		}
		if changed(p.RequestedAt) {
			change(ChApprovalRequested, p.Kind+" requested by "+p.RequestedBy, page, p.RequestedAt)
		}
		if p.RequestedBy != actor.User && authorize(ctx, ActDecidePending, f.Slug) == nil {
			queue(&m.Queues.Approvals, QApproval, fmt.Sprintf("%s %d requested by %s", p.Kind, p.ID, p.RequestedBy), page, date.FromTime(p.RequestedAt.UTC()))
		}
	}
	return nil
}

// decides reports whether a role decides (the lender's officers and
// administrators); a command line actor (no role) does.
func decides(role string) bool {
	return role == "" || role == store.RoleLenderAdmin || role == store.RoleLenderOfficer
}

// morningFieldExam adds the facility's field exam exception: the next
// exam overdue, or due within fieldexam.DueSoonDays (FieldExamsOf's
// schedule).
func (s *Service) morningFieldExam(ctx context.Context, f store.Facility, knownAt, seenBy time.Time, bd date.Date, ex func(kind, reason, link string) *Exception) error {
	t, err := s.agreementTerms(ctx, f.Slug, bd, knownAt)
	if err != nil {
		return err
	}
	recs, err := s.Store.FieldExamRecords(ctx, f.Slug)
	if err != nil {
		return err
	}
	down, err := s.turnedDownAt(ctx, f.Slug, seenBy)
	if err != nil {
		return err
	}
	fe, err := fieldExamSchedule(f, t, recs, seenBy, bd, down)
	if err != nil {
		return err
	}
	last := "none performed"
	if fe.LastPerformed != 0 {
		last = "last performed " + fe.LastPerformed.String()
	}
	why := fmt.Sprintf("every %d months (%s", fe.Frequency.Months, fe.Frequency.Source)
	if fe.Frequency.Cite != "" {
		why += ", " + fe.Frequency.Cite
	}
	why += "), " + last
	switch fe.Status {
	case fieldexam.StatusOverdue:
		e := ex(ExFieldExam, "field exam overdue since "+fe.NextDue.String()+": "+why, "/facilities/"+f.Slug+"/field-exams")
		e.Since = fe.NextDue
	case fieldexam.StatusDueSoon:
		e := ex(ExFieldExam, "field exam due "+fe.NextDue.String()+": "+why, "/facilities/"+f.Slug+"/field-exams")
		e.Since = fe.NextDue
	}
	return nil
}
