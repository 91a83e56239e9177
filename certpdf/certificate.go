package certpdf

import (
	"fmt"
	"strings"
	"time"

	"revolver/app"
	"revolver/explain"
	"revolver/money"
	"revolver/store"
)

// Certificate is what a borrowing base certificate's PDF prints: its
// stored record and, once it is approved, the loans, letters of credit
// and availability on its date as known when it was approved
// (app.Service.Availability with the certificate in force: Position's
// certificate is Record's). Position nil: the certificate is not in force
// (not approved, or superseded), and the PDF says so.
type Certificate struct {
	FacilityName string
	FacilitySlug string
	Record       *app.CertificateRecord
	Position     *app.Availability
}

// CertificateName is the file name of the certificate's PDF.
func CertificateName(c Certificate) string {
	rc := c.Record.Certificate
	return fmt.Sprintf("%s-certificate-%d-%s.pdf", c.FacilitySlug, rc.ID, rc.AsOf)
}

// CertificateBytes prints the certificate; the same record (and
// position) prints the same bytes.
func CertificateBytes(c Certificate) ([]byte, error) { return certificate(c, true) }

// lastChange is when a certificate last changed: created, submitted or
// decided.
func lastChange(c store.Certificate) time.Time {
	t := c.CreatedAt
	for _, x := range []time.Time{c.SubmittedAt, c.DecidedAt} {
		if x.After(t) {
			t = x
		}
	}
	return t
}

