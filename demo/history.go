package demo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"revolver/app"
	"revolver/bai2"
	"revolver/date"
	"revolver/examples"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// certPlan is a borrowing base certificate of a demo's history: the
// borrower's reports as of asOf submitted by by on submit at submitAt
// (hour, minute), approved by the officer with comment on approve at
// approveAt.
type certPlan struct {
	asOf, submit, approve date.Date
	submitAt, approveAt   [2]int
	by, comment           string
	// reports gives the aging and the inventory of asOf, and the period's
	// journals where the history has them (the input's Facility, AsOf, By
	// and Debtors are set by certificate).
	reports func() (app.CertificateInput, error)
}

// certificate schedules the submission and the approval of p through the
// use cases, as the API would.
func (l *loader) certificate(p certPlan) {
	slug := l.ex.Slug
	l.on(p.submit, p.submitAt[0], p.submitAt[1], p.by, "certificate:"+p.asOf.String(), func(ctx context.Context) error {
		in, err := p.reports()
		if err != nil {
			return err
		}
		t, err := l.terms.TermsAsOf(l.ctx, slug, p.asOf)
		if err != nil {
			return err
		}
		in.Facility, in.AsOf, in.By = slug, p.asOf, p.by
		in.Debtors = store.InputContent{Name: "debtors.csv", Content: l.debtors}
		c, _, err := l.svc.SubmitCertificate(ctx, t, in)
		if err != nil {
			return fmt.Errorf("certificate %s: %w", p.asOf, err)
		}
		l.certs[p.asOf] = c
		l.res.Created++
		l.res.Certificates++
		return nil
	})
	l.on(p.approve, p.approveAt[0], p.approveAt[1], officer, "certificate:"+p.asOf.String()+":approve", func(ctx context.Context) error {
		_, c, err := l.svc.DecideCertificate(ctx, slug, l.certs[p.asOf].ID, app.CertificateDecision{Status: store.Approved, By: officer, Comment: approvalComment(p.comment, l.certs[p.asOf])})
		if err != nil {
			return fmt.Errorf("approve certificate %s: %w", p.asOf, err)
		}
		l.certs[p.asOf] = c
		l.res.Created++
		return nil
	})
}

// approvalComment is the officer's comment approving c: the plan's, and,
// when c carries data-quality warnings, that each was taken up with the
// borrower (the use case refuses such an approval without a comment).
func approvalComment(comment string, c store.Certificate) string {
	if !app.ApprovalNeedsComment(c) {
		return comment
	}
	return comment + "; the roll-forward's data-quality warnings were taken up with the controller: reporting errors in the aging, to be corrected in the next one"
}

// reportFiles reads the aging, the inventory report and the journals of
// asOf from the example's history directory.
func (l *loader) reportFiles(asOf date.Date) (app.CertificateInput, error) {
	var in app.CertificateInput
	dir := path.Join(l.ex.History, asOf.String())
	for _, f := range []struct {
		name string
		into *store.InputContent
		need bool
	}{{"receivables.csv", &in.Receivables, true}, {"inventory.csv", &in.Inventory, true},
		{"sales.csv", &in.Sales, false}, {"collections.csv", &in.Collections, false},
		{"credits.csv", &in.Credits, false}, {"inventory_activity.csv", &in.InventoryActivity, false}} {
		b, err := l.read(path.Join(dir, f.name))
		if errors.Is(err, fs.ErrNotExist) && !f.need {
			continue
		}
		if err != nil {
			return in, err
		}
		*f.into = store.InputContent{Name: strings.TrimSuffix(f.name, ".csv") + "-" + asOf.String() + ".csv", Content: b}
	}
	return in, nil
}

// advancePlan is an advance of a demo's history: requested by by on vd at
// at, bringing the loans to share% of the borrowing base of the
// certificate as of asOf less the letters of credit outstanding, rounded
// down to a multiple of unit; one above the maker-checker threshold is
// approved by the officer at approveAt.
type advancePlan struct {
	asOf, vd      date.Date
	at, approveAt [2]int
	by, label     string
	share         int64
	unit          money.Amount
}

// advance schedules p through the use cases; nothing is requested when the
// loans are at or above the target already.
func (l *loader) advance(p advancePlan) {
	slug := l.ex.Slug
	key := "demo:advance:" + p.label
	l.on(p.vd, p.at[0], p.at[1], p.by, "advance:"+p.label, func(ctx context.Context) error {
		bal, err := l.st.Balances(l.ctx, slug, p.vd)
		if err != nil {
			return err
		}
		c := l.certs[p.asOf]
		target := money.Amount(int64(c.BorrowingBase-bal[ledger.LCOutstanding]) * p.share / 100 / int64(p.unit) * int64(p.unit))
		want := target - bal[ledger.Loans]
		if want <= 0 {
			return nil
		}
		r, err := l.svc.RequestAdvance(ctx, app.RequestInput{Facility: slug, Key: key, Amount: want, ValueDate: p.vd, By: p.by})
		if err != nil {
			return fmt.Errorf("advance %s of %s: %w", p.label, want, err)
		}
		l.res.Created++
		l.res.Advances++
		if r.Status == store.AdvanceFunded {
			l.res.Transactions++
			return nil
		}
		l.on(p.vd, p.approveAt[0], p.approveAt[1], officer, "advance:"+p.label+":approve", func(ctx context.Context) error {
			if _, err := l.svc.ApproveAdvance(ctx, slug, r.ID, officer); err != nil {
				return fmt.Errorf("approve advance %s: %w", p.label, err)
			}
			l.res.Created++
			l.res.Transactions++
			return nil
		})
		return nil
	})
}

// lockbox schedules the bank's lockbox reports: the history's monthly
// lockbox.bai holds one group per Business Day; each is delivered as the
// bank's prior-day file on the next Business Day (created that day, its
// file id the day reported) and imported by the officer at 07:30 through
// ImportCash, so the demo's collections come from the lockbox through
// cash application: the day's deposits credited to the loans the clearance
// day later (the day of the import), the returned items charged back. A
// day reported on the history's last Business Day is delivered after it.
func (l *loader) lockbox() error {
	dirs, err := fs.ReadDir(examples.FS, path.Join(l.ex.Slug, l.ex.History))
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		name := path.Join(l.ex.History, d.Name(), "lockbox.bai")
		b, err := l.read(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		f, err := bai2.Read(name, b)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		for _, g := range f.Groups {
			on := l.cal.Next(g.AsOf)
			if g.AsOf < l.ex.Closing || on >= l.ex.LastDay {
				continue
			}
			day := &bai2.File{Sender: f.Sender, Receiver: f.Receiver, Created: on, CreatedTime: "0600",
				FileID: strings.ReplaceAll(g.AsOf.String(), "-", ""), Groups: []bai2.Group{g}}
			file := bai2.Write(day)
			fname := "lockbox-" + g.AsOf.String() + ".bai"
			l.on(on, 7, 30, officer, "cash:"+g.AsOf.String(), func(ctx context.Context) error {
				im, err := l.svc.ImportCash(ctx, l.ex.Slug, fname, file)
				if err != nil {
					return fmt.Errorf("lockbox of %s: %w", g.AsOf, err)
				}
				l.res.Created++
				l.res.Transactions += len(im.Transactions)
				return nil
			})
		}
	}
	return nil
}
