package web

import (
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/store"
)

// morningView is the lender's morning on the portfolio page
// (app.Service.Morning): the exceptions grouped by kind, what changed
// since the business date opened, and the signed-in user's queues.
type morningView struct {
	BusinessDate date.Date
	Since        time.Time
	Facilities   int
	Groups       []morningGroup
	Changes      []app.Exception
	Queues       []morningGroup // reviews, approvals, notices (lender users)
	Count        int
	Err          string
}

type morningGroup struct {
	Kind, Label string
	Items       []app.Exception
}

// exceptionLabels name the kinds of exceptions as the page heads them.
var exceptionLabels = map[string]string{
	app.ExWatch:            "On the watch list",
	app.ExDefault:          "Events of default continuing",
	app.ExOveradvance:      "Overadvances",
	app.ExCovenantFail:     "Covenant failures",
	app.ExReportLate:       "Reports late against the reporting terms",
	app.ExDeadlineOverdue:  "Deadlines overdue",
	app.ExAwaitingReview:   "Certificates awaiting review",
	app.ExFieldExam:        "Field exams overdue or due soon",
	app.ExDominion:         "Dominion periods in effect",
	app.ExDeadlineDue:      "Deadlines due today",
	app.ExCertificateStale: "Stale agings (latest certificate)",
	app.ExDataQuality:      "Data-quality warnings (latest certificate)",
	app.ExCovenantWaived:   "Covenant failures waived",
	app.ExUnread:           "Figures that could not be read",
}

// morning answers the morning for the page (on the business date, as
// known now); an error is shown in its place, the portfolio below it
// still.
func (s *Server) morning(rq *req) *morningView {
	m, err := s.svc.Morning(ctxOf(rq), time.Time{})
	if err != nil {
		s.log.Error("morning", "err", err)
		return &morningView{Err: err.Error()}
	}
	v := &morningView{BusinessDate: m.BusinessDate, Since: m.Since, Facilities: m.Facilities, Changes: m.Changes, Count: len(m.Exceptions)}
	for _, e := range m.Exceptions {
		if n := len(v.Groups); n == 0 || v.Groups[n-1].Kind != e.Kind {
			label := exceptionLabels[e.Kind]
			if label == "" {
				label = e.Kind
			}
			v.Groups = append(v.Groups, morningGroup{Kind: e.Kind, Label: label})
		}
		g := &v.Groups[len(v.Groups)-1]
		g.Items = append(g.Items, e)
	}
	if rq.user.Role != store.RoleBorrower {
		v.Queues = []morningGroup{
			{Kind: app.QReview, Label: "Certificates for you to review", Items: m.Queues.Reviews},
			{Kind: app.QApproval, Label: "Approvals waiting for you", Items: m.Queues.Approvals},
			{Kind: app.QNotice, Label: "Notices to send", Items: m.Queues.Notices},
		}
	}
	return v
}
