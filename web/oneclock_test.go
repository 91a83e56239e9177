package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"revolver/covenant"
	"revolver/date"
)

// TestStatementsRecordedTodayShown: statements recorded on the business
// date — here after midnight UTC, the business date not yet closed — show
// on the covenants page, as the default they cause shows on the overview
// (pages and defaults on one clock and one business date).
func TestStatementsRecordedTodayShown(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	svc := e.web.svc
	if _, err := svc.OpenBusinessDate(ctx, date.MustParse("2004-10-05"), "test", "start"); err != nil {
		t.Fatal(err)
	}
	e.setClock(time.Date(2004, 10, 6, 3, 0, 0, 0, time.UTC))
	csv := "period_end,fiscal_year,fiscal_quarter,total_assets,intangible_assets,total_liabilities,subordinated_debt,net_income\n" +
		"2004-10-03,2004,3,58412337.00,25000000.00,26741089.00,0.00,452318.00\n"
	sts, err := covenant.ReadStatements("q3.csv", []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.AddStatements(ctx, "other", sts, "controller@other.example"); err != nil {
		t.Fatal(err)
	}
	c := e.signIn(t, "officer@bank.example")
	_, page := c.get("/facilities/other/covenants")
	if !strings.Contains(page, "2004-10-03") || !strings.Contains(page, "minimum_tangible_net_worth") && !strings.Contains(page, "Tangible") {
		t.Errorf("the covenants page does not show the statements recorded today:\n%s", page)
	}
	_, over := c.get("/facilities/other")
	i := strings.Index(over, `id="eod-h"`)
	if i < 0 || !strings.Contains(over[i:], `<li><span class="badge fail">`) {
		t.Errorf("the overview does not show the default the statements caused")
	}
	if !strings.Contains(page, `Today is <time datetime="2004-10-05">`) || !strings.Contains(over, `Today is <time datetime="2004-10-05">`) {
		i := strings.Index(over, "Today is")
		t.Errorf("a page shows another today than the business date 2004-10-05: %.80s", over[max(i, 0):])
	}
}

// TestAdvanceFormOffersFirstValueDate: on a Saturday business date before
// Columbus Day, the advance form offers Tuesday, the first value date that
// is not a correction.
func TestAdvanceFormOffersFirstValueDate(t *testing.T) {
	e := newEnv(t)
	if _, err := e.web.svc.OpenBusinessDate(context.Background(), date.MustParse("2004-10-09"), "test", "start"); err != nil {
		t.Fatal(err)
	}
	c := e.signIn(t, "controller@btu.example")
	_, page := c.get("/facilities/btu/loans")
	if !strings.Contains(page, `name="value_date" type="text" inputmode="numeric" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" placeholder="YYYY-MM-DD" autocomplete="off" required value="2004-10-12"`) {
		i := strings.Index(page, `name="value_date"`)
		t.Errorf("the advance form does not offer 2004-10-12: %.300s", page[max(i, 0):])
	}
}
