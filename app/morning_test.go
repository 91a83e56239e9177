package app

import (
	"context"
	"encoding/json"
	"os"

	"strings"
	"testing"
	"time"

	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/store"
)

// morningKinds counts the exceptions of m by kind.
func morningKinds(es []Exception) map[string]int {
	out := map[string]int{}
	for _, e := range es {
		out[e.Kind]++
	}
	return out
}

// TestMorning: on the BTU facility on its business date, the morning lists
// the overadvance, the failing covenant, the events of default
// continuing, the certificate awaiting review with its business days, the
// latest certificate's warnings, each with a link (the BTU terms give no
// reporting due dates: no report is late);
// what was recorded since the business date opened; and the queues of
// the officer who did not ask (the one who asked approves nothing).
func TestMorning(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 2, 1, 12, 0, 0, 0, time.UTC))
		d := date.MustParse
		c.open("2006-02-01", 12)
		c.certificate("2006-01-31", 6_000_000_00)
		if _, err := c.request("controller@btu", borrower, 5_000_000_00, "2006-02-01", ""); err != nil {
			t.Fatal(err)
		}
		c.open("2006-03-08", 12)
		c.certificate("2006-02-28", 4_600_000_00)
		// Fiscal 2005 Q1 fails minimum net income.
		data, err := os.ReadFile("../examples/btu-sovereign/data/financials.csv")
		if err != nil {
			t.Fatal(err)
		}
		sts, err := covenant.ReadStatements("financials.csv", data)
		if err != nil {
			t.Fatal(err)
		}
		var q1 []covenant.Statement
		for _, st := range sts {
			if st.PeriodEnd <= d("2005-04-03") {
				q1 = append(q1, st)
			}
		}
		if _, _, err := c.AddStatementsAt(c.ctx, "btu", q1, "controller@btu", c.at); err != nil {
			t.Fatal(err)
		}
		// A certificate submitted on 2006-03-08, not yet decided, with a
		// stale aging and a duplicate warning.
		cert, err := s.CreateCertificate(c.ctx, store.Certificate{Facility: "btu", AsOf: d("2006-03-07"), PreparedBy: "controller@btu", CreatedAt: c.at})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitCertificate(c.ctx, cert.ID, store.Submission{Body: json.RawMessage(`{}`), BorrowingBase: 4_700_000_00, By: "controller@btu", At: c.at,
			Warnings: []store.CertificateWarning{{Code: WarnStaleAging, Message: "the aging's newest invoice is dated 2006-02-10"}, {Code: WarnDuplicate, Message: "a line appears twice"}},
			Inputs:   []store.InputContent{{Name: "r.csv", Content: []byte("pending")}}}); err != nil {
			t.Fatal(err)
		}
		// Two business days later: a waiver asked for by officer1, an event
		// of default recorded.
		c.open("2006-03-10", 12)
		c.Terms.(*StoredTerms).Invalidate("btu")
		id := "covenant_failed:minimum_net_income:2005-04-03"
		if _, err := c.RequestWaiver(c.ctx, in("w", "officer1@bank"), WaiverRequest{Default: id, Date: d("2006-03-20"), Agreement: "original-loan-agreement",
			Covenant: "minimum_net_income", Period: d("2005-04-03")}); err != nil {
			t.Fatal(err)
		}
		c.at = c.at.Add(time.Hour)
		if _, err := c.RecordDefault(c.ctx, in("eod", "officer1@bank"), defaults.DefaultRecord{Event: "dissolution", Occurred: d("2006-03-09"), Description: "merger agreed without consent"}); err != nil {
			t.Fatal(err)
		}
		c.at = c.at.Add(time.Hour)

		as := func(user string) Morning {
			t.Helper()
			ctx := WithActor(c.ctx, Actor{User: user, UserID: 9, Role: store.RoleLenderOfficer})
			m, err := c.Morning(ctx, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		m := as("officer2@bank")
		if m.BusinessDate != d("2006-03-10") || m.Facilities != 1 {
			t.Fatalf("business date %s, facilities %d", m.BusinessDate, m.Facilities)
		}
		kinds := morningKinds(m.Exceptions)
		for _, k := range []string{ExOveradvance, ExCovenantFail, ExDefault, ExAwaitingReview, ExCertificateStale, ExDataQuality} {
			if kinds[k] == 0 {
				t.Errorf("no %s exception; got %v", k, kinds)
			}
		}
		if kinds[ExDefault] != 2 {
			t.Errorf("events of default: %d, want 2 (the covenant's and the dissolution)", kinds[ExDefault])
		}
		for _, e := range m.Exceptions {
			if e.Facility != "btu" || !strings.HasPrefix(e.Link, "/facilities/btu") || e.Reason == "" {
				t.Errorf("exception %+v: want btu, a link and a reason", e)
			}
			switch e.Kind {
			case ExOveradvance:
				if e.Since != d("2006-02-28") || !strings.Contains(e.Reason, "400,000.00") {
					t.Errorf("overadvance %+v", e)
				}
			case ExAwaitingReview:
				if e.Days != 2 || e.Since != d("2006-03-08") || e.Link != "/facilities/btu/certificates/"+itoa(cert.ID) {
					t.Errorf("awaiting review %+v: want 2 business days since 2006-03-08", e)
				}
			case ExCovenantFail:
				if e.Since != d("2005-04-03") || e.Waived {
					t.Errorf("covenant %+v", e)
				}
			}
		}
		// The order of the groups: defaults first.
		if m.Exceptions[0].Kind != ExDefault {
			t.Errorf("first exception %s, want default", m.Exceptions[0].Kind)
		}
		ch := morningKinds(m.Changes)
		if ch[ChDefaultRecorded] != 1 || ch[ChCertificateSubmitted] != 0 {
			t.Errorf("changes since 2006-03-10 opened: %v, want the dissolution recorded, not the certificate of 2006-03-08", ch)
		}
		if len(m.Queues.Reviews) != 1 || m.Queues.Reviews[0].Days != 2 {
			t.Errorf("reviews %+v", m.Queues.Reviews)
		}
		if len(m.Queues.Approvals) != 1 || !strings.Contains(m.Queues.Approvals[0].Reason, "officer1@bank") {
			t.Errorf("approvals of officer2 %+v, want officer1's waiver", m.Queues.Approvals)
		}
		if len(m.Queues.Notices) != 2 {
			t.Errorf("notices to send %+v, want one per event of default", m.Queues.Notices)
		}
		if m1 := as("officer1@bank"); len(m1.Queues.Approvals) != 0 {
			t.Errorf("officer1 approving their own request: %+v", m1.Queues.Approvals)
		}
		// As known before the dissolution was recorded it is no exception.
		m0, err := c.Morning(WithActor(c.ctx, Actor{User: "officer2@bank", UserID: 9, Role: store.RoleLenderOfficer}), c.at.Add(-90*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if k := morningKinds(m0.Exceptions); k[ExDefault] != 1 {
			t.Errorf("as known before the dissolution: %d defaults, want 1", k[ExDefault])
		}
		// A borrower of another facility sees none of it.
		mb, err := c.Morning(WithActor(c.ctx, Actor{User: "x@other", UserID: 10, Role: store.RoleBorrower, Facilities: []string{"other"}}), time.Time{})
		if err != nil || mb.Facilities != 0 || len(mb.Exceptions) != 0 {
			t.Errorf("borrower of another facility: %d facilities, %d exceptions, %v", mb.Facilities, len(mb.Exceptions), err)
		}
	})
}

// TestMorningDominion: on the modern example, the cash dominion period
// (and covenant trigger periods) recorded are in effect on the business date, an
// exception linked to the cash page; the reports are late; its start, recorded since the
// business date began, is a change.
func TestMorningDominion(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		clock := date.MustParse("2026-06-30").Time().Add(12 * time.Hour)
		svc := modernAt(t, s, &clock)
		from, through := date.MustParse("2026-07-01"), date.MustParse("2026-10-05")
		for d := from; d <= through; d++ {
			postPath(t, s, d)
		}
		clock = through.Time().Add(20 * time.Hour)
		if _, err := svc.EvaluateTriggers(context.Background(), "m", from, through); err != nil {
			t.Fatal(err)
		}
		m, err := svc.Morning(context.Background(), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		var got []Exception
		for _, e := range m.Exceptions {
			if e.Kind == ExDominion {
				got = append(got, e)
			}
		}
		ps, err := svc.DominionPeriods(context.Background(), "m", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, p := range ps {
			if p.Start <= m.BusinessDate && (p.End == nil || *p.End >= m.BusinessDate) {
				want++
			}
		}
		if want == 0 || len(got) != want {
			t.Fatalf("dominion exceptions %+v, want %d", got, want)
		}
		cash := false
		for _, e := range got {
			cash = cash || strings.Contains(e.Reason, "cash dominion period in effect since 2026-10-02")
			if e.Link != "/facilities/m/cash" {
				t.Errorf("dominion %+v", e)
			}
		}
		if !cash {
			t.Errorf("no cash dominion period since 2026-10-02: %+v", got)
		}
		// The modern terms' monthly reports are late: none was delivered.
		if k := morningKinds(m.Exceptions); k[ExReportLate] == 0 {
			t.Errorf("no late report: %v", k)
		}
		if ch := morningKinds(m.Changes); ch[ChDominionStarted] == 0 {
			t.Errorf("changes %v: want the dominion period started", ch)
		}
	})
}
