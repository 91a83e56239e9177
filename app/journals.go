package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"revolver/borrowingbase"
	"revolver/collateral"
	"revolver/date"
	"revolver/money"
	"revolver/rollforward"
	"revolver/store"
)

// Data-quality gates of a certificate carrying journals (docs/borrowing-base.md,
// "Submitting a certificate"): their defaults when the facility's settings
// give none.
var (
	// DefaultVarianceTolerance is the unexplained variance (receivables and
	// inventory, each) a roll-forward may show without a warning (facility
	// setting rollforward_variance_tolerance). Journals and agings come from
	// the same ledger: they tie to the cent, and any difference is worth a
	// question.
	DefaultVarianceTolerance = money.Amount(0)
	// DefaultCurrentShareJump is the rise, in percentage points, of the
	// share of current invoices (CurrentInvoiceDays) in the aging's gross
	// from the previous approved certificate's above which a submission is
	// warned (facility setting current_share_jump_points). A working-capital
	// borrower's current share moves by a few points month to month; a jump
	// of fifteen is what re-dated invoices or invoicing before shipment
	// look like.
	DefaultCurrentShareJump = money.MustRate("15")
)

// CurrentInvoiceDays: an invoice is current when the as-of date is at most
// this many days after its invoice date.
const CurrentInvoiceDays = 30

// MaxWarningRows is how many invoices or rows a data-quality warning lists
// (the count says how many in all; the review page's roll-forward lists
// every exception).
const MaxWarningRows = 50

// Warning codes of the data-quality gates (store.CertificateWarning.Code).
// The invoice-level exceptions are WarnException + the kind
// (rollforward.ExceptionKinds), e.g. "exception_dropped".
const (
	WarnVariance          = "unexplained_variance"           // the receivables roll-forward does not close within the tolerance
	WarnInventoryVariance = "inventory_unexplained_variance" // the inventory roll-forward does not close within the tolerance
	WarnException         = "exception_"                     // + kind: invoices that do not roll forward
	WarnJournalUntied     = "journal_not_in_aging"           // journal rows naming a debtor not in the customer master, or an invoice under another debtor than the agings'
	WarnInvoiceReused     = "invoice_reused"                 // an invoice number of the previous aging used again with another debtor or invoice date
	WarnCurrentShareJump  = "current_share_jump"             // the share of current invoices rises more than the set points
)

// qualityCodes reports whether a warning code is a data-quality gate's:
// approving a certificate with one needs a comment.
func qualityCode(code string) bool {
	switch code {
	case WarnVariance, WarnInventoryVariance, WarnJournalUntied, WarnInvoiceReused, WarnCurrentShareJump:
		return true
	}
	return strings.HasPrefix(code, WarnException)
}

// readJournals parses the journals a submission carries (those not
// delivered stay nil).
func readJournals(in CertificateInput, currency string) (collateral.Journals, error) {
	invalid := func(err error) error { return &store.Error{Code: store.CodeInvalid, Message: err.Error(), Err: err} }
	var j collateral.Journals
	var err error
	opt := func(c store.InputContent) collateral.Options {
		o, oerr := readOptions(c, currency)
		if oerr != nil && err == nil {
			err = oerr
		}
		return o
	}
	if delivered(in.Sales) {
		if j.Sales, err = collateral.ReadSales(in.Sales.Name, in.Sales.Content, opt(in.Sales)); err != nil {
			return j, invalid(err)
		}
	}
	if delivered(in.Collections) {
		if j.Collections, err = collateral.ReadCollections(in.Collections.Name, in.Collections.Content, opt(in.Collections)); err != nil {
			return j, invalid(err)
		}
	}
	if delivered(in.Credits) {
		if j.Credits, err = collateral.ReadCredits(in.Credits.Name, in.Credits.Content, opt(in.Credits)); err != nil {
			return j, invalid(err)
		}
	}
	if delivered(in.InventoryActivity) {
		if j.InventoryActivity, err = collateral.ReadInventoryActivity(in.InventoryActivity.Name, in.InventoryActivity.Content, opt(in.InventoryActivity)); err != nil {
			return j, invalid(err)
		}
	}
	return j, nil
}

