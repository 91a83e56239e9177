package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/httpapi"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// TestPortfolioIsTheFacilityFigures: every portfolio row is the figures
// the API and the facility page give for the facility on the date as
// known at the time; a posting, a certificate approval and an amendment
// made through the store show in the next portfolio read, through this
// server's use cases and through a second server's over the same database.
func TestPortfolioIsTheFacilityFigures(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		b := e.signIn(t, "controller@btu.example")
		mustStatus(t, "upload", b.upload("btu", "2004-10-03", e.exampleUpload()).StatusCode, http.StatusSeeOther)
		l := e.signIn(t, "admin@bank.example")
		mustStatus(t, "approve", l.post("/facilities/btu/certificates/1/approve", url.Values{}).StatusCode, http.StatusSeeOther)
		now := func() time.Time { return *e.clock.Load() }
		api2, err := httpapi.New(httpapi.Config{Store: e.reopen(t), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		services := []struct {
			name string
			svc  *app.Service
		}{{"this server", e.api.Service()}, {"a second server", api2.Service()}}
		amount := funcs["amount"].(func(money.Amount) template.HTML)
		// read checks each server's portfolio on asOf against the API's
		// use cases and the facility page, and returns the rows by slug.
		read := func(what string, asOf date.Date) map[string]app.PortfolioRow {
			t.Helper()
			var first map[string]app.PortfolioRow
			for _, sv := range services {
				p, err := sv.svc.Portfolio(ctx, app.PortfolioQuery{AsOf: asOf, Sort: "availability", Desc: true})
				if err != nil {
					t.Fatalf("%s, %s: %v", what, sv.name, err)
				}
				rows := map[string]app.PortfolioRow{}
				for _, r := range p.Rows {
					rows[r.Facility.Slug] = r
				}
				if len(rows) != 2 || p.Total != 2 || p.Matching != 2 {
					t.Fatalf("%s, %s: rows %v, total %d, matching %d; want btu and other", what, sv.name, rows, p.Total, p.Matching)
				}
				for slug, r := range rows {
					if r.TermsErr != "" || r.AvailErr != "" || r.ReportErr != "" {
						t.Fatalf("%s, %s, %s: %+v", what, sv.name, slug, r)
					}
					// The API's availability (no known-at time given).
					a, err := sv.svc.Availability(ctx, slug, p.AsOf, time.Time{})
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(r.Avail.Availability, a.Availability) || !reflect.DeepEqual(r.Avail.Overadvance, a.Overadvance) ||
						!r.Avail.KnownAt.Equal(a.KnownAt) || r.Avail.ToAdvance != a.ToAdvance || r.Avail.BusinessDate != a.BusinessDate {
						t.Errorf("%s, %s, %s: portfolio availability\n%+v\nthe API's\n%+v", what, sv.name, slug, r.Avail, a)
					}
					// The API's events of default.
					rep, err := sv.svc.DefaultsReportAt(ctx, slug, p.AsOf, p.KnownAt)
					if err != nil {
						t.Fatal(err)
					}
					n := 0
					for _, d := range rep.Defaults {
						if d.Continuing {
							n++
						}
					}
					if r.Defaults != n {
						t.Errorf("%s, %s, %s: %d events of default continuing, the API's report %d", what, sv.name, slug, r.Defaults, n)
					}
					// The facility page's summary.
					f, err := e.st.Facility(ctx, slug)
					if err != nil {
						t.Fatal(err)
					}
					sm := sv.svc.Summary(ctx, f, p.AsOf, p.KnownAt, true)
					if r.Covenant != sm.Covenant || r.CovPeriod != sm.CovPeriod || r.Overdue != sm.Overdue || (r.Next == nil) != (len(sm.Next) == 0) || r.Next != nil && !reflect.DeepEqual(*r.Next, sm.Next[0]) ||
						r.Utilisation.Cmp(sm.Utilisation) != 0 || r.Utilised != sm.Utilised {
						t.Errorf("%s, %s, %s: portfolio row %+v, the facility page's summary %+v", what, sv.name, slug, r, sm)
					}
				}
				if first == nil {
					first = rows
				}
			}
			// The facility page shows the same availability.
			for slug, r := range first {
				if !r.Avail.Determined {
					continue
				}
				_, page := l.get("/facilities/" + slug + "?as_of=" + asOf.String())
				if want := "USD " + string(amount(r.Avail.Available)); !strings.Contains(page, want) {
					t.Errorf("%s: the facility page of %s does not show %s", what, slug, want)
				}
			}
			return first
		}
		today := date.FromTime(testNow)
		before := read("at first", today)
		if !before["btu"].Avail.Determined || before["other"].Avail.Determined {
			t.Fatalf("at first: btu %+v, other %+v; want btu determined on its certificate, other undetermined", before["btu"].Avail, before["other"].Avail)
		}

		// A posting.
		adv, err := ledger.Advance(ledger.Ref{Facility: "btu", Key: "portfolio-test", ValueDate: today}, 10000000)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.st.Update(ctx, "btu", func(tx store.Tx) error { _, err := tx.Post(adv); return err }); err != nil {
			t.Fatal(err)
		}
		after := read("after an advance", today)
		if got, want := after["btu"].Avail.LoansOutstanding, before["btu"].Avail.LoansOutstanding+10000000; got != want {
			t.Errorf("after an advance: loans %s, want %s", got, want)
		}

		// A certificate approval.
		o := e.signIn(t, "controller@other.example")
		mustStatus(t, "upload", o.upload("other", "2004-10-03", e.exampleUpload()).StatusCode, http.StatusSeeOther)
		cs, err := e.st.Certificates(ctx, "other")
		if err != nil || len(cs) != 1 {
			t.Fatalf("other's certificates %v %v", cs, err)
		}
		mustStatus(t, "approve", l.post("/facilities/other/certificates/"+strconv.FormatInt(cs[0].ID, 10)+"/approve", url.Values{}).StatusCode, http.StatusSeeOther)
		after = read("after a certificate approval", today)
		if a := after["other"].Avail; !a.Determined || a.Certificate == nil || a.Certificate.ID != cs[0].ID {
			t.Errorf("after other's certificate approval: %+v", a)
		}

		// An amendment of the commitment.
		amendment := "revolver: amendment/1\nfacility: btu-sovereign\nid: commitment-reduction\ndocument: first-amendment\neffective: 2004-10-01\norder: 9\n" +
			"changes:\n  - op: replace\n    path: commitment\n    value: 10000000.00\n    cite: first-amendment §1(a)\n"
		if _, err := e.st.PutDocument(ctx, store.Document{Facility: "btu", ID: "2004-10-01-commitment.yaml", Kind: "amendment", Effective: date.MustParse("2004-10-01"),
			RecordedBy: "officer@bank.example", RecordedAt: testNow, Content: []byte(amendment)}); err != nil {
			t.Fatal(err)
		}
		after = read("after an amendment", today)
		if got := after["btu"].Avail.Commitment; got != 1000000000 {
			t.Errorf("after the amendment: commitment %s, want 10,000,000.00", got)
		}
		// A past date as known then.
		read("a past date", today.AddDays(-1))
	})
}

// TestPortfolioBenchFixture: the benchmark's facilities have figures (a
// row in error would be measured as a cheap one).
func TestPortfolioBenchFixture(t *testing.T) {
	e, _ := portfolioEnv(t, 5)
	p, err := e.api.Service().Portfolio(context.Background(), app.PortfolioQuery{Sort: "availability"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rows) != 5 {
		t.Fatalf("%d rows, want 5", len(p.Rows))
	}
	for _, r := range p.Rows {
		if r.TermsErr != "" || r.AvailErr != "" || r.ReportErr != "" || r.Avail.Commitment == 0 || r.Next == nil {
			t.Errorf("%s: %+v", r.Facility.Slug, r)
		}
	}
}
