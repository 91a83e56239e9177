package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"revolver/agreement"
	"revolver/borrowingbase"
	"revolver/collateral"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// StaleAgingDays: a certificate whose aging's newest invoice is more than
// this many days before its as-of date is submitted with a stale_aging
// warning. A borrower invoicing in the ordinary course has invoices in the
// last days of the period it reports on (the example borrower invoices
// every business day); ten days leaves room for a holiday week or a slow
// month end, while an aging run weeks earlier and sent for a later date
// (its newest invoice a month old) is flagged.
const StaleAgingDays = 10

// MaxCertificateUpload is the most a certificate's reports may take
// together as one upload (on every surface that takes them): a borrower
// with a million open invoices sends about 67 MB of CSV.
const MaxCertificateUpload = 128 << 20

// DefaultCertificateMoveShare is the share by which a borrowing base may
// move from the previous approved certificate before the submission is
// warned (facility setting certificate_move_warning_share). Month-to-month
// borrowing bases of a working-capital borrower move by a few percent;
// a fifth is a change a credit officer asks about before relying on it.
var DefaultCertificateMoveShare = money.MustRate("0.20")

// Warning codes of a certificate submission (store.CertificateWarning.Code).
const (
	WarnStaleAging  = "stale_aging"          // the aging's newest invoice is long before the as-of date
	WarnDuplicate   = "duplicate"            // the same three reports as an earlier certificate
	WarnMoved       = "borrowing_base_moved" // the borrowing base moves more than the set share from the previous approved certificate
	WarnOveradvance = "overadvance"          // loans on the as-of date above the availability the certificate gives
	WarnSupersedes  = "supersedes"           // an approved certificate for the same date exists: this one supersedes it
	WarnPendingSame = "pending_same_date"    // another certificate for the same date awaits review
)

// CertificateInput is a borrowing base certificate's reports (CSV, or
// XLSX when the name ends in .xlsx) as of a date, and the journals of the
// period since the previous approved certificate it may carry (a zero
// InputContent: not delivered). An input's Map (JSON of a
// collateral.ReportMap) is the column map and layout to read it with;
// without one, the facility's saved map of its kind is used
// (SetReportMap), or none.
type CertificateInput struct {
	Facility                        string
	AsOf                            date.Date
	Receivables, Debtors, Inventory store.InputContent
	// Sales, Collections, Credits and InventoryActivity are the period's
	// journals (the formats of docs/monitoring.md), each optional.
	Sales, Collections, Credits, InventoryActivity store.InputContent
	By                                             string
	// Attestation is the officer signing the certificate (nil: none
	// given); the words stated are the agreement's (AttestationText).
	Attestation *Attester
}

// Attester is the borrower's officer who signs a certificate.
type Attester struct{ Name, Title string }

// AttestationStandard is the market-standard statement of the officer
// signing a certificate where the agreement gives no wording of its own.
const AttestationStandard = "no Default or Event of Default exists"

// AttestationSetting is the setting of the terms that gives the
// agreement's wording of the certificate's attestation.
const AttestationSetting = "certificate_attestation"

// AttestationText is what the officer signing a certificate under terms t
// states: the agreement's wording where its terms give it (setting
// certificate_attestation, with its cite), otherwise AttestationStandard
// (cite "").
func AttestationText(t *agreement.Terms) (text, cite string) {
	if t != nil {
		if v, ok := t.Settings[AttestationSetting]; ok && v.Known() && strings.TrimSpace(v.Value) != "" {
			return strings.TrimSpace(v.Value), v.Cite.String()
		}
	}
	return AttestationStandard, ""
}

// AttestationRequiredSetting is the setting of the terms that requires
// every certificate to be submitted with the officer's attestation: "true"
// (or "yes", "required") requires it; absent, "false" or "no" does not.
const AttestationRequiredSetting = "certificate_attestation_required"

// AttestationRequired reports whether a certificate under terms t must
// carry the officer's attestation (setting certificate_attestation_required),
// with the setting's cite; a value that is neither yes nor no is refused.
func AttestationRequired(t *agreement.Terms) (required bool, cite string, err error) {
	if t == nil {
		return false, "", nil
	}
	v, ok := t.Settings[AttestationRequiredSetting]
	if !ok || !v.Known() {
		return false, "", nil
	}
	switch strings.ToLower(strings.TrimSpace(v.Value)) {
	case "true", "yes", "required":
		return true, v.Cite.String(), nil
	case "", "false", "no":
		return false, "", nil
	}
	return false, "", invalid("terms: setting %s: %q: expected true or false", AttestationRequiredSetting, v.Value)
}