// rolled is what a submission with journals and a previous approved
// certificate brings to the assessment: the roll-forward, the facts the
// gates look at, and the JSON stored with the certificate.
type rolled struct {
	Previous store.Certificate
	Result   *rollforward.Result
	Dilution rollforward.Dilution
	JSON     []byte
	// Untied are journal rows that do not tie to the agings and the
	// customer master, each with why.
	Untied []flaggedRow
	// Reused are invoice numbers of the previous aging used again with
	// another debtor or invoice date.
	Reused []flaggedRow
	// CurrentBefore and CurrentNow are the shares of current invoices in
	// the gross of the previous and this aging (CurrentKnown: both grosses
	// are not 0).
	CurrentBefore, CurrentNow money.Rate
	CurrentKnown              bool
	// From is the start of the dilution window: the previous as-of date
	// of its first period.
	From date.Date
}

// encode is the roll-forward as stored with the certificate: the
// previous certificate, then a period's keys as revolver monitor writes
// them, with its explanation; borrowing_base is the certificate's
// borrowing base before letters of credit, bb.
func (r *rolled) encode(bb money.Amount) error {
	expl, err := json.Marshal(r.Result.Explain(&r.Dilution))
	if err != nil {
		return err
	}
	bbJSON := []byte(`{"borrowing_base":"` + bb.String() + `"}`)
	period := rollforward.AppendPeriodJSON(nil, r.Result, &r.Dilution, bbJSON, expl)
	r.JSON = append([]byte(`{"previous_certificate":`+strconv.FormatInt(r.Previous.ID, 10)+`,"dilution_from":"`+r.From.String()+`",`), period[1:]...)
	return nil
}

// storedDilution is the dilution measured by a certificate's stored
// roll-forward (nil: none, or its ratio undetermined), as the borrowing
// base used it on submission.
func (s *Service) storedDilution(ctx context.Context, c store.Certificate) (*borrowingbase.MeasuredDilution, error) {
	if c.RollForwardSHA256 == "" {
		return nil, nil
	}
	b := c.RollForward
	if len(b) == 0 {
		var err error
		if b, err = s.Store.Blob(ctx, c.RollForwardSHA256); err != nil {
			return nil, fmt.Errorf("certificate %d roll-forward: %w", c.ID, err)
		}
	}
	var sr storedRollForward
	if err := json.Unmarshal(b, &sr); err != nil {
		return nil, fmt.Errorf("certificate %d roll-forward: %w", c.ID, err)
	}
	d := sr.Dilution
	if d == nil || d.Ratio == nil || d.Sales == nil || d.Credits == nil {
		return nil, nil
	}
	ratio, err := money.ParseRate(*d.Ratio)
	if err != nil {
		return nil, fmt.Errorf("certificate %d roll-forward dilution: %w", c.ID, err)
	}
	sales, err := money.ParseAmount(*d.Sales)
	if err != nil {
		return nil, fmt.Errorf("certificate %d roll-forward dilution: %w", c.ID, err)
	}
	credits, err := money.ParseAmount(*d.Credits)
	if err != nil {
		return nil, fmt.Errorf("certificate %d roll-forward dilution: %w", c.ID, err)
	}
	return &borrowingbase.MeasuredDilution{Ratio: ratio, Periods: d.WindowPeriods, From: sr.DilutionFrom, To: sr.AsOf, Sales: sales, Credits: credits}, nil
}

// MeasuredDilution is the dilution a submission's roll-forward measures,
// for the borrowing base's dilution reserve (nil: not measured — no
// journals, no previous approved certificate, or a ratio undetermined).
func (r *rolled) MeasuredDilution() *borrowingbase.MeasuredDilution {
	if r == nil || !r.Dilution.RatioKnown {
		return nil
	}
	d := r.Dilution
	return &borrowingbase.MeasuredDilution{Ratio: d.Ratio, Periods: d.WindowPeriods, From: r.From, To: r.Result.AsOf, Sales: d.Sales, Credits: d.Credits}
}

