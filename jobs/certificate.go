package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/riverqueue/river"

	"revolver/app"
	"revolver/date"
	"revolver/ledger"
	"revolver/store"
)

// Report is one of a certificate's reports, stored by its SHA-256 before
// the job is enqueued (store.Store.PutBlob): the job carries its name and
// digest, not its rows.
type Report struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	// Map is the report map it is read with (store.InputContent.Map);
	// empty: the facility's saved map of its kind, or none.
	Map json.RawMessage `json:"map,omitempty"`
}

// CertificateImportArgs are a certificate import's: the facility, the
// as-of date, the three reports and who submits them. Jobs are unique by
// all of them: the same submission enqueued twice is one job.
type CertificateImportArgs struct {
	Facility    string    `json:"facility"`
	AsOf        date.Date `json:"as_of"`
	Receivables Report    `json:"receivables"`
	Debtors     Report    `json:"debtors"`
	Inventory   Report    `json:"inventory"`
	// The period's journals, when the submission carries them.
	Sales             *Report  `json:"sales,omitempty"`
	Collections       *Report  `json:"collections,omitempty"`
	Credits           *Report  `json:"credits,omitempty"`
	InventoryActivity *Report  `json:"inventory_activity,omitempty"`
	By                Identity `json:"by"`
}

// Kind is the job's kind in River's tables.
func (CertificateImportArgs) Kind() string { return "certificate_import" }

// InsertOpts makes the same submission one job.
func (CertificateImportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// CertificateImported is what an import job records as its output.
type CertificateImported struct {
	Certificate int64  `json:"certificate"`
	Status      string `json:"status"`
}

// EnqueueCertificateImport stores the reports of in and enqueues their
// import: the job runs app.Service.SubmitCertificate under the terms in
// force on in.AsOf, as by (whose role the use case checks when it runs).
func (q *Queue) EnqueueCertificateImport(ctx context.Context, in app.CertificateInput, by app.Actor) (Job, error) {
	args := CertificateImportArgs{Facility: in.Facility, AsOf: in.AsOf, By: IdentityOf(by)}
	for _, r := range []struct {
		src store.InputContent
		dst *Report
	}{{in.Receivables, &args.Receivables}, {in.Debtors, &args.Debtors}, {in.Inventory, &args.Inventory}} {
		h, err := q.cfg.Store.PutBlob(ctx, r.src.Content)
		if err != nil {
			return Job{}, fmt.Errorf("enqueue certificate import: %s: %w", r.src.Name, err)
		}
		*r.dst = Report{Name: r.src.Name, SHA256: h, Map: r.src.Map}
	}
	for _, r := range []struct {
		src store.InputContent
		dst **Report
	}{{in.Sales, &args.Sales}, {in.Collections, &args.Collections}, {in.Credits, &args.Credits}, {in.InventoryActivity, &args.InventoryActivity}} {
		if r.src.Name == "" && len(r.src.Content) == 0 {
			continue
		}
		h, err := q.cfg.Store.PutBlob(ctx, r.src.Content)
		if err != nil {
			return Job{}, fmt.Errorf("enqueue certificate import: %s: %w", r.src.Name, err)
		}
		*r.dst = &Report{Name: r.src.Name, SHA256: h, Map: r.src.Map}
	}
	return q.insert(ctx, args)
}

type importWorker struct {
	river.WorkerDefaults[CertificateImportArgs]
	q *Queue
}

// Work submits the certificate. It is idempotent: the same submission
// again, while the first waits for review, returns the first certificate
// and stores nothing (app.Service.SubmitCertificate). A submission the use
// case refuses (bad rows, a role that may not submit, …) is audited as a
// refusal, as the other surfaces audit theirs, and not retried: the job is
// cancelled with the refusal as its error.
func (w *importWorker) Work(ctx context.Context, job *river.Job[CertificateImportArgs]) error {
	return w.q.track(ctx, job.JobRow, func(ctx context.Context) (string, error) {
		a := job.Args
		who, err := w.q.actor(ctx, a.By, job.JobRow)
		if err != nil {
			return "", err
		}
		ctx = app.WithActor(ctx, who)
		svc := w.q.cfg.Service
		in := app.CertificateInput{Facility: a.Facility, AsOf: a.AsOf, By: a.By.User}
		for _, r := range []struct {
			src Report
			dst *store.InputContent
		}{{a.Receivables, &in.Receivables}, {a.Debtors, &in.Debtors}, {a.Inventory, &in.Inventory}} {
			b, err := svc.Store.Blob(ctx, r.src.SHA256)
			if err != nil {
				return "", fmt.Errorf("%s: %w", r.src.Name, err)
			}
			*r.dst = store.InputContent{Name: r.src.Name, Content: b, Map: r.src.Map}
		}
		for _, r := range []struct {
			src *Report
			dst *store.InputContent
		}{{a.Sales, &in.Sales}, {a.Collections, &in.Collections}, {a.Credits, &in.Credits}, {a.InventoryActivity, &in.InventoryActivity}} {
			if r.src == nil {
				continue
			}
			b, err := svc.Store.Blob(ctx, r.src.SHA256)
			if err != nil {
				return "", fmt.Errorf("%s: %w", r.src.Name, err)
			}
			*r.dst = store.InputContent{Name: r.src.Name, Content: b, Map: r.src.Map}
		}
		st, ok := svc.Terms.(*app.StoredTerms)
		if !ok {
			return "", fmt.Errorf("certificate import: the terms %T are not the stored ones", svc.Terms)
		}
		t, err := st.TermsAsOf(ctx, a.Facility, a.AsOf)
		if err == nil {
			var c store.Certificate
			if c, _, err = svc.SubmitCertificate(ctx, t, in); err == nil {
				if err := river.RecordOutput(ctx, CertificateImported{Certificate: c.ID, Status: string(c.Status)}); err != nil {
					return "", err
				}
				return fmt.Sprintf("certificate %d %s", c.ID, c.Status), nil
			}
		}
		if !refused(err) {
			return "", err
		}
		if aerr := svc.AuditRefusal(ctx, app.Refusal{Code: refusalCode(err), Message: err.Error(), Facility: a.Facility}); aerr != nil {
			return "", fmt.Errorf("%w (and its audit record failed: %v)", err, aerr)
		}
		return "", river.JobCancel(err)
	})
}

// refused reports whether err is a use case's refusal (a coded error)
// rather than a failure worth retrying.
func refused(err error) bool {
	var le *ledger.Error
	return errors.As(err, &le) || store.ErrorCode(err) != "" && store.ErrorCode(err) != store.CodeInternal
}

func refusalCode(err error) string {
	var le *ledger.Error
	if errors.As(err, &le) {
		return le.Code
	}
	return store.ErrorCode(err)
}
