package app

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"revolver/collateral"
	"revolver/date"
	"revolver/money"
	"revolver/store"
)

// history generates a borrower's history with ../shared/data/gen_abl_history.py
// (beside the module root) into a temporary directory.
func history(t *testing.T, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	gen, err := filepath.Abs("../../shared/data/gen_abl_history.py")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(gen); err != nil {
		t.Skipf("the history generator is not beside the module: %v", err)
	}
	dir := t.TempDir()
	args = append([]string{gen, "--out", dir, "--start", "2004-06-30", "--periods", "2", "--debtors", "40", "--sales-per-period", "120",
		"--items", "200", "--ar-scale", "0.55", "--inv-scale", "0.05"}, args...)
	if out, err := exec.Command("python3", args...).CombinedOutput(); err != nil {
		t.Fatalf("gen_abl_history.py: %v\n%s", err, out)
	}
	return dir
}

// historyInput is the certificate of one date of a history, with its
// journals when journals is set.
func historyInput(t *testing.T, dir, asOf string, journals bool) CertificateInput {
	t.Helper()
	read := func(name string) store.InputContent {
		p := filepath.Join(dir, asOf, name)
		if name == "debtors.csv" {
			p = filepath.Join(dir, name)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return store.InputContent{Name: name, Content: b}
	}
	in := CertificateInput{Facility: "btu", AsOf: date.MustParse(asOf), By: "controller@btu.example",
		Receivables: read("receivables.csv"), Debtors: read("debtors.csv"), Inventory: read("inventory.csv")}
	if journals {
		in.Sales, in.Collections, in.Credits, in.InventoryActivity = read("sales.csv"), read("collections.csv"), read("credits.csv"), read("inventory_activity.csv")
	}
	return in
}

func (e *certEnv) submitIn(in CertificateInput) (store.Certificate, error) {
	e.t.Helper()
	t, err := e.terms.TermsAsOf(context.Background(), "btu", in.AsOf)
	if err != nil {
		e.t.Fatal(err)
	}
	e.now = e.now.Add(time.Minute)
	c, _, err := e.svc.SubmitCertificate(context.Background(), t, in)
	return c, err
}

func (e *certEnv) approveWith(c store.Certificate, comment string) (store.Certificate, error) {
	e.now = e.now.Add(time.Minute)
	_, after, err := e.svc.DecideCertificate(context.Background(), "btu", c.ID, CertificateDecision{Status: store.Approved, By: "officer@bank.example", Comment: comment})
	return after, err
}

// column sums a column of a CSV file of the history.
func column(t *testing.T, path, col string) money.Amount {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	k := -1
	for i, h := range rows[0] {
		if h == col {
			k = i
		}
	}
	var sum money.Amount
	for _, r := range rows[1:] {
		a, err := money.ParseAmount(r[k])
		if err != nil {
			t.Fatal(err)
		}
		sum += a
	}
	return sum
}

func qualityWarningsOf(c store.Certificate) []store.CertificateWarning {
	var out []store.CertificateWarning
	for _, w := range c.Warnings {
		if qualityCode(w.Code) {
			out = append(out, w)
		}
	}
	return out
}

// A clean history rolls forward to 0.00 at both levels with no
// data-quality warning; the roll-forward and dilution are stored with the
// certificate and read back as stored (CertificateMeasures).
func TestCertificateJournalsClean(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		dir := history(t)
		ctx := context.Background()
		// Journals with no previous approved certificate are stored (rows
		// after the as-of date refused), nothing rolled forward.
		early, err := e.submitIn(historyInput(t, dir, "2004-07-31", true))
		if err != nil {
			t.Fatal(err)
		}
		if early.RollForwardSHA256 != "" || len(early.Inputs) != 7 || early.Inputs[3].Kind != store.InputSales || early.Inputs[6].Kind != store.InputInventoryActivity {
			t.Fatalf("certificate with no previous: roll-forward %q, inputs %+v", early.RollForwardSHA256, early.Inputs)
		}
		if _, _, err := e.svc.WithdrawCertificate(ctx, "btu", early.ID, "controller@btu.example", "sent before June"); err != nil {
			t.Fatal(err)
		}
		first, err := e.submitIn(historyInput(t, dir, "2004-06-30", false))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.approveWith(first, ""); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, asOf := range []string{"2004-07-31", "2004-08-31"} {
			c, err := e.submitIn(historyInput(t, dir, asOf, true))
			if err != nil {
				t.Fatal(err)
			}
			if q := qualityWarningsOf(c); len(q) != 0 {
				t.Errorf("%s: data-quality warnings on a clean history: %+v", asOf, q)
			}
			rf, err := DecodeRollForward(c)
			if err != nil || rf == nil {
				t.Fatalf("%s: roll-forward %v, %v", asOf, rf, err)
			}
			if str(rf.Receivables.UnexplainedVariance) != "0.00" || str(rf.Inventory.UnexplainedVariance) != "0.00" {
				t.Errorf("%s: unexplained variance receivables %s, inventory %s, want 0.00", asOf, str(rf.Receivables.UnexplainedVariance), str(rf.Inventory.UnexplainedVariance))
			}
			if got, want := str(rf.Receivables.Sales), column(t, filepath.Join(dir, asOf, "sales.csv"), "amount").String(); got != want {
				t.Errorf("%s: sales %s, want %s", asOf, got, want)
			}
			if len(rf.Receivables.Exceptions) != 0 {
				for k, x := range rf.Receivables.Exceptions {
					if x.Count != 0 {
						t.Errorf("%s: exception %s: %+v", asOf, k, x)
					}
				}
			}
			c, err = e.approveWith(c, "")
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		m, err := e.svc.CertificateMeasures(ctx, "btu", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(m) != 2 {
			t.Fatalf("measures of %d certificates, want 2: %+v", len(m), m)
		}
		// The second period's dilution sums both periods (a window of 3
		// with two periods rolled forward).
		second := m[ids[1]]
		sales := column(t, filepath.Join(dir, "2004-07-31", "sales.csv"), "amount") + column(t, filepath.Join(dir, "2004-08-31", "sales.csv"), "amount")
		credits := column(t, filepath.Join(dir, "2004-07-31", "credits.csv"), "amount") + column(t, filepath.Join(dir, "2004-08-31", "credits.csv"), "amount")
		if second.WindowPeriods != 2 || second.Sales != sales.String() || second.Credits != credits.String() || second.Dilution == "" || second.DSO == "" {
			t.Errorf("second period measures %+v, want 2 periods, sales %s, credits %s", second, sales, credits)
		}
		r, err := money.Div(credits, sales)
		if err != nil {
			t.Fatal(err)
		}
		if money.MustRate(r.Fixed(4)).Fixed(4) != second.Dilution {
			t.Errorf("dilution %s, want %s", second.Dilution, r.Fixed(4))
		}
		if only, err := e.svc.CertificateMeasures(ctx, "btu", ids[:1]); err != nil || len(only) != 1 || only[ids[0]].WindowPeriods != 1 {
			t.Errorf("measures of the first: %+v, %v", only, err)
		}
	})
}

// A history with reporting mistakes gives the data-quality warnings with
// the invoices and rows; approving it needs a comment.
func TestCertificateJournalsAnomalies(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		dir := history(t, "--anomalies", "4", "--periods", "1")
		first, err := e.submitIn(historyInput(t, dir, "2004-06-30", false))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.approveWith(first, ""); err != nil {
			t.Fatal(err)
		}
		c, err := e.submitIn(historyInput(t, dir, "2004-07-31", true))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "anomalies.csv"))
		if err != nil {
			t.Fatal(err)
		}
		anomalies, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		text := func(w store.CertificateWarning) string {
			var sb strings.Builder
			sb.WriteString(w.Message)
			for _, f := range w.Figures {
				sb.WriteString("\n" + f.Value)
			}
			return sb.String()
		}
		// Each mistake shows as its exception, naming the invoice and rows.
		want := map[string]string{"rebill": WarnException + "dropped", "unreported_sale": WarnException + "not_in_sales_journal",
			"reaged": WarnException + "invoice_date_changed", "unreported_credit": WarnException + "balance_differs"}
		n := 0
		for _, a := range anomalies[1:] {
			if a[0] != "2004-07-31" {
				continue
			}
			n++
			w := warning(c, want[a[1]])
			if w == nil {
				t.Errorf("%s of %s: no %s warning in %v", a[1], a[2], want[a[1]], warningCodes(c))
				continue
			}
			if !strings.Contains(text(*w), "invoice "+a[2]+" ") || !strings.Contains(text(*w), "receivables.csv:") {
				t.Errorf("%s warning does not name invoice %s with its rows:\n%s", w.Code, a[2], text(*w))
			}
			if a[1] == "rebill" {
				if w := warning(c, WarnException+"not_in_sales_journal"); w == nil || !strings.Contains(text(*w), "invoice "+a[3]+" ") {
					t.Errorf("rebill %s → %s: the new invoice is not a not_in_sales_journal exception", a[2], a[3])
				}
			}
		}
		if n == 0 {
			t.Fatal("the history has no anomaly in its first period")
		}
		if w := warning(c, WarnVariance); w == nil || figure(w, "unexplained_variance") == "0.00" {
			t.Errorf("unreported sales and credits leave no receivables variance warning: %v", warningCodes(c))
		}
		if w := warning(c, WarnInventoryVariance); w != nil {
			t.Errorf("inventory warned though it reconciles: %+v", w)
		}
		if _, err := e.approveWith(c, ""); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "comment") {
			t.Errorf("approval of a certificate with data-quality warnings without a comment: %v", err)
		}
		if a, err := e.approveWith(c, "exceptions explained by the borrower's controller"); err != nil || a.Status != store.Approved {
			t.Errorf("approval with a comment: %+v, %v", a, err)
		}
	})
}