// attestation is the attestation stored with a submission, or a refusal
// naming the field missing: the officer's name and title, required when
// the terms require the attestation (AttestationRequired).
func (in CertificateInput) attestation(t *agreement.Terms) (*store.Attestation, error) {
	a := in.Attestation
	if a == nil {
		req, cite, err := AttestationRequired(t)
		if err != nil {
			return nil, err
		}
		if req {
			if cite != "" {
				cite = " (" + cite + ")"
			}
			return nil, invalid("certificate as of %s: attestation name: required: the terms require the officer's attestation with every certificate%s: enter the name and title of the officer who signs it", in.AsOf, cite)
		}
		return nil, nil
	}
	name, title := strings.TrimSpace(a.Name), strings.TrimSpace(a.Title)
	switch {
	case name == "":
		return nil, invalid("certificate as of %s: attestation name: required: the name of the officer who signs the certificate", in.AsOf)
	case title == "":
		return nil, invalid("certificate as of %s: attestation title: required: the title of the officer who signs the certificate (e.g. Controller)", in.AsOf)
	}
	text, _ := AttestationText(t)
	return &store.Attestation{Name: name, Title: title, Text: text}, nil
}

// delivered reports whether an input was given.
func delivered(c store.InputContent) bool { return c.Name != "" || len(c.Content) > 0 }

// HasJournals reports whether the submission carries any journal.
func (in CertificateInput) HasJournals() bool {
	return delivered(in.Sales) || delivered(in.Collections) || delivered(in.Credits) || delivered(in.InventoryActivity)
}

// stored is what is stored of the submission's inputs, each with its
// kind: the three reports, then the journals delivered, in the order
// sales, collections, credits, inventory activity.
func (in CertificateInput) stored() []store.InputContent {
	kind := func(c store.InputContent, k string) store.InputContent { c.Kind = k; return c }
	out := []store.InputContent{kind(in.Receivables, store.InputReceivables), kind(in.Debtors, store.InputDebtors), kind(in.Inventory, store.InputInventory)}
	for _, j := range []struct {
		c store.InputContent
		k string
	}{{in.Sales, store.InputSales}, {in.Collections, store.InputCollections}, {in.Credits, store.InputCredits}, {in.InventoryActivity, store.InputInventoryActivity}} {
		if delivered(j.c) {
			out = append(out, kind(j.c, j.k))
		}
	}
	return out
}

// ReadReports parses the three reports, each with its map (Input.Map:
// the column map and layout it is read with; none, a plain report).
func ReadReports(in CertificateInput, currency string) (*collateral.Receivables, *collateral.Inventory, error) {
	invalid := func(err error) error {
		if store.ErrorCode(err) != "" && store.ErrorCode(err) != store.CodeInternal {
			return err
		}
		return &store.Error{Code: store.CodeInvalid, Message: err.Error(), Err: err}
	}
	dopt, err := readOptions(in.Debtors, currency)
	if err != nil {
		return nil, nil, err
	}
	debtors, err := readDebtors(in.Debtors, dopt)
	if err != nil {
		return nil, nil, invalid(err)
	}
	ropt, err := readOptions(in.Receivables, currency)
	if err != nil {
		return nil, nil, err
	}
	recv, err := readReceivables(in.Receivables, in.Debtors.Name, debtors, ropt)
	if err != nil {
		return nil, nil, invalid(err)
	}
	iopt, err := readOptions(in.Inventory, currency)
	if err != nil {
		return nil, nil, err
	}
	var inv *collateral.Inventory
	if isXLSXName(in.Inventory.Name) {
		inv, err = collateral.ReadInventoryXLSX(in.Inventory.Name, in.Inventory.Content, iopt)
	} else {
		inv, err = collateral.ReadInventory(in.Inventory.Name, in.Inventory.Content, iopt)
	}
	if err != nil {
		return nil, nil, invalid(err)
	}
	return recv, inv, nil
}

func isXLSXName(n string) bool { return strings.HasSuffix(strings.ToLower(n), ".xlsx") }

// readDebtors reads a customer master, CSV or XLSX by its name.
func readDebtors(c store.InputContent, opt collateral.Options) ([]collateral.Debtor, error) {
	if isXLSXName(c.Name) {
		return collateral.ReadDebtorsXLSX(c.Name, c.Content, opt)
	}
	return collateral.ReadDebtors(c.Name, c.Content, opt)
}

