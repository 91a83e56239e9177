package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"revolver/date"
	"revolver/money"
	"revolver/store"
)

// agingRow is a row of the example aging as the test reads it itself.
type agingRow struct {
	debtor, invoice string
	inv, due        date.Date
	amount          money.Amount
}

func agingRows(t *testing.T, recv []byte) []agingRow {
	t.Helper()
	var out []agingRow
	for _, l := range strings.Split(strings.TrimSpace(string(recv)), "\n")[1:] {
		f := strings.Split(l, ",")
		a, err := money.ParseAmount(f[4])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, agingRow{f[0], f[1], date.MustParse(f[2]), date.MustParse(f[3]), a})
	}
	return out
}

// dropRows keeps every row but those whose line index (from 1) is a
// multiple of k.
func dropRows(recv []byte, k int) []byte {
	lines := strings.Split(strings.TrimRight(string(recv), "\n"), "\n")
	out := []string{lines[0]}
	for i := 1; i < len(lines); i++ {
		if i%k != 0 {
			out = append(out, lines[i])
		}
	}
	return []byte(strings.Join(out, "\n") + "\n")
}

// wantBuckets buckets the rows by the rule of docs/trends.md, written
// out again here: current when not past due, else by days since the
// invoice date.
func wantBuckets(rows []agingRow, asOf date.Date) (b [5]money.Amount, gross money.Amount) {
	for _, r := range rows {
		days := int(asOf) - int(r.inv)
		i := 4
		switch {
		case r.due >= asOf:
			i = 0
		case days <= 30:
			i = 1
		case days <= 60:
			i = 2
		case days <= 90:
			i = 3
		}
		b[i] += r.amount
		gross += r.amount
	}
	return b, gross
}