// A journal row dated outside (previous as-of, as-of] is refused with its
// file and line, and nothing is stored.
func TestCertificateJournalOutsidePeriod(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		dir := history(t, "--periods", "1")
		first, err := e.submitIn(historyInput(t, dir, "2004-06-30", false))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.approveWith(first, ""); err != nil {
			t.Fatal(err)
		}
		in := historyInput(t, dir, "2004-07-31", true)
		lines := strings.Split(string(in.Credits.Content), "\n")
		f := strings.Split(lines[3], ",")
		f[0] = "2004-06-30" // the previous as-of date is not in the period
		lines[3] = strings.Join(f, ",")
		in.Credits.Content = []byte(strings.Join(lines, "\n"))
		before, _ := s.Certificates(context.Background(), "btu")
		_, err = e.submitIn(in)
		var ce *collateral.Errors
		if store.ErrorCode(err) != store.CodeInvalid || !errors.As(err, &ce) || ce.Total != 1 {
			t.Fatalf("credit dated on the previous as-of date: %v, want invalid naming the row", err)
		}
		if r := ce.List[0]; r.File != "credits.csv" || r.Line != 4 || r.Column != "date" || r.Value != "2004-06-30" {
			t.Errorf("row named: %+v", r)
		}
		if !strings.Contains(err.Error(), "credits.csv:4") || !strings.Contains(err.Error(), "(2004-06-30, 2004-07-31]") {
			t.Errorf("message: %v", err)
		}
		if after, _ := s.Certificates(context.Background(), "btu"); len(after) != len(before) {
			t.Errorf("refused submission stored a certificate: %d → %d", len(before), len(after))
		}
	})
}