// readReceivables reads an aging against its customer master, CSV or
// XLSX by its name.
func readReceivables(c store.InputContent, debtorsFile string, debtors []collateral.Debtor, opt collateral.Options) (*collateral.Receivables, error) {
	if isXLSXName(c.Name) {
		return collateral.ReadReceivablesXLSX(c.Name, c.Content, debtorsFile, debtors, opt)
	}
	return collateral.ReadReceivables(c.Name, c.Content, debtorsFile, debtors, opt)
}

// datedAfter refuses reports that count what did not exist on the as-of
// date: invoices dated after it and inventory whose last movement is after
// it (a report as of a date shows that day's position). It names every row
// (the first collateral.MaxErrors, and how many in all).
func datedAfter(recv *collateral.Receivables, inv *collateral.Inventory, asOf date.Date) error {
	var list []*collateral.FieldError
	total := 0
	add := func(e *collateral.FieldError) {
		total++
		if len(list) < collateral.MaxErrors {
			list = append(list, e)
		}
	}
	expected := "a date on or before the as-of date " + asOf.String()
	for _, r := range recv.Rows {
		if r.InvoiceDate > asOf {
			add(&collateral.FieldError{File: recv.File, Line: int(r.Line), Column: "invoice_date", Value: r.InvoiceDate.String(), Expected: expected})
		}
	}
	for _, it := range inv.Rows {
		if it.LastMovement > asOf {
			add(&collateral.FieldError{File: inv.File, Line: int(it.Line), Column: "last_movement_date", Value: it.LastMovement.String(), Expected: expected})
		}
	}
	if total == 0 {
		return nil
	}
	errs := &collateral.Errors{List: list, Total: total}
	return &store.Error{Code: store.CodeInvalid, Err: errs,
		Message: fmt.Sprintf("certificate as of %s: %s dated after the as-of date, which the reports of that day cannot hold:\n%v", asOf, rowCount(total), errs)}
}

func rowCount(n int) string {
	if n == 1 {
		return "1 row is"
	}
	return strconv.Itoa(n) + " rows are"
}