func certificate(in Certificate, compress bool) ([]byte, error) {
	rec := in.Record
	if rec == nil || rec.Explanation == nil {
		return nil, fmt.Errorf("certificate PDF: no record")
	}
	c := rec.Certificate
	d := newDoc("Borrowing Base Certificate", "Borrowing Base Certificate", lastChange(c), compress)
	d.title("Borrowing Base Certificate", in.FacilityName)
	meta := [][2]string{
		{"Certificate", fmt.Sprintf("No. %d", c.ID)},
		{"As of", c.AsOf.String() + " (" + c.AsOf.Time().Format("Monday 2 January 2006") + ")"},
		{"Status", string(c.Status)},
		{"Submitted", c.SubmittedBy + ", " + c.SubmittedAt.UTC().Format("2006-01-02 15:04 UTC")},
	}
	if c.Supersedes != 0 {
		meta = append(meta, [2]string{"Supersedes", fmt.Sprintf("No. %d, for the same date", c.Supersedes)})
	}
	if c.Reviewer != "" && c.Status != "" {
		meta = append(meta, [2]string{strings.ToUpper(string(c.Status[:1])) + string(c.Status[1:]), c.Reviewer + ", " + c.DecidedAt.UTC().Format("2006-01-02 15:04 UTC")})
	}
	d.meta(meta)

	d.heading("Borrowing base (Amount in " + rec.Currency + ")")
	var walk func(n *explain.Node, depth int)
	walk = func(n *explain.Node, depth int) {
		d.row(float64(depth)*5, n.Label, Figure(n.Value), len(n.Children) > 0 || depth == 0, true)
		for _, ch := range n.Children {
			walk(ch, depth+1)
		}
	}
	walk(rec.Explanation, 0)

	d.heading(fmt.Sprintf("Loans, letters of credit and availability on %s", c.AsOf))
	if p := in.Position; p != nil {
		d.pdf.SetFont("Helvetica", "", 8.5)
		d.pdf.MultiCell(0, 4.5, d.tr(fmt.Sprintf("As known at %s, with this certificate in force.", p.KnownAt.UTC().Format("2006-01-02 15:04 UTC"))), "", "L", false)
		amt := func(a money.Amount) string { return Figure(a.String()) }
		d.row(0, "Commitment", amt(p.Commitment), false, true)
		if p.AdvanceCap != nil {
			d.row(0, "Advance cap", amt(*p.AdvanceCap), false, true)
		}
		d.row(0, "Borrowing base shown by this certificate", Figure(rec.BorrowingBase()), false, true)
		if p.Exclusions != 0 {
			d.row(5, "less exclusions", amt(p.Exclusions), false, true)
		}
		if p.BaseReserves != 0 {
			d.row(5, "less reserves off the borrowing base", amt(p.BaseReserves), false, true)
		}
		d.row(0, "Borrowing base the limit compares", amt(p.CertificateBase), false, true)
		d.row(0, "Limit (lesser of commitment, advance cap and borrowing base; binding: "+strings.ReplaceAll(p.Binding, "_", " ")+")", amt(p.Limit), true, true)
		d.row(0, "Letters of credit outstanding", amt(p.LettersOfCredit.Outstanding), false, true)
		d.row(0, "Letters of credit drawn and unreimbursed", amt(p.LettersOfCredit.Drawn), false, true)
		if p.LettersOfCredit.FromBorrowingBase != 0 {
			d.row(5, "deducted from the borrowing base", amt(p.LettersOfCredit.FromBorrowingBase), false, true)
		}
		if p.LettersOfCredit.FromAvailability != 0 {
			d.row(5, "deducted from availability", amt(p.LettersOfCredit.FromAvailability), false, true)
		}
		if p.LineReserves != 0 {
			d.row(0, "Reserves off availability under the line", amt(p.LineReserves), false, true)
		}
		d.row(0, "Loans outstanding", amt(p.LoansOutstanding), false, true)
		avail := "undetermined"
		if p.Determined {
			avail = amt(p.Available)
		}
		d.row(0, "Availability", avail, true, true)
		if o := p.Availability.Overadvance(); o != 0 {
			d.row(0, "Overadvance", amt(o), true, true)
		}
		for _, b := range p.Blocked {
			d.row(0, "No advance may be made: "+b.Message, "", false, false)
		}
	} else {
		d.pdf.SetFont("Helvetica", "", 9.5)
		why := "This certificate is " + string(c.Status) + ": the loans, letters of credit and availability on its date are printed once a lender approves it."
		switch c.Status {
		case store.Rejected, store.Withdrawn:
			why = "This certificate was " + string(c.Status) + " and was never in force: no loans, letters of credit or availability are printed with it."
		case store.Approved:
			why = "This certificate is not the one in force on its date (superseded): the loans, letters of credit and availability on its date are those of the certificate in force."
		}
		d.pdf.MultiCell(0, 5, d.tr(why), "", "L", false)
	}

	prepared := fmt.Sprintf("that this Borrowing Base Certificate "+
		"was prepared from the Borrower's books and records as of %s, that the receivables aging, debtor list and inventory report "+
		"it was computed from (SHA-256 below) are true, correct and complete, that the Borrowing Base shown was determined "+
		"in accordance with the Loan Agreement as amended", c.AsOf)
	if a := c.Attestation; a != nil {
		// The words the officer signed with the submission, as stored.
		d.attest(fmt.Sprintf("The undersigned, %s, %s of the Borrower, certifies to the Lender %s, and attests: %s", a.Name, a.Title, prepared, a.Text),
			"For the Borrower", a.Name, a.Title)
	} else {
		d.attest("The undersigned officer of the Borrower certifies to the Lender "+prepared+", and that no Default or Event of Default exists.", "For the Borrower")
	}
	d.pdf.Ln(3)
	var hashes []string
	for _, f := range c.Inputs {
		hashes = append(hashes, fmt.Sprintf("%s (%d bytes) SHA-256 %s", f.Name, f.Size, f.SHA256))
	}
	if c.BodySHA256 != "" {
		hashes = append(hashes, "Computed certificate SHA-256 "+c.BodySHA256)
	}
	if c.ExplanationSHA256 != "" {
		hashes = append(hashes, "Explanation SHA-256 "+c.ExplanationSHA256)
	}
	if rec.Recomputed {
		hashes = append(hashes, "Stored before explanations were kept: the lines are its reports computed again.")
	}
	d.small(hashes...)
	return d.bytes()
}