// flaggedRow is an input row a gate names, and what it found.
type flaggedRow struct {
	File string
	Line int
	What string
}

func (r flaggedRow) String() string { return fmt.Sprintf("%s:%d %s", r.File, r.Line, r.What) }

// previousApproved is the certificate in force on the day before asOf (the
// previous approved certificate a period's roll-forward starts from);
// ok false when there is none.
func previousApproved(ctx context.Context, st store.Store, facility string, asOf date.Date) (store.Certificate, bool, error) {
	p, err := st.CertificateInForce(ctx, facility, asOf.AddDays(-1))
	switch {
	case err == nil:
		return p, true, nil
	case store.ErrorCode(err) == store.CodeNotFound:
		return store.Certificate{}, false, nil
	}
	return store.Certificate{}, false, err
}

// storedReports reads a certificate's frozen aging (with its customer
// master) and inventory report.
func (s *Service) storedReports(ctx context.Context, c store.Certificate, currency string) (*collateral.Receivables, *collateral.Inventory, error) {
	if len(c.Inputs) < 3 {
		return nil, nil, fmt.Errorf("certificate %d has no stored reports", c.ID)
	}
	in := CertificateInput{Facility: c.Facility, AsOf: c.AsOf}
	for i, dst := range []*store.InputContent{&in.Receivables, &in.Debtors, &in.Inventory} {
		b, err := s.Store.Blob(ctx, c.Inputs[i].SHA256)
		if err != nil {
			return nil, nil, fmt.Errorf("certificate %d input %s: %w", c.ID, c.Inputs[i].Name, err)
		}
		*dst = store.InputContent{Name: c.Inputs[i].Name, Content: b, Map: c.Inputs[i].Map}
	}
	return ReadReports(in, currency)
}

// checkJournalPeriod refuses journal rows dated outside the period
// (previous, asOf], each row named; with no previous approved certificate
// (previous 0) only rows dated after the as-of date.
func checkJournalPeriod(j collateral.Journals, previous, asOf date.Date, prevID int64) error {
	lower := previous
	if previous == 0 {
		lower = date.Min.AddDays(-1)
	}
	err := j.CheckPeriod(lower, asOf)
	if err == nil {
		return nil
	}
	n := 0
	if es, ok := err.(*collateral.Errors); ok {
		n = es.Total
	}
	period := fmt.Sprintf("the period (%s, %s] since the previous approved certificate %d", previous, asOf, prevID)
	if previous == 0 {
		period = fmt.Sprintf("the period ending %s (there is no previous approved certificate)", asOf)
	}
	return &store.Error{Code: store.CodeInvalid, Err: err,
		Message: fmt.Sprintf("certificate as of %s: %s dated outside %s, which its journals cover:\n%v", asOf, rowCount(n), period, err)}
}

// rollForward reconciles the period from the previous approved certificate
// prev (its frozen reports) to this submission, measures dilution over the
// window from the roll-forwards stored with the previous approved
// certificates and this one, and gathers what the gates look at.
func (s *Service) rollForward(ctx context.Context, prev store.Certificate, currency string, recv *collateral.Receivables, inv *collateral.Inventory,
	j collateral.Journals, asOf date.Date) (*rolled, error) {
	pr, pi, err := s.storedReports(ctx, prev, currency)
	if err != nil {
		return nil, err
	}
	p := rollforward.Period{Previous: prev.AsOf, AsOf: asOf, PrevAging: pr, Aging: recv, PrevInventory: pi, Inventory: inv, Journals: j}
	res, err := rollforward.Reconcile(p)
	if err != nil {
		return nil, store.Errorf(store.CodeInvalid, "certificate as of %s: roll-forward from certificate %d: %v", asOf, prev.ID, err)
	}
	window := rollforward.DefaultDilutionWindow
	chain, err := s.storedPeriods(ctx, prev, window-1)
	if err != nil {
		return nil, err
	}
	periods := append(chain, res)
	dil, err := rollforward.DilutionOver(periods, window)
	if err != nil {
		return nil, err
	}
	from := periods[max(0, len(periods)-window)].Previous
	r := &rolled{Previous: prev, Result: res, Dilution: dil, From: from}
	r.Untied, r.Reused = journalTies(pr, recv, j)
	var okB, okN bool
	r.CurrentBefore, okB = currentShare(pr, prev.AsOf)
	r.CurrentNow, okN = currentShare(recv, asOf)
	r.CurrentKnown = okB && okN
	return r, nil
}