// SubmitCertificate computes a borrowing base certificate from the reports
// under the terms in force on its date (t), with the letters of credit of
// the loan account on that date, and stores it submitted, with its inputs,
// its explanation (what its pages, PDF and XLSX show ever after) and its
// warnings (certificateWarnings). The borrowing base stored is before
// letters of credit (the availability test deducts the ledger's letters of
// credit itself).
//
// Refused, with nothing stored: an as-of date after the business date;
// reports with rows dated after the as-of date (each row named); a
// certificate whose borrowing base is undetermined (a term it needs is
// unknown). A certificate for a date that already has an approved
// certificate supersedes it (Certificate.Supersedes): it replaces it only
// once a lender approves it as a supersession.
//
// The same submission again (the same reports, names and contents, for the
// same date by the same person, while the first waits for review: a form
// sent twice, a retried upload) returns the first certificate and stores
// nothing.
func (s *Service) SubmitCertificate(ctx context.Context, t *agreement.Terms, in CertificateInput) (store.Certificate, *borrowingbase.Certificate, error) {
	ctx = named(ctx, OpSubmitCertificate)
	if err := authorize(ctx, ActSubmitCertificate, in.Facility); err != nil {
		return store.Certificate{}, nil, err
	}
	in.By = requester(ctx, in.By)
	att, err := in.attestation(t)
	if err != nil {
		return store.Certificate{}, nil, err
	}
	bd, err := s.BusinessDate(ctx)
	if err != nil {
		return store.Certificate{}, nil, err
	}
	if in.AsOf > bd {
		return store.Certificate{}, nil, store.Errorf(store.CodeInvalid,
			"certificate as of %s: the as-of date is after the business date %s; a certificate reports the collateral on a day that has passed", in.AsOf, bd)
	}
	const steps = 4
	ReportProgress(ctx, "certificate: reading the reports", 0, steps)
	// An input without a map of its own is read with the facility's map
	// of its kind (docs/reports.md), stored with it.
	if in, err = s.withReportMaps(ctx, in); err != nil {
		return store.Certificate{}, nil, err
	}
	recv, inv, err := ReadReports(in, t.Currency)
	if err != nil {
		return store.Certificate{}, nil, err
	}
	if err := datedAfter(recv, inv, in.AsOf); err != nil {
		return store.Certificate{}, nil, err
	}
	var journals collateral.Journals
	var prev store.Certificate
	hasPrev := false
	if in.HasJournals() {
		if journals, err = readJournals(in, t.Currency); err != nil {
			return store.Certificate{}, nil, err
		}
		if prev, hasPrev, err = previousApproved(ctx, s.Store, in.Facility, in.AsOf); err != nil {
			return store.Certificate{}, nil, err
		}
		if err := checkJournalPeriod(journals, prev.AsOf, in.AsOf, prev.ID); err != nil {
			return store.Certificate{}, nil, err
		}
	}
	// With journals and a previous approved certificate, the period
	// since it is rolled forward (stored with the certificate, frozen);
	// the dilution it measures is the borrowing base's.
	var roll *rolled
	if hasPrev {
		ReportProgress(ctx, "certificate: rolling forward from the previous certificate", 0, steps)
		if roll, err = s.rollForward(ctx, prev, t.Currency, recv, inv, journals, in.AsOf); err != nil {
			return store.Certificate{}, nil, err
		}
	}
	bal, err := s.Store.Balances(ctx, in.Facility, in.AsOf)
	if err != nil {
		return store.Certificate{}, nil, err
	}
	ReportProgress(ctx, "certificate: computing the borrowing base", 1, steps)
	cert, err := borrowingbase.Compute(borrowingbase.Input{Terms: t, AsOf: in.AsOf, Receivables: recv, Inventory: inv,
		LCOutstanding: bal[ledger.LCOutstanding], LCDrawn: bal[ledger.LCDrawn], Dilution: roll.MeasuredDilution()})
	if err != nil {
		return store.Certificate{}, nil, store.Errorf(store.CodeInvalid, "certificate as of %s: %v", in.AsOf, err)
	}
	if !cert.BorrowingBase.Known {
		var why []string
		for _, u := range cert.Undetermined {
			b, _ := json.Marshal(u)
			why = append(why, string(b))
		}
		return store.Certificate{}, cert, store.Errorf(store.CodeInvalid, "certificate as of %s: the borrowing base is undetermined: %s", in.AsOf, strings.Join(why, "; "))
	}
	// With a last-out tranche the certificate's last-out borrowing base is
	// stored with it: availability of the last-out loans is against it.
	var lastOut *money.Amount
	if lo := cert.LastOut; lo != nil {
		if !lo.Base.Known {
			var why []string
			for _, u := range cert.Undetermined {
				b, _ := json.Marshal(u)
				why = append(why, string(b))
			}
			return store.Certificate{}, cert, store.Errorf(store.CodeInvalid, "certificate as of %s: the last-out borrowing base is undetermined: %s", in.AsOf, strings.Join(why, "; "))
		}
		v := lo.Base.Amount
		lastOut = &v
	}
	ReportProgress(ctx, "certificate: explaining it", 2, steps)
	body, err := json.Marshal(cert)
	if err != nil {
		return store.Certificate{}, nil, err
	}
	docs, err := s.Store.Documents(ctx, in.Facility)
	if err != nil {
		return store.Certificate{}, nil, err
	}
	expl, err := encodeExplanation(cert, docs)
	if err != nil {
		return store.Certificate{}, nil, err
	}
	ft, err := s.facilityTerms(ctx, in.Facility, in.AsOf, t)
	if err != nil {
		return store.Certificate{}, nil, err
	}
	lcDeducted := cert.LCDeducted.Amount
	sub := submission{AsOf: in.AsOf, BorrowingBase: cert.BorrowingBase.Amount + lcDeducted, LastOutBase: lastOut, NewestInvoice: newestInvoice(recv)}
	if roll != nil {
		if err := roll.encode(sub.BorrowingBase); err != nil {
			return store.Certificate{}, nil, err
		}
		sub.Rolled = roll
	}
	inputs := in.stored()
	for _, x := range inputs[:3] {
		sum := sha256.Sum256(x.Content)
		sub.Inputs = append(sub.Inputs, hex.EncodeToString(sum[:]))
	}
	ReportProgress(ctx, "certificate: storing it", 3, steps)
	var c store.Certificate
	err = s.update(ctx, in.Facility, func(tx store.Tx) error {
		if same, ok, err := sameSubmission(tx, in); err != nil || ok {
			c = same
			return err
		}
		if in.HasJournals() {
			// The roll-forward starts from the previous approved
			// certificate as known at submission: one approved since
			// would make it another period.
			now, found, err := previousIn(tx, in.AsOf)
			if err != nil {
				return err
			}
			if found != hasPrev || now.ID != prev.ID {
				return store.Errorf(store.CodeConflict, "certificate as of %s: the previous approved certificate changed while it was being submitted (now %d, was %d): submit it again", in.AsOf, now.ID, prev.ID)
			}
		}
		a, err := assessCertificate(tx, ft, sub)
		if err != nil {
			return err
		}
		var rf []byte
		if roll != nil {
			rf = roll.JSON
		}
		d, err := tx.CreateCertificate(store.Certificate{Facility: in.Facility, AsOf: in.AsOf, Supersedes: a.Supersedes, PreparedBy: in.By, CreatedAt: s.now()})
		if err != nil {
			return err
		}
		c, err = tx.SubmitCertificate(d.ID, store.Submission{Body: body, Explanation: expl, Warnings: a.Warnings, RollForward: rf,
			BorrowingBase: sub.BorrowingBase, LastOutBase: lastOut, LCOutstanding: cert.LettersOfCredit, LCReserve: lcDeducted,
			Inputs: inputs, By: in.By, At: s.now(), Attestation: att})
		return err
	})
	if err != nil {
		return store.Certificate{}, nil, err
	}
	ReportProgress(ctx, "certificate: stored", steps, steps)
	return c, cert, nil
}