func TestTrends(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		ctx := context.Background()
		recv2 := scaleAmounts(t, e.recv, 110)
		recv3 := dropRows(scaleAmounts(t, e.recv, 95), 7)
		type certCase struct {
			asOf string
			recv []byte
		}
		cases := []certCase{{"2004-10-03", e.recv}, {"2004-10-04", recv2}, {"2004-10-05", recv3}}
		var certs []store.Certificate
		var approvedAt []time.Time
		for _, cc := range cases {
			c := e.mustSubmit(cc.asOf, cc.recv)
			a, err := e.approve(c, 0)
			if err != nil {
				t.Fatal(err)
			}
			certs = append(certs, a)
			approvedAt = append(approvedAt, e.now)
		}
		// A rejected certificate is never a point.
		rej := e.mustSubmit("2004-10-06", e.recv)
		e.now = e.now.Add(time.Minute)
		if _, _, err := e.svc.DecideCertificate(ctx, "btu", rej.ID, CertificateDecision{Status: store.Rejected, By: "officer@bank.example", Comment: "no"}); err != nil {
			t.Fatal(err)
		}
		tr, err := e.svc.Trends(ctx, "btu", store.Everything, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Points) != 3 || tr.TopN != DefaultTopDebtors {
			t.Fatalf("%d points, top %d; want 3, %d", len(tr.Points), tr.TopN, DefaultTopDebtors)
		}
		for i, p := range tr.Points {
			cc := cases[i]
			rows := agingRows(t, cc.recv)
			asOf := date.MustParse(cc.asOf)
			want, gross := wantBuckets(rows, asOf)
			if p.Certificate != certs[i].ID || p.AsOf != asOf || p.Gross != gross || p.BorrowingBase != certs[i].BorrowingBase {
				t.Errorf("point %d: certificate %d as of %s gross %s bb %s; want %d, %s, %s, %s", i, p.Certificate, p.AsOf, p.Gross, p.BorrowingBase, certs[i].ID, asOf, gross, certs[i].BorrowingBase)
			}
			var sum money.Amount
			for j, b := range p.Buckets {
				sum += b.Amount
				if b.Amount != want[j] || b.Bucket != BucketIDs[j] {
					t.Errorf("point %d bucket %s = %s, want %s", i, b.Bucket, b.Amount, want[j])
				}
			}
			if sum != p.Gross {
				t.Errorf("point %d: buckets sum to %s, gross %s", i, sum, p.Gross)
			}
			// Ineligible by category and eligible are the certificate's own.
			full, err := s.Certificate(ctx, p.Certificate)
			if err != nil {
				t.Fatal(err)
			}
			var body struct {
				Receivables struct {
					Eligible     money.Amount            `json:"eligible"`
					Availability money.Amount            `json:"availability"`
					Ineligible   map[string]money.Amount `json:"ineligible"`
				} `json:"receivables"`
			}
			if err := json.Unmarshal(full.Body, &body); err != nil {
				t.Fatal(err)
			}
			if p.Eligible == nil || *p.Eligible != body.Receivables.Eligible || p.Availability == nil || *p.Availability != body.Receivables.Availability {
				t.Errorf("point %d eligible %v availability %v, want %s, %s", i, p.Eligible, p.Availability, body.Receivables.Eligible, body.Receivables.Availability)
			}
			inel := p.Gross - *p.Eligible
			var cats money.Amount
			for id, a := range body.Receivables.Ineligible {
				if got := p.Ineligible[id]; got == nil || *got != a {
					t.Errorf("point %d ineligible %s = %v, want %s", i, id, got, a)
				}
				cats += a
			}
			if len(body.Receivables.Ineligible) == 0 || cats != inel || len(p.Ineligible) != len(body.Receivables.Ineligible) {
				t.Errorf("point %d: %d categories sum to %s, gross − eligible %s", i, len(p.Ineligible), cats, inel)
			}
			// The top debtor is the one with the largest Σ of rows.
			byDebtor := map[string]money.Amount{}
			for _, r := range rows {
				byDebtor[r.debtor] += r.amount
			}
			top := ""
			for d, a := range byDebtor {
				if top == "" || a > byDebtor[top] || a == byDebtor[top] && d < top {
					top = d
				}
			}
			if len(p.TopDebtors) != DefaultTopDebtors || p.TopDebtors[0].ID != top || p.TopDebtors[0].Balance != byDebtor[top] {
				t.Fatalf("point %d top debtor %+v, want %s %s", i, p.TopDebtors[0], top, byDebtor[top])
			}
			for j := 1; j < len(p.TopDebtors); j++ {
				if p.TopDebtors[j].Balance > p.TopDebtors[j-1].Balance {
					t.Errorf("point %d: debtor %d above %d", i, j+1, j)
				}
			}
			q, _ := money.Div(byDebtor[top], gross)
			want4 := money.MustRate(q.Fixed(4))
			if d := p.TopDebtors[0]; d.ShareOfGross == nil || d.ShareOfGross.Cmp(want4) != 0 || d.ShareOfEligible == nil {
				t.Errorf("point %d top share %v, want %s", i, d.ShareOfGross, want4)
			}
			if p.Dilution != nil || p.DSO != nil {
				t.Errorf("point %d: dilution %v, DSO %v; none is measured yet", i, p.Dilution, p.DSO)
			}
		}
		// Gross scales to the cent: the second aging is the first × 1.10
		// row by row (each row truncated to the cent by scaleAmounts).
		var g2 money.Amount
		for _, r := range agingRows(t, e.recv) {
			g2 += money.Amount(int64(r.amount) * 110 / 100)
		}
		if tr.Points[1].Gross != g2 {
			t.Errorf("second gross %s, want %s", tr.Points[1].Gross, g2)
		}
		// Each certificate's summary is stored once; a second read computes none.
		sums, err := s.CertificateSummaries(ctx, "btu")
		if err != nil || len(sums) != 3 {
			t.Fatalf("%d summaries stored (%v), want 3", len(sums), err)
		}
		again, err := e.svc.Trends(ctx, "btu", store.Everything, 3)
		if err != nil || len(again.Points) != 3 || len(again.Points[2].TopDebtors) != 3 || again.Points[2].Gross != tr.Points[2].Gross {
			t.Fatalf("again: %v %+v", err, again.Points)
		}
		if n, err := e.svc.BackfillCollateralSummaries(ctx, "btu"); err != nil || n != 1 {
			t.Errorf("back-filled %d (%v), want 1 (the rejected certificate)", n, err)
		}
		// As known before the third was approved: two points.
		then, err := e.svc.Trends(ctx, "btu", approvedAt[2].Add(-time.Second), 0)
		if err != nil || len(then.Points) != 2 || then.Points[1].Certificate != certs[1].ID {
			t.Fatalf("as known before the third approval: %v, %d points", err, len(then.Points))
		}
		// A supersession replaces the point of its date once approved.
		sup := e.mustSubmit("2004-10-04", e.recv)
		if _, err := e.approve(sup, certs[1].ID); err != nil {
			t.Fatal(err)
		}
		supAt := e.now
		now, err := e.svc.Trends(ctx, "btu", store.Everything, 0)
		if err != nil || len(now.Points) != 3 || now.Points[1].Certificate != sup.ID || now.Points[1].Gross != tr.Points[0].Gross {
			t.Fatalf("after the supersession: %v %+v", err, now.Points)
		}
		before, err := e.svc.Trends(ctx, "btu", supAt.Add(-time.Second), 0)
		if err != nil || before.Points[1].Certificate != certs[1].ID {
			t.Fatalf("before the supersession: %v %+v", err, before.Points)
		}
		// Tables: every figure names its certificate; dilution not measured.
		tb, ok := tr.Table("collateral")
		if !ok || len(tb.Rows) != 3 || tb.Rows[0][8].Text != NotMeasured || tb.Rows[2][2].Certificate != certs[2].ID || tb.Rows[2][2].Line != "receivables.gross" ||
			!strings.Contains(tb.Rows[2][2].Title, "certificate") {
			t.Errorf("collateral table: %+v", tb.Rows)
		}
		csv := string(tb.CSV())
		if !strings.HasPrefix(csv, "As of,Certificate,Gross,") || !strings.Contains(csv, "2004-10-05,"+itoa(certs[2].ID)+","+tr.Points[2].Gross.String()+",") {
			t.Errorf("CSV:\n%s", csv)
		}
		if _, err := e.svc.Trends(ctx, "btu", store.Everything, MaxTopDebtors+1); store.ErrorCode(err) != store.CodeInvalid {
			t.Errorf("top %d: %v, want invalid", MaxTopDebtors+1, err)
		}
	})
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestAgingMigration(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		ctx := context.Background()
		// The later aging: a seventh of the invoices gone, the rest at
		// 95%, and one new invoice dated on its as-of date.
		later := dropRows(scaleAmounts(t, e.recv, 95), 7)
		later = append(later, []byte("C000002,NEW-1,2004-10-05,2004-11-04,1000.01,USD,false\n")...)
		a := e.mustSubmit("2004-10-03", e.recv)
		b := e.mustSubmit("2004-10-05", later)
		m, err := e.svc.AgingMigration(ctx, "btu", a.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		fromB, fromG := wantBuckets(agingRows(t, e.recv), date.MustParse("2004-10-03"))
		toB, toG := wantBuckets(agingRows(t, later), date.MustParse("2004-10-05"))
		if m.From.Gross != fromG || m.To.Gross != toG {
			t.Fatalf("gross %s → %s, want %s → %s", m.From.Gross, m.To.Gross, fromG, toG)
		}
		for i := range 5 {
			row := m.Reduced[i]
			col := m.New[i]
			for j := range 5 {
				row += m.Matrix[i][j]
				col += m.Matrix[j][i]
			}
			if row != m.From.Buckets[i] || m.From.Buckets[i] != fromB[i] {
				t.Errorf("from bucket %s: row sums to %s, bucket %s, want %s", BucketIDs[i], row, m.From.Buckets[i], fromB[i])
			}
			if col != m.To.Buckets[i] || m.To.Buckets[i] != toB[i] {
				t.Errorf("to bucket %s: column sums to %s, bucket %s, want %s", BucketIDs[i], col, m.To.Buckets[i], toB[i])
			}
		}
		if m.New[BucketCurrent] != 100001 {
			t.Errorf("new current %s, want 1000.01", m.New[BucketCurrent])
		}
		// Every dropped invoice is reduced by its whole balance.
		var gone, kept money.Amount
		var moves int
		for _, v := range m.Invoices {
			switch {
			case v.ToBucket == "" && v.FromBucket != "":
				gone += v.FromBalance
				moves++
			case v.ToBucket != "" && v.FromBucket != "":
				kept += v.FromBalance - v.ToBalance
			}
		}
		var reduced money.Amount
		for _, r := range m.Reduced {
			reduced += r
		}
		if moves != 1200/7 || gone+kept != reduced {
			t.Errorf("%d invoices gone (%s) and %s paid down; reduced %s", moves, gone, kept, reduced)
		}
		if _, err := e.svc.AgingMigration(ctx, "btu", b.ID, a.ID); store.ErrorCode(err) != store.CodeInvalid {
			t.Errorf("later first: %v, want invalid", err)
		}
		if _, err := e.svc.AgingMigration(ctx, "btu", a.ID, 99999); store.ErrorCode(err) != store.CodeNotFound {
			t.Errorf("unknown certificate: %v, want not_found", err)
		}
	})
}