// storedRollForward is the part of a stored roll-forward read back: the
// previous certificate it starts from and the period's figures (amounts
// as decimal strings, null when undetermined; the rest as rf's writer
// gives them).
type storedRollForward struct {
	PreviousCertificate int64     `json:"previous_certificate"`
	DilutionFrom        date.Date `json:"dilution_from"`
	AsOf                date.Date `json:"as_of"`
	PreviousAsOf        date.Date `json:"previous_as_of"`
	Receivables         struct {
		Sales        *string `json:"sales"`
		CreditsTotal *string `json:"credits_total"`
	} `json:"receivables"`
	Dilution *DilutionStored `json:"dilution"`
	DSO      *string         `json:"dso"`
}

func figureOf(s *string) (rollforward.Figure, error) {
	if s == nil {
		return rollforward.Figure{Reason: "undetermined in the stored roll-forward"}, nil
	}
	a, err := money.ParseAmount(*s)
	return rollforward.Figure{Amount: a, Known: true}, err
}

// storedPeriods are the periods of up to n previous approved certificates
// ending with c, read from their stored roll-forwards (the sales and
// credits dilution needs), oldest first: c's, then the one its
// roll-forward started from, and so on while each has one.
func (s *Service) storedPeriods(ctx context.Context, c store.Certificate, n int) ([]*rollforward.Result, error) {
	var out []*rollforward.Result
	seen := map[int64]bool{}
	for len(out) < n && c.RollForwardSHA256 != "" && !seen[c.ID] {
		seen[c.ID] = true
		b := c.RollForward
		if len(b) == 0 {
			var err error
			if b, err = s.Store.Blob(ctx, c.RollForwardSHA256); err != nil {
				return nil, fmt.Errorf("certificate %d roll-forward: %w", c.ID, err)
			}
		}
		var sr storedRollForward
		if err := json.Unmarshal(b, &sr); err != nil {
			return nil, fmt.Errorf("certificate %d roll-forward: %w", c.ID, err)
		}
		r := &rollforward.Result{Previous: sr.PreviousAsOf, AsOf: sr.AsOf}
		var err error
		if r.Receivables.Sales, err = figureOf(sr.Receivables.Sales); err != nil {
			return nil, fmt.Errorf("certificate %d roll-forward sales: %w", c.ID, err)
		}
		if r.Receivables.CreditsTotal, err = figureOf(sr.Receivables.CreditsTotal); err != nil {
			return nil, fmt.Errorf("certificate %d roll-forward credits: %w", c.ID, err)
		}
		out = append(out, r)
		if sr.PreviousCertificate == 0 {
			break
		}
		if c, err = s.Store.Certificate(ctx, sr.PreviousCertificate); err != nil {
			return nil, err
		}
		if c.Status != store.Approved {
			break
		}
	}
	slices.Reverse(out)
	return out, nil
}