// sameSubmission finds the facility's certificate that is the submission
// in again: submitted by the same person for the same date with the same
// reports, and not yet decided.
func sameSubmission(tx store.Tx, in CertificateInput) (store.Certificate, bool, error) {
	cs, err := tx.Certificates()
	if err != nil {
		return store.Certificate{}, false, err
	}
	want := in.stored()
	for i := len(cs) - 1; i >= 0; i-- {
		c := cs[i]
		if c.Status != store.Submitted || c.AsOf != in.AsOf || c.SubmittedBy != in.By || len(c.Inputs) != len(want) {
			continue
		}
		same := true
		for j, w := range want {
			sum := sha256.Sum256(w.Content)
			if c.Inputs[j].Name != w.Name || c.Inputs[j].SHA256 != hex.EncodeToString(sum[:]) || c.Inputs[j].Kind != "" && c.Inputs[j].Kind != w.Kind ||
				mapKey(c.Inputs[j].Map) != mapKey(w.Map) { // the same file read with another map is another submission
				same = false
			}
		}
		if same {
			c, err := tx.Certificate(c.ID)
			return c, err == nil, err
		}
	}
	return store.Certificate{}, false, nil
}

// facilityTerms are the ledger terms as of the date from the Terms source,
// or, without one, from the agreement terms t.
func (s *Service) facilityTerms(ctx context.Context, facility string, asOf date.Date, t *agreement.Terms) (FacilityTerms, error) {
	if s.Terms != nil {
		return s.Terms.Terms(ctx, facility, asOf)
	}
	return FromAgreement(t, "")
}

func newestInvoice(recv *collateral.Receivables) date.Date {
	var d date.Date
	for _, r := range recv.Rows {
		d = max(d, r.InvoiceDate)
	}
	return d
}

// submission is what the warnings look at in a certificate being submitted.
type submission struct {
	AsOf date.Date
	// BorrowingBase before letters of credit, as stored.
	BorrowingBase money.Amount
	// LastOutBase is its last-out borrowing base (nil: no last-out
	// tranche).
	LastOutBase *money.Amount
	// NewestInvoice is the latest invoice date of the aging (0: no rows).
	NewestInvoice date.Date
	// Inputs are the SHA-256 of receivables, debtors and inventory (the
	// journals are not compared: the same reports are a duplicate whatever
	// journals come with them).
	Inputs []string
	// Rolled is the roll-forward from the previous approved certificate
	// (nil: no journals, or no previous approved certificate).
	Rolled *rolled
}

// assessment is what a submission would change: the certificate it
// supersedes and its warnings.
type assessment struct {
	Supersedes int64
	Warnings   []store.CertificateWarning
}

