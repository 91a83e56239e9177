package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	"revolver/agreement"
	"revolver/borrowingbase"
	"revolver/collateral"
	"revolver/date"
	"revolver/ledger"
	"revolver/store"
)

// CertificateInput is a borrowing base certificate's reports (CSV, or
// XLSX when the name ends in .xlsx) as of a date.
type CertificateInput struct {
	Facility                        string
	AsOf                            date.Date
	Receivables, Debtors, Inventory store.InputContent
	By                              string
}

// ReadReports parses the three reports.
func ReadReports(in CertificateInput, currency string) (*collateral.Receivables, *collateral.Inventory, error) {
	opt := collateral.Options{Currency: currency}
	xlsx := func(n string) bool { return strings.HasSuffix(strings.ToLower(n), ".xlsx") }
	var debtors []collateral.Debtor
	var err error
	if xlsx(in.Debtors.Name) {
		debtors, err = collateral.ReadDebtorsXLSX(in.Debtors.Name, in.Debtors.Content, opt)
	} else {
		debtors, err = collateral.ReadDebtors(in.Debtors.Name, in.Debtors.Content, opt)
	}
	if err != nil {
		return nil, nil, store.Errorf(store.CodeInvalid, "%v", err)
	}
	var recv *collateral.Receivables
	if xlsx(in.Receivables.Name) {
		recv, err = collateral.ReadReceivablesXLSX(in.Receivables.Name, in.Receivables.Content, in.Debtors.Name, debtors, opt)
	} else {
		recv, err = collateral.ReadReceivables(in.Receivables.Name, in.Receivables.Content, in.Debtors.Name, debtors, opt)
	}
	if err != nil {
		return nil, nil, store.Errorf(store.CodeInvalid, "%v", err)
	}
	var inv *collateral.Inventory
	if xlsx(in.Inventory.Name) {
		inv, err = collateral.ReadInventoryXLSX(in.Inventory.Name, in.Inventory.Content, opt)
	} else {
		inv, err = collateral.ReadInventory(in.Inventory.Name, in.Inventory.Content, opt)
	}
	if err != nil {
		return nil, nil, store.Errorf(store.CodeInvalid, "%v", err)
	}
	return recv, inv, nil
}

// SubmitCertificate computes a borrowing base certificate from the reports
// under the terms in force on its date (t), with the letters of credit of
// the loan account on that date, and stores it submitted, with its inputs.
// The borrowing base stored is before letters of credit (the availability
// test deducts the ledger's letters of credit itself). A certificate whose
// borrowing base is undetermined (a term it needs is unknown) is refused
// and nothing is stored. The same submission again (the same reports,
// names and contents, for the same date by the same person, while the
// first waits for review: a form sent twice, a retried upload) returns
// the first certificate and stores nothing.
func (s *Service) SubmitCertificate(ctx context.Context, t *agreement.Terms, in CertificateInput) (store.Certificate, *borrowingbase.Certificate, error) {
	if err := authorize(ctx, ActSubmitCertificate, in.Facility); err != nil {
		return store.Certificate{}, nil, err
	}
	in.By = requester(ctx, in.By)
	recv, inv, err := ReadReports(in, t.Currency)
	if err != nil {
		return store.Certificate{}, nil, err
	}
	bal, err := s.Store.Balances(ctx, in.Facility, in.AsOf)
	if err != nil {
		return store.Certificate{}, nil, err
	}
	cert, err := borrowingbase.Compute(borrowingbase.Input{Terms: t, AsOf: in.AsOf, Receivables: recv, Inventory: inv,
		LCOutstanding: bal[ledger.LCOutstanding], LCDrawn: bal[ledger.LCDrawn]})
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
	body, err := json.Marshal(cert)
	if err != nil {
		return store.Certificate{}, nil, err
	}
	var lcDeducted = cert.LCDeducted.Amount
	var c store.Certificate
	err = s.update(ctx, in.Facility, func(tx store.Tx) error {
		if same, ok, err := s.sameSubmission(ctx, tx, in); err != nil || ok {
			c = same
			return err
		}
		d, err := tx.CreateCertificate(store.Certificate{Facility: in.Facility, AsOf: in.AsOf, PreparedBy: in.By, CreatedAt: s.now()})
		if err != nil {
			return err
		}
		c, err = tx.SubmitCertificate(d.ID, store.Submission{Body: body,
			BorrowingBase: cert.BorrowingBase.Amount + lcDeducted, LCOutstanding: cert.LettersOfCredit, LCReserve: lcDeducted,
			Inputs: []store.InputContent{in.Receivables, in.Debtors, in.Inventory}, By: in.By, At: s.now()})
		return err
	})
	if err != nil {
		return store.Certificate{}, nil, err
	}
	return c, cert, nil
}

// sameSubmission finds the facility's certificate that is the submission
// in again: submitted by the same person for the same date with the same
// reports, and not yet decided.
func (s *Service) sameSubmission(ctx context.Context, tx store.Tx, in CertificateInput) (store.Certificate, bool, error) {
	cs, err := s.Store.Certificates(ctx, in.Facility)
	if err != nil {
		return store.Certificate{}, false, err
	}
	want := []store.InputContent{in.Receivables, in.Debtors, in.Inventory}
	for i := len(cs) - 1; i >= 0; i-- {
		if c := cs[i]; c.Status != store.Submitted || c.AsOf != in.AsOf || c.SubmittedBy != in.By {
			continue
		}
		c, err := tx.Certificate(cs[i].ID)
		if err != nil {
			return store.Certificate{}, false, err
		}
		if c.Status != store.Submitted || len(c.Inputs) != len(want) {
			continue
		}
		same := true
		for j, w := range want {
			sum := sha256.Sum256(w.Content)
			if c.Inputs[j].Name != w.Name || c.Inputs[j].SHA256 != hex.EncodeToString(sum[:]) {
				same = false
			}
		}
		if same {
			return c, true, nil
		}
	}
	return store.Certificate{}, false, nil
}

// DecideCertificate approves or rejects a submitted certificate of the
// facility. The reviewer must not be who submitted or prepared it
// (maker-checker). A retried decision by the same reviewer returns the
// certificate as decided.
func (s *Service) DecideCertificate(ctx context.Context, facility string, id int64, status store.CertificateStatus, by, comment string) (before, after store.Certificate, err error) {
	if err := authorize(ctx, ActDecideCertificate, facility); err != nil {
		return before, after, err
	}
	by = requester(ctx, by)
	err = s.update(ctx, facility, func(tx store.Tx) error {
		before, err = tx.Certificate(id)
		if err != nil {
			return err
		}
		if before.Status == status && by != "" && before.Reviewer == by {
			after = before
			return nil
		}
		if status == store.Rejected && comment == "" {
			return store.Errorf(store.CodeInvalid, "reject certificate %d: a comment saying why is required", id)
		}
		if by == "" || by == before.SubmittedBy || by == before.PreparedBy {
			return store.Errorf(store.CodeForbidden, "certificate %d was submitted by %s: someone else must approve or reject it", id, before.SubmittedBy)
		}
		after, err = tx.DecideCertificate(id, store.Decision{Status: status, Reviewer: by, Comment: comment, At: s.now()})
		return err
	})
	return before, after, err
}