// journalTies finds the journal rows that do not tie to the agings: a row
// whose debtor is not in the customer master, and a row for an invoice the
// agings hold under another debtor. It also finds the invoice numbers of
// the previous aging used again: in this aging or the sales journal with
// another debtor or another invoice date.
func journalTies(prev, cur *collateral.Receivables, j collateral.Journals) (untied, reused []flaggedRow) {
	type held struct {
		debtor string
		date   date.Date
	}
	debtors := map[string]bool{}
	for _, d := range cur.Debtors {
		debtors[d.ID] = true
	}
	before := make(map[string]held, len(prev.Rows))
	for i, r := range prev.Rows {
		before[prev.InvoiceNo(i)] = held{prev.Debtors[r.Debtor].ID, r.InvoiceDate}
	}
	now := make(map[string]held, len(cur.Rows))
	for i, r := range cur.Rows {
		no := cur.InvoiceNo(i)
		h := held{cur.Debtors[r.Debtor].ID, r.InvoiceDate}
		now[no] = h
		if b, ok := before[no]; ok && b.debtor != h.debtor {
			reused = append(reused, flaggedRow{cur.File, int(r.Line), fmt.Sprintf("invoice %s of debtor %s was debtor %s's in the previous aging", no, h.debtor, b.debtor)})
		}
	}
	check := func(file string, line int, debtor, invoice string) {
		if !debtors[debtor] {
			untied = append(untied, flaggedRow{file, line, fmt.Sprintf("debtor %s (invoice %s) is not in the customer master", debtor, invoice)})
			return
		}
		for _, m := range []map[string]held{now, before} {
			if h, ok := m[invoice]; ok && h.debtor != debtor {
				untied = append(untied, flaggedRow{file, line, fmt.Sprintf("invoice %s is debtor %s's in the aging, not %s's", invoice, h.debtor, debtor)})
				return
			}
		}
	}
	if s := j.Sales; s != nil {
		for _, r := range s.Rows {
			check(s.File, r.Line, r.DebtorID, r.InvoiceNo)
			if b, ok := before[r.InvoiceNo]; ok && (b.debtor != r.DebtorID || b.date != r.InvoiceDate) {
				reused = append(reused, flaggedRow{s.File, r.Line, fmt.Sprintf("sale of invoice %s (debtor %s, %s) reuses the number of the previous aging's invoice of debtor %s dated %s",
					r.InvoiceNo, r.DebtorID, r.InvoiceDate, b.debtor, b.date)})
			}
		}
	}
	if c := j.Collections; c != nil {
		for _, r := range c.Rows {
			check(c.File, r.Line, r.DebtorID, r.InvoiceNo)
		}
	}
	if c := j.Credits; c != nil {
		for _, r := range c.Rows {
			check(c.File, r.Line, r.DebtorID, r.InvoiceNo)
		}
	}
	return untied, reused
}

// currentShare is the share of an aging's gross in invoices at most
// CurrentInvoiceDays old on asOf (false when the gross is 0).
func currentShare(r *collateral.Receivables, asOf date.Date) (money.Rate, bool) {
	var gross, current money.Amount
	for _, x := range r.Rows {
		gross += x.Amount
		if x.AgeDays(asOf) <= CurrentInvoiceDays {
			current += x.Amount
		}
	}
	if gross == 0 {
		return money.Rate{}, false
	}
	share, err := money.Div(current, gross)
	return share, err == nil
}