// assessCertificate decides the warnings of a certificate being submitted,
// inside the submission's transaction. It is the one place they are
// decided:
//
//   - stale_aging: the aging's newest invoice is more than StaleAgingDays
//     before the as-of date;
//   - duplicate: the same three reports (by SHA-256) as an earlier
//     certificate of the facility;
//   - borrowing_base_moved: the borrowing base differs from the previous
//     approved certificate's (the one in force on the as-of date) by more
//     than the facility's certificate_move_warning_share
//     (DefaultCertificateMoveShare when not set) of it, with availability
//     on the as-of date before and after;
//   - overadvance: the loans on the as-of date exceed the availability the
//     certificate would give on that date (availability before and after);
//   - supersedes: the as-of date has an approved certificate in force,
//     which this one supersedes once approved as such (availability before
//     and after);
//   - pending_same_date: another certificate for the same date awaits
//     review;
//   - with a roll-forward (journals and a previous approved certificate),
//     the data-quality gates of qualityWarnings.
func assessCertificate(tx store.Tx, ft FacilityTerms, sub submission) (assessment, error) {
	var a assessment
	warn := func(code, msg string, figs ...store.WarningFigure) {
		a.Warnings = append(a.Warnings, store.CertificateWarning{Code: code, Message: msg, Figures: figs})
	}
	fig := func(name, label, value string) store.WarningFigure {
		return store.WarningFigure{Name: name, Label: label, Value: value}
	}
	if sub.NewestInvoice != 0 && sub.AsOf.Sub(sub.NewestInvoice) > StaleAgingDays {
		days := sub.AsOf.Sub(sub.NewestInvoice)
		warn(WarnStaleAging, fmt.Sprintf("the aging's newest invoice is dated %s, %d days before the as-of date %s (more than %d): the aging may not be as of %s",
			sub.NewestInvoice, days, sub.AsOf, StaleAgingDays, sub.AsOf),
			fig("newest_invoice", "Newest invoice", sub.NewestInvoice.String()), fig("days", "Days before the as-of date", strconv.Itoa(days)),
			fig("limit_days", "Warned above", strconv.Itoa(StaleAgingDays)))
	}
	certs, err := tx.Certificates()
	if err != nil {
		return a, err
	}
	for _, c := range certs {
		if c.Status == store.Draft || len(c.Inputs) < len(sub.Inputs) {
			continue
		}
		same := true
		for i, h := range sub.Inputs {
			same = same && c.Inputs[i].SHA256 == h
		}
		if same {
			warn(WarnDuplicate, fmt.Sprintf("the same three reports as certificate %d as of %s (%s): a resubmission of the same files", c.ID, c.AsOf, c.Status),
				fig("certificate", "Earlier certificate", strconv.FormatInt(c.ID, 10)), fig("as_of", "Its as-of date", c.AsOf.String()),
				fig("status", "Its status", string(c.Status)))
			break
		}
	}
	for _, c := range certs {
		if c.Status == store.Submitted && c.AsOf == sub.AsOf {
			warn(WarnPendingSame, fmt.Sprintf("certificate %d as of the same date awaits review too: once one of them is approved the other can only be rejected or withdrawn", c.ID),
				fig("certificate", "Other certificate", strconv.FormatInt(c.ID, 10)))
		}
	}
	var prev money.Amount
	prevID := int64(0)
	switch p, err := tx.CertificateInForce(sub.AsOf); {
	case err == nil:
		prev, prevID = p.BorrowingBase, p.ID
		if p.AsOf == sub.AsOf {
			a.Supersedes = p.ID
			warn(WarnSupersedes, fmt.Sprintf("certificate %d is approved for %s: this certificate supersedes it, and replaces it only when a lender approves it as a supersession", p.ID, sub.AsOf),
				fig("supersedes", "Supersedes certificate", strconv.FormatInt(p.ID, 10)), fig("borrowing_base", "Its borrowing base", p.BorrowingBase.String()))
		}
	case store.ErrorCode(err) != store.CodeNotFound:
		return a, err
	}
	before, after, loans, err := availabilityWith(tx, ft, sub.AsOf, prev, sub.BorrowingBase, sub.LastOutBase)
	if err != nil {
		return a, err
	}
	effect := []store.WarningFigure{fig("availability_before", "Availability before", before.String()), fig("availability_after", "Availability after", after.String())}
	if a.Supersedes != 0 {
		w := &a.Warnings[len(a.Warnings)-1]
		w.Figures = append(w.Figures, effect...)
	}
	if prevID != 0 {
		share, err := ParseSettings(tx.Facility())
		if err != nil {
			return a, err
		}
		limit := DefaultCertificateMoveShare
		if share.CertificateMoveShare != nil {
			limit = *share.CertificateMoveShare
		}
		move := sub.BorrowingBase - prev
		if prev != 0 {
			r, err := money.Div(abs(move), abs(prev))
			if err != nil {
				return a, err
			}
			if r.Cmp(limit) > 0 {
				warn(WarnMoved, fmt.Sprintf("the borrowing base moves by %s (%s) from %s on certificate %d to %s, more than %s",
					move.Grouped(), money.MustRate(r.Fixed(3)).Percent(), prev.Grouped(), prevID, sub.BorrowingBase.Grouped(), limit.Percent()),
					append([]store.WarningFigure{fig("previous_certificate", "Previous approved certificate", strconv.FormatInt(prevID, 10)),
						fig("previous_borrowing_base", "Its borrowing base", prev.String()), fig("borrowing_base", "This borrowing base", sub.BorrowingBase.String()),
						fig("move", "Move", move.String()), fig("share", "Share", r.Fixed(4)), fig("limit_share", "Warned above", limit.String())}, effect...)...)
			}
		}
	}
	if sub.Rolled != nil {
		st, err := ParseSettings(tx.Facility())
		if err != nil {
			return a, err
		}
		a.Warnings = append(a.Warnings, qualityWarnings(st, sub.Rolled)...)
	}
	if after < 0 {
		warn(WarnOveradvance, fmt.Sprintf("loans of %s on %s exceed what this certificate allows: availability would be %s (now %s), an overadvance of %s",
			loans.Grouped(), sub.AsOf, after.Grouped(), before.Grouped(), (-after).Grouped()),
			fig("loans", "Loans on the as-of date", loans.String()), fig("availability_before", "Availability before", before.String()),
			fig("availability_after", "Availability after", after.String()), fig("overadvance", "Overadvance", (-after).String()))
	}
	return a, nil
}