// The gates read the facility's settings, and journal rows that do not tie
// to the aging and reused invoice numbers are warned with their rows.
func TestCertificateJournalGates(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		ctx := context.Background()
		dir := history(t, "--anomalies", "3", "--periods", "1")
		first, err := e.submitIn(historyInput(t, dir, "2004-06-30", false))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.approveWith(first, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateFacilitySettings(ctx, "btu", []byte(`{"rollforward_variance_tolerance":"1000000000.00","current_share_jump_points":"-100"}`)); err != nil {
			t.Fatal(err)
		}
		in := historyInput(t, dir, "2004-07-31", true)
		edit := func(c *store.InputContent, line, col int, v string) string {
			lines := strings.Split(string(c.Content), "\n")
			f := strings.Split(lines[line-1], ",")
			old := f[col]
			f[col] = v
			lines[line-1] = strings.Join(f, ",")
			c.Content = []byte(strings.Join(lines, "\n"))
			return old
		}
		edit(&in.Collections, 3, 1, "ZZZ999") // debtor_id
		prevAging := strings.Split(strings.Split(string(historyInput(t, dir, "2004-06-30", false).Receivables.Content), "\n")[1], ",")
		edit(&in.Sales, 2, 1, prevAging[1]) // invoice_no of the previous aging's first invoice
		c, err := e.submitIn(in)
		if err != nil {
			t.Fatal(err)
		}
		text := func(code string) string {
			w := warning(c, code)
			if w == nil {
				t.Errorf("no %s warning in %v", code, warningCodes(c))
				return ""
			}
			var sb strings.Builder
			sb.WriteString(w.Message)
			for _, f := range w.Figures {
				sb.WriteString("\n" + f.Value)
			}
			return sb.String()
		}
		if got := text(WarnJournalUntied); !strings.Contains(got, "collections.csv:3 debtor ZZZ999") {
			t.Errorf("journal_not_in_aging does not name collections.csv:3:\n%s", got)
		}
		if got := text(WarnInvoiceReused); !strings.Contains(got, "sales.csv:2 sale of invoice "+prevAging[1]) {
			t.Errorf("invoice_reused does not name sales.csv:2:\n%s", got)
		}
		if got := text(WarnCurrentShareJump); !strings.Contains(got, "-100") {
			t.Errorf("current_share_jump does not give the set points:\n%s", got)
		}
		// Within the tolerance set, the variance is not warned; the
		// exceptions still are, one warning per kind.
		if w := warning(c, WarnVariance); w != nil {
			t.Errorf("variance warned within a tolerance of 1000000000.00: %s", w.Message)
		}
		kinds := 0
		for _, w := range c.Warnings {
			if strings.HasPrefix(w.Code, WarnException) {
				kinds++
			}
		}
		if kinds == 0 {
			t.Errorf("no exception warning: %v", warningCodes(c))
		}
	})
}