// qualityWarnings are the data-quality gates of a submission rolled
// forward (part of assessCertificate, the one place warnings are decided):
//
//   - unexplained_variance / inventory_unexplained_variance: the
//     roll-forward's unexplained variance is above the tolerance in
//     absolute value (facility setting rollforward_variance_tolerance,
//     DefaultVarianceTolerance when not set), or undetermined because a
//     journal it needs was not delivered;
//   - exception_KIND: one per kind of invoice-level exception, listing its
//     invoices with their rows;
//   - journal_not_in_aging: journal rows naming a debtor not in the
//     customer master or an invoice under another debtor than the agings';
//   - invoice_reused: an invoice number of the previous aging used again
//     with another debtor or invoice date;
//   - current_share_jump: the share of current invoices rises by more than
//     the facility's current_share_jump_points (DefaultCurrentShareJump).
func qualityWarnings(st Settings, r *rolled) []store.CertificateWarning {
	var out []store.CertificateWarning
	fig := func(name, label, value string) store.WarningFigure {
		return store.WarningFigure{Name: name, Label: label, Value: value}
	}
	warn := func(code, msg string, figs ...store.WarningFigure) {
		out = append(out, store.CertificateWarning{Code: code, Message: msg, Figures: figs})
	}
	rows := func(list []string) []store.WarningFigure {
		var f []store.WarningFigure
		for i, x := range list {
			if i == MaxWarningRows {
				f = append(f, fig("more", "More", fmt.Sprintf("%d more", len(list)-i)))
				break
			}
			f = append(f, fig("row", "Row", x))
		}
		return f
	}
	tol := DefaultVarianceTolerance
	if st.VarianceTolerance != nil {
		tol = *st.VarianceTolerance
	}
	res := r.Result
	period := fmt.Sprintf("(%s, %s]", res.Previous, res.AsOf)
	for _, v := range []struct {
		code, what        string
		variance          rollforward.Figure
		reported, expects rollforward.Figure
	}{{WarnVariance, "receivables", res.Receivables.UnexplainedVariance, res.Receivables.ReportedEnding, res.Receivables.ExpectedEnding},
		{WarnInventoryVariance, "inventory", res.Inventory.UnexplainedVariance, res.Inventory.ReportedEnding, res.Inventory.ExpectedEnding}} {
		base := []store.WarningFigure{fig("previous_certificate", "Previous approved certificate", strconv.FormatInt(r.Previous.ID, 10)),
			fig("tolerance", "Tolerance", tol.String())}
		if !v.variance.Known {
			warn(v.code, fmt.Sprintf("the %s roll-forward over %s cannot be closed: %s", v.what, period, v.variance.Reason), base...)
			continue
		}
		if abs(v.variance.Amount) > tol {
			warn(v.code, fmt.Sprintf("the %s roll-forward over %s leaves %s unexplained (reported ending %s, expected %s), more than the tolerance %s",
				v.what, period, v.variance.Amount.Grouped(), v.reported.Amount.Grouped(), v.expects.Amount.Grouped(), tol.Grouped()),
				append(base, fig("reported_ending", "Reported ending", v.reported.Amount.String()), fig("expected_ending", "Expected ending", v.expects.Amount.String()),
					fig("unexplained_variance", "Unexplained variance", v.variance.Amount.String()))...)
		}
	}
	for _, e := range res.Receivables.Exceptions {
		if e.Count == 0 {
			continue
		}
		var list []string
		for _, x := range e.Invoices {
			var refs []string
			for _, rr := range x.Rows {
				refs = append(refs, fmt.Sprintf("%s:%d", rr.File, rr.Line))
			}
			what := "difference " + x.Difference.Grouped()
			if e.Kind == rollforward.InvoiceDateChanged {
				what = fmt.Sprintf("invoice_date %s → %s", x.DateBefore, x.DateAfter)
			}
			list = append(list, fmt.Sprintf("invoice %s (debtor %s), %s: %s", x.InvoiceNo, x.DebtorID, what, strings.Join(refs, ", ")))
		}
		warn(WarnException+e.Kind, fmt.Sprintf("%d invoice(s) %s over %s, %s in all", e.Count, exceptionWords(e.Kind), period, e.Amount.Grouped()),
			append([]store.WarningFigure{fig("count", "Invoices", strconv.Itoa(e.Count)), fig("amount", "Amount", e.Amount.String())}, rows(list)...)...)
	}
	flagged := func(code, msg string, list []flaggedRow) {
		if len(list) == 0 {
			return
		}
		texts := make([]string, len(list))
		for i, x := range list {
			texts[i] = x.String()
		}
		warn(code, fmt.Sprintf(msg, len(list)), append([]store.WarningFigure{fig("count", "Rows", strconv.Itoa(len(list)))}, rows(texts)...)...)
	}
	flagged(WarnJournalUntied, "%d journal row(s) do not tie to the aging and the customer master", r.Untied)
	flagged(WarnInvoiceReused, "%d invoice number(s) of the previous aging are used again with another debtor or invoice date", r.Reused)
	if r.CurrentKnown {
		jump := DefaultCurrentShareJump
		if st.CurrentShareJumpPoints != nil {
			jump = *st.CurrentShareJumpPoints
		}
		rise := r.CurrentNow.Sub(r.CurrentBefore)
		if rise.Cmp(jump.MulRate(money.MustRate("0.01"))) > 0 {
			warn(WarnCurrentShareJump, fmt.Sprintf("the share of current invoices (at most %d days old) rises from %s on certificate %d to %s, more than %s points",
				CurrentInvoiceDays, money.MustRate(r.CurrentBefore.Fixed(4)).Percent(), r.Previous.ID, money.MustRate(r.CurrentNow.Fixed(4)).Percent(), jump),
				fig("previous_share", "Previous share", r.CurrentBefore.Fixed(4)), fig("share", "This share", r.CurrentNow.Fixed(4)),
				fig("limit_points", "Warned above (points)", jump.String()))
		}
	}
	return out
}