func abs(a money.Amount) money.Amount {
	if a < 0 {
		return -a
	}
	return a
}

// availabilityWith is availability on asOf (before any block by the
// termination date or a default) with the certificate in force (its
// borrowing base prev, 0 if none) and with one of borrowing base bb in its
// place, and the loans it is computed on.
func availabilityWith(tx store.Tx, ft FacilityTerms, asOf date.Date, prev, bb money.Amount, lastOut *money.Amount) (before, after, loans money.Amount, err error) {
	// Every certificate approved so far counts (the farthest known-at).
	in, err := tx.AvailabilityInputs(asOf, date.Max.Time(), false)
	if err != nil {
		return 0, 0, 0, err
	}
	l := limitsOn(ft, asOf, in, in.Balances, nil)
	b := ledger.ComputeAvailability(l)
	// The loans of both tranches, with a last-out tranche.
	before, loans = b.Available, b.LoansOutstanding
	var cur money.Amount
	if l.Certificate != nil {
		cur = l.Certificate.BorrowingBase
	}
	l.Certificate = &ledger.Certificate{AsOf: asOf, BorrowingBase: cur + bb - prev, LastOutBase: lastOut}
	after = ledger.ComputeAvailability(l).Available
	return before, after, loans, nil
}

// CertificateDecision is a lender's decision on a submitted certificate.
type CertificateDecision struct {
	Status  store.CertificateStatus // store.Approved or store.Rejected
	By      string
	Comment string // required to reject, and to approve a certificate with data-quality warnings
	// Supersedes acknowledges an approval as a supersession: it must name
	// the certificate a superseding certificate replaces (and be 0 for one
	// that supersedes none).
	Supersedes int64
}

// DecideCertificate approves or rejects a submitted certificate of the
// facility. The reviewer must not be who submitted or prepared it
// (maker-checker). A certificate that supersedes an approved one is
// approved only as a supersession (d.Supersedes names it), and only while
// the one it supersedes is still the approved certificate for its date: a
// certificate for a date approved after it was submitted can only be
// rejected or withdrawn (and submitted again, to supersede). A retried
// decision by the same reviewer returns the certificate as decided.
func (s *Service) DecideCertificate(ctx context.Context, facility string, id int64, d CertificateDecision) (before, after store.Certificate, err error) {
	if d.Status == store.Rejected {
		ctx = named(ctx, OpRejectCertificate)
	} else {
		ctx = named(ctx, OpApproveCertificate)
	}
	if err := authorize(ctx, ActDecideCertificate, facility); err != nil {
		return before, after, err
	}
	d.By = requester(ctx, d.By)
	err = s.update(ctx, facility, func(tx store.Tx) error {
		before, err = tx.Certificate(id)
		if err != nil {
			return err
		}
		if before.Status == d.Status && d.By != "" && before.Reviewer == d.By {
			after = before
			return nil
		}
		if d.Status != store.Approved && d.Status != store.Rejected {
			return store.Errorf(store.CodeInvalid, "decide certificate %d: %q, expected approved or rejected", id, d.Status)
		}
		if d.Status == store.Rejected && d.Comment == "" {
			return store.Errorf(store.CodeInvalid, "reject certificate %d: a comment saying why is required", id)
		}
		if d.Status == store.Approved && strings.TrimSpace(d.Comment) == "" && ApprovalNeedsComment(before) {
			return store.Errorf(store.CodeInvalid, "approve certificate %d: it was submitted with data-quality warnings: a comment saying why it is approved all the same is required", id)
		}
		if d.By == "" || d.By == before.SubmittedBy || d.By == before.PreparedBy {
			return store.Errorf(store.CodeForbidden, "certificate %d was submitted by %s: someone else must approve or reject it", id, before.SubmittedBy)
		}
		if d.Status == store.Approved && before.Status == store.Submitted {
			if err := checkSupersession(tx, before, d.Supersedes); err != nil {
				return err
			}
		}
		after, err = tx.DecideCertificate(id, store.Decision{Status: d.Status, Reviewer: d.By, Comment: d.Comment, At: s.now()})
		return err
	})
	return before, after, err
}