func exceptionWords(kind string) string {
	switch kind {
	case rollforward.NotInSalesJournal:
		return "are new in the aging with no sales row"
	case rollforward.Dropped:
		return "left the aging without the journals saying why"
	case rollforward.BalanceDiffers:
		return "have a balance the journals do not explain"
	case rollforward.InvoiceDateChanged:
		return "changed invoice date"
	}
	return "do not roll forward (" + kind + ")"
}

// RollForwardOf is a certificate's stored roll-forward decoded for
// display: what was computed on submission, never computed again. Amounts
// are the stored decimal strings, nil when undetermined.
type RollForwardOf struct {
	PreviousCertificate int64             `json:"previous_certificate"`
	AsOf                date.Date         `json:"as_of"`
	PreviousAsOf        date.Date         `json:"previous_as_of"`
	Receivables         ReceivablesRolled `json:"receivables"`
	Dilution            *DilutionStored   `json:"dilution"`
	DSO                 *string           `json:"dso"`
	Inventory           InventoryRolled   `json:"inventory"`
	Explanation         json.RawMessage   `json:"explanation"`
}

// ReceivablesRolled are the stored receivables roll-forward's figures.
type ReceivablesRolled struct {
	Beginning           *string                    `json:"beginning"`
	Sales               *string                    `json:"sales"`
	Collections         *string                    `json:"collections"`
	ReturnedItems       *string                    `json:"returned_items"`
	Credits             map[string]*string         `json:"credits"`
	CreditsTotal        *string                    `json:"credits_total"`
	ExpectedEnding      *string                    `json:"expected_ending"`
	ReportedEnding      *string                    `json:"reported_ending"`
	UnexplainedVariance *string                    `json:"unexplained_variance"`
	Exceptions          map[string]ExceptionStored `json:"exceptions"`
}

// ExceptionStored is one kind of exception's count and amount.
type ExceptionStored struct {
	Count  int    `json:"count"`
	Amount string `json:"amount"`
}

// DilutionStored is the stored dilution over the window.
type DilutionStored struct {
	WindowPeriods int     `json:"window_periods"`
	Sales         *string `json:"sales"`
	Credits       *string `json:"credits"`
	Ratio         *string `json:"ratio"`
}

// InventoryRolled are the stored inventory roll-forward's figures.
type InventoryRolled struct {
	Beginning           *string `json:"beginning"`
	Receipts            *string `json:"receipts"`
	Issues              *string `json:"issues"`
	Adjustments         *string `json:"adjustments"`
	ExpectedEnding      *string `json:"expected_ending"`
	ReportedEnding      *string `json:"reported_ending"`
	UnexplainedVariance *string `json:"unexplained_variance"`
}

// DecodeRollForward decodes a certificate's stored roll-forward (nil when
// it has none).
func DecodeRollForward(c store.Certificate) (*RollForwardOf, error) {
	if len(c.RollForward) == 0 {
		return nil, nil
	}
	var r RollForwardOf
	if err := json.Unmarshal(c.RollForward, &r); err != nil {
		return nil, fmt.Errorf("certificate %d roll-forward: %w", c.ID, err)
	}
	return &r, nil
}

// Measures are an approved certificate's stored roll-forward measures:
// dilution over the window ending with its period and its DSO, as stored
// on submission ("" when undetermined).
type Measures struct {
	Certificate   int64     `json:"certificate"`
	AsOf          date.Date `json:"as_of"`
	PreviousAsOf  date.Date `json:"previous_as_of"`
	Dilution      string    `json:"dilution"` // ratio, four places
	WindowPeriods int       `json:"window_periods"`
	Sales         string    `json:"sales"`   // Σ sales over the window
	Credits       string    `json:"credits"` // Σ credits over the window
	DSO           string    `json:"dso"`     // one place
}

// CertificateMeasures returns, for the facility's approved certificates
// with a stored roll-forward (those of ids, or all when ids is empty; an
// approved certificate later superseded is included: pass the ids of the
// certificates in force to leave it out), their stored dilution and DSO,
// by certificate id. Nothing is computed again: the figures are those the
// lender approved.
func (s *Service) CertificateMeasures(ctx context.Context, facility string, ids []int64) (map[int64]Measures, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return nil, err
	}
	cs, err := s.Store.Certificates(ctx, facility)
	if err != nil {
		return nil, err
	}
	out := map[int64]Measures{}
	for _, c := range cs {
		if c.Status != store.Approved || c.RollForwardSHA256 == "" || len(ids) > 0 && !slices.Contains(ids, c.ID) {
			continue
		}
		b, err := s.Store.Blob(ctx, c.RollForwardSHA256)
		if err != nil {
			return nil, fmt.Errorf("certificate %d roll-forward: %w", c.ID, err)
		}
		var sr storedRollForward
		if err := json.Unmarshal(b, &sr); err != nil {
			return nil, fmt.Errorf("certificate %d roll-forward: %w", c.ID, err)
		}
		m := Measures{Certificate: c.ID, AsOf: sr.AsOf, PreviousAsOf: sr.PreviousAsOf, DSO: str(sr.DSO)}
		if d := sr.Dilution; d != nil {
			m.Dilution, m.WindowPeriods, m.Sales, m.Credits = str(d.Ratio), d.WindowPeriods, str(d.Sales), str(d.Credits)
		}
		out[c.ID] = m
	}
	return out, nil
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// previousIn is previousApproved inside a transaction.
func previousIn(tx store.Tx, asOf date.Date) (store.Certificate, bool, error) {
	p, err := tx.CertificateInForce(asOf.AddDays(-1))
	switch {
	case err == nil:
		return p, true, nil
	case store.ErrorCode(err) == store.CodeNotFound:
		return store.Certificate{}, false, nil
	}
	return store.Certificate{}, false, err
}

// ApprovalNeedsComment reports whether approving the certificate needs a
// comment: it was submitted with a data-quality warning (DecideCertificate
// refuses the approval without one).
func ApprovalNeedsComment(c store.Certificate) bool {
	for _, w := range c.Warnings {
		if qualityCode(w.Code) {
			return true
		}
	}
	return false
}

// WarningCodes are every code a certificate's warning may have.
func WarningCodes() []string {
	out := []string{WarnStaleAging, WarnDuplicate, WarnMoved, WarnOveradvance, WarnSupersedes, WarnPendingSame,
		WarnVariance, WarnInventoryVariance, WarnJournalUntied, WarnInvoiceReused, WarnCurrentShareJump}
	for _, k := range rollforward.ExceptionKinds {
		out = append(out, WarnException+k)
	}
	return out
}