// checkSupersession refuses to approve c unless the approval acknowledges
// what it supersedes (ack) and that is still the approved certificate in
// force for c's date.
func checkSupersession(tx store.Tx, c store.Certificate, ack int64) error {
	current := int64(0)
	switch p, err := tx.CertificateInForce(c.AsOf); {
	case err == nil && p.AsOf == c.AsOf:
		current = p.ID
	case err != nil && store.ErrorCode(err) != store.CodeNotFound:
		return err
	}
	switch {
	case current != c.Supersedes && c.Supersedes == 0:
		return store.Errorf(store.CodeConflict, "certificate %d as of %s cannot be approved: certificate %d was approved for that date after it was submitted; reject or withdraw it and submit again to supersede %d",
			c.ID, c.AsOf, current, current)
	case current != c.Supersedes:
		return store.Errorf(store.CodeConflict, "certificate %d as of %s cannot be approved: it supersedes certificate %d, but the approved certificate for that date is now %d; reject or withdraw it and submit again",
			c.ID, c.AsOf, c.Supersedes, current)
	case c.Supersedes != 0 && ack != c.Supersedes:
		return store.Errorf(store.CodeInvalid, "certificate %d supersedes certificate %d approved for %s: approve it as a supersession of certificate %d (supersedes: %d)",
			c.ID, c.Supersedes, c.AsOf, c.Supersedes, c.Supersedes)
	case c.Supersedes == 0 && ack != 0:
		return store.Errorf(store.CodeInvalid, "certificate %d supersedes no certificate: approve it without supersedes (found %d)", c.ID, ack)
	}
	return nil
}

// WithdrawCertificate withdraws a submitted certificate not yet decided.
// The borrower withdraws (ActWithdrawCertificate): a user of the borrower,
// or, acting for no person (the command line), whoever submitted or
// prepared it; a lender decides instead (approve or reject). A retried
// withdrawal by the same person returns the certificate as withdrawn.
func (s *Service) WithdrawCertificate(ctx context.Context, facility string, id int64, by, reason string) (before, after store.Certificate, err error) {
	ctx = named(ctx, OpWithdrawCertificate)
	if err := authorize(ctx, ActWithdrawCertificate, facility); err != nil {
		return before, after, err
	}
	by = requester(ctx, by)
	err = s.update(ctx, facility, func(tx store.Tx) error {
		before, err = tx.Certificate(id)
		if err != nil {
			return err
		}
		if before.Status == store.Withdrawn && by != "" && before.Reviewer == by {
			after = before
			return nil
		}
		a, _ := ActorFrom(ctx)
		if by == "" || by != before.SubmittedBy && by != before.PreparedBy && a.Role != store.RoleBorrower {
			return store.Errorf(store.CodeForbidden, "certificate %d was submitted by %s: only the borrower withdraws a certificate; a lender approves or rejects it", id, before.SubmittedBy)
		}
		if before.Status != store.Submitted {
			return store.Errorf(store.CodeConflict, "certificate %d is %s; only a submitted certificate not yet decided can be withdrawn", id, before.Status)
		}
		after, err = tx.DecideCertificate(id, store.Decision{Status: store.Withdrawn, Reviewer: by, Comment: reason, At: s.now()})
		return err
	})
	return before, after, err
}
