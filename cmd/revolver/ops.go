package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"revolver/auth"

	"github.com/spf13/cobra"

	"revolver/app"
	"revolver/covenant"
	"revolver/jobs"
	"revolver/ledger"
	"revolver/store"
)

// The loan-account and certificate commands run the same use cases as the
// API and the pages. The command line works with the database's
// authority: it names the user it acts for (--as), whose role the use
// cases check, and the audit record says it came from the command line.

func init() {
	register(advanceCmd, repayCmd, costCmd, certificateCmd, statementsCmd, approvalsCmd, requestsCmd)
}

// opFlags are the flags every operation takes.
type opFlags struct {
	sf       storeFlags
	slug, as string
	key      string
	format   string
	// global: the command changes no facility's records (base rates):
	// no --slug.
	global bool
	// ctx and st are the opened command's (open), for refuse.
	ctx context.Context
	st  store.Store
}

func (o *opFlags) add(c *cobra.Command, withKey bool) {
	o.sf.add(c)
	if !o.global {
		c.Flags().StringVar(&o.slug, "slug", "", "the facility")
	}
	c.Flags().StringVar(&o.as, "as", "", "the e-mail of the user the command acts for")
	c.Flags().StringVar(&o.format, "format", "json", "output: json")
	if withKey {
		c.Flags().StringVar(&o.key, "key", "", "the client key: the same key and content again stores nothing new (default: a new key)")
	}
}

// open opens the store and returns the context carrying the user as actor.
func (o *opFlags) open(cmd *cobra.Command, command string) (context.Context, store.Store, error) {
	if o.slug == "" && !o.global {
		return nil, nil, usageError{errors.New("--slug is required")}
	}
	if o.as == "" {
		return nil, nil, usageError{errors.New("--as EMAIL is required: the user the command acts for")}
	}
	if o.format != "json" {
		return nil, nil, usageError{fmt.Errorf("--format %q: expected json", o.format)}
	}
	st, _, err := o.sf.open(cmd.Context())
	if err != nil {
		return nil, nil, err
	}
	acc, err := accountsOf(st)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	u, err := acc.UserByEmail(cmd.Context(), o.as)
	if err != nil {
		st.Close()
		return nil, nil, usageError{fmt.Errorf("--as %s: %w", o.as, err)}
	}
	if _, err := st.Facility(cmd.Context(), o.slug); err != nil && !o.global {
		st.Close()
		return nil, nil, usageError{fmt.Errorf("--slug %s: %w", o.slug, err)}
	}
	ctx := app.WithActor(cmd.Context(), app.Actor{User: u.Email, UserID: u.ID, Role: u.Role, Facilities: u.Facilities,
		RequestID: fmt.Sprintf("cli_%d", now().UnixNano()), Via: "revolver " + command, Audit: &app.AuditState{}})
	// Keys are the user's own, as the API's are (api:<user id>:<key>).
	if o.key == "" {
		// A new key for each command (not from the clock, which may be
		// fixed).
		o.key = auth.Random("", 16)
	}
	o.key = fmt.Sprintf("cli:%d:%s", u.ID, o.key)
	o.ctx, o.st = ctx, st
	return ctx, st, nil
}

// refuse is opError for a change the use case refused: the refusal is
// audited, as the API and the pages audit theirs (by the use case's own
// name, AuditState.Op), and nothing else is stored.
func (o *opFlags) refuse(err error) error {
	out := opError(err)
	if _, refused := out.(usageError); !refused || o.ctx == nil || o.st == nil {
		return out
	}
	code := store.ErrorCode(err)
	var le *ledger.Error
	if errors.As(err, &le) {
		code = le.Code
	}
	if aerr := service(o.st).AuditRefusal(o.ctx, app.Refusal{Code: code, Message: err.Error(), Facility: o.slug}); aerr != nil {
		return fmt.Errorf("%w (and its audit record failed: %v)", err, aerr)
	}
	return out
}

// opError makes the use case's refusals usage errors (exit 2 with the
// message), internal errors stay errors.
func opError(err error) error {
	var le *ledger.Error
	if errors.As(err, &le) {
		return usageError{err}
	}
	switch store.ErrorCode(err) {
	case "":
		return err
	default:
		return usageError{err}
	}
}

func advanceCmd() *cobra.Command {
	c := &cobra.Command{Use: "advance", Short: "Advance requests: request, approve, reject"}
	var o opFlags
	var amount, valueDate, reason, option, period, tranche string
	req := &cobra.Command{
		Use:   "request --slug S --as EMAIL --amount A --value-date D [--option O [--interest-period P]] [--tranche last_out] [--reason R] [--key K]",
		Short: "Request an advance (funded at once up to the maker-checker threshold); value-dated before the business date, a lender's correction with --reason that a second lender approves",
		RunE: func(cmd *cobra.Command, args []string) error {
			amt, err := amountFlag("amount", amount)
			if err != nil {
				return err
			}
			vd, err := parseDateFlag("value-date", valueDate)
			if err != nil {
				return err
			}
			ctx, st, err := o.open(cmd, "advance request")
			if err != nil {
				return err
			}
			defer st.Close()
			r, err := service(st).RequestAdvance(ctx, app.RequestInput{Facility: o.slug, Key: o.key, Amount: amt, ValueDate: vd, By: o.as, Reason: reason,
				Option: option, InterestPeriod: period, Tranche: tranche})
			if err != nil {
				return o.refuse(err)
			}
			return writeJSON(cmd.OutOrStdout(), r)
		},
	}
	o.add(req, true)
	req.Flags().StringVar(&amount, "amount", "", "the amount, e.g. 250000.00")
	req.Flags().StringVar(&valueDate, "value-date", "", "the value date YYYY-MM-DD")
	req.Flags().StringVar(&reason, "reason", "", "for a correction (value date before the business date): why")
	req.Flags().StringVar(&option, "option", "", "the pricing option elected, e.g. prime or libor (default: the terms' first)")
	req.Flags().StringVar(&period, "interest-period", "", "a term-rate loan's interest period, e.g. 1m or 3m")
	req.Flags().StringVar(&tranche, "tranche", "", "first_out (the default) or last_out: a loan of the terms' last-out (FILO) tranche")
	c.AddCommand(req)
	for _, decision := range []string{"approve", "reject"} {
		var o opFlags
		var id int64
		var comment string
		d := &cobra.Command{
			Use:   decision + " --slug S --as EMAIL --id N",
			Short: map[string]string{"approve": "Approve and fund a requested advance", "reject": "Reject a requested advance, saying why"}[decision],
			RunE: func(cmd *cobra.Command, args []string) error {
				if id <= 0 {
					return usageError{errors.New("--id is required: the advance request's id")}
				}
				ctx, st, err := o.open(cmd, "advance "+decision)
				if err != nil {
					return err
				}
				defer st.Close()
				var r store.AdvanceRequest
				if decision == "approve" {
					r, err = service(st).ApproveAdvance(ctx, o.slug, id, o.as)
				} else {
					r, err = service(st).RejectAdvance(ctx, o.slug, id, o.as, comment)
				}
				if err != nil {
					return o.refuse(err)
				}
				return writeJSON(cmd.OutOrStdout(), r)
			},
		}
		o.add(d, false)
		d.Flags().Int64Var(&id, "id", 0, "the advance request's id")
		d.Flags().StringVar(&comment, "comment", "", "why (required to reject)")
		c.AddCommand(d)
	}
	return c
}

func repayCmd() *cobra.Command {
	var o opFlags
	var amount, valueDate, memo, reason string
	c := &cobra.Command{
		Use:   "repay --slug S --as EMAIL --amount A --value-date D [--memo M] [--reason R] [--key K]",
		Short: "Repay loans; value-dated before the business date, a lender's correction with --reason that waits for a second lender (revolver approvals approve)",
		RunE: func(cmd *cobra.Command, args []string) error {
			amt, err := amountFlag("amount", amount)
			if err != nil {
				return err
			}
			vd, err := parseDateFlag("value-date", valueDate)
			if err != nil {
				return err
			}
			ctx, st, err := o.open(cmd, "repay")
			if err != nil {
				return err
			}
			defer st.Close()
			r, err := service(st).Repay(ctx, app.RepaymentInput{Facility: o.slug, Key: o.key, Amount: amt, ValueDate: vd, Memo: memo, By: o.as, Reason: reason})
			if err != nil {
				return o.refuse(err)
			}
			// As the API answers: the posted transaction, or the correction
			// waiting for a second lender.
			if r.Pending != nil {
				return writeJSON(cmd.OutOrStdout(), map[string]any{"pending": r.Pending})
			}
			return writeJSON(cmd.OutOrStdout(), map[string]any{"transaction": r.Posted.Transaction, "replayed": r.Posted.Replayed})
		},
	}
	o.add(c, true)
	c.Flags().StringVar(&amount, "amount", "", "the amount, e.g. 250000.00")
	c.Flags().StringVar(&valueDate, "value-date", "", "the value date YYYY-MM-DD")
	c.Flags().StringVar(&memo, "memo", "", "a memo")
	c.Flags().StringVar(&reason, "reason", "", "for a correction (value date before the business date): why")
	return c
}

func costCmd() *cobra.Command {
	var o opFlags
	var kind, amount, valueDate, memo string
	c := &cobra.Command{
		Use:   "cost --slug S --as EMAIL --kind K --amount A --value-date D [--memo M] [--key K]",
		Short: "Charge to the loan account a cost the terms let the lender charge (a field examination: Security Agreement ¶7)",
		RunE: func(cmd *cobra.Command, args []string) error {
			amt, err := amountFlag("amount", amount)
			if err != nil {
				return err
			}
			vd, err := parseDateFlag("value-date", valueDate)
			if err != nil {
				return err
			}
			if kind == "" {
				return usageError{errors.New("--kind is required (a cost of the terms, e.g. field_exam)")}
			}
			ctx, st, err := o.open(cmd, "cost")
			if err != nil {
				return err
			}
			defer st.Close()
			p, err := service(st).ChargeCost(ctx, app.CostInput{Facility: o.slug, Key: o.key, Kind: kind, ValueDate: vd, Amount: amt, Memo: memo})
			if err != nil {
				return o.refuse(err)
			}
			return writeJSON(cmd.OutOrStdout(), map[string]any{"transaction": p.Transaction, "replayed": p.Replayed})
		},
	}
	o.add(c, true)
	c.Flags().StringVar(&kind, "kind", "", "the cost's id in the terms, e.g. field_exam")
	c.Flags().StringVar(&amount, "amount", "", "the amount, e.g. 4500.00")
	c.Flags().StringVar(&valueDate, "value-date", "", "the value date YYYY-MM-DD (the day the lender paid it)")
	c.Flags().StringVar(&memo, "memo", "", "a memo, e.g. the examiner's invoice")
	return c
}

func certificateCmd() *cobra.Command {
	c := &cobra.Command{Use: "certificate", Short: "Borrowing base certificates in the store: submit, approve, reject, withdraw"}
	var o opFlags
	var asOf, recv, debtors, inv string
	var sales, collections, credits, activity string
	var queue bool
	var mapsFile string
	sub := &cobra.Command{
		Use:   "submit --slug S --as EMAIL --as-of D --receivables R --debtors D --inventory I [--sales F --collections F --credits F --inventory-activity F] [--maps F] [--queue]",
		Short: "Submit a borrowing base certificate from its reports and the period's journals (CSV or XLSX)",
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := parseDateFlag("as-of", asOf)
			if err != nil {
				return err
			}
			in := app.CertificateInput{Facility: o.slug, AsOf: d, By: o.as}
			for _, f := range []struct {
				flag, path string
				dst        *store.InputContent
			}{{"receivables", recv, &in.Receivables}, {"debtors", debtors, &in.Debtors}, {"inventory", inv, &in.Inventory}} {
				if f.path == "" {
					return usageError{fmt.Errorf("--%s is required (CSV or XLSX)", f.flag)}
				}
				b, err := os.ReadFile(f.path)
				if err != nil {
					return usageError{fmt.Errorf("--%s: %v", f.flag, err)}
				}
				*f.dst = store.InputContent{Name: filepath.Base(f.path), Content: b}
			}
			for _, f := range []struct {
				flag, path string
				dst        *store.InputContent
			}{{"sales", sales, &in.Sales}, {"collections", collections, &in.Collections}, {"credits", credits, &in.Credits}, {"inventory-activity", activity, &in.InventoryActivity}} {
				if f.path == "" {
					continue
				}
				b, err := os.ReadFile(f.path)
				if err != nil {
					return usageError{fmt.Errorf("--%s: %v", f.flag, err)}
				}
				*f.dst = store.InputContent{Name: filepath.Base(f.path), Content: b}
			}
			if err := submissionMapsFile(&in, mapsFile); err != nil {
				return err
			}
			ctx, st, err := o.open(cmd, "certificate submit")
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			if queue {
				// The reports are stored, and a worker submits them.
				q, err := jobs.Open(ctx, jobs.Config{Store: st, Service: svc})
				if err != nil {
					return err
				}
				defer q.Stop(context.Background())
				a, _ := app.ActorFrom(ctx)
				j, err := q.EnqueueCertificateImport(ctx, in, a)
				if err != nil {
					return err
				}
				return writeJSON(cmd.OutOrStdout(), j)
			}
			t, err := svc.Terms.(*app.StoredTerms).TermsAsOf(ctx, o.slug, d)
			if err != nil {
				return o.refuse(err)
			}
			pctx, endProgress := withProgress(ctx, cmd)
			cert, _, err := svc.SubmitCertificate(pctx, t, in)
			endProgress()
			if err != nil {
				return o.refuse(err)
			}
			cert.Body, cert.RollForward = nil, nil
			return writeJSON(cmd.OutOrStdout(), cert)
		},
	}
	o.add(sub, false)
	sub.Flags().StringVar(&asOf, "as-of", "", "the certificate's date YYYY-MM-DD")
	sub.Flags().StringVar(&recv, "receivables", "", "the A/R aging (CSV or XLSX)")
	sub.Flags().StringVar(&debtors, "debtors", "", "the customer master (CSV or XLSX)")
	sub.Flags().StringVar(&inv, "inventory", "", "the inventory report (CSV or XLSX)")
	sub.Flags().StringVar(&sales, "sales", "", "optional: the sales journal of the period since the previous approved certificate (CSV or XLSX)")
	sub.Flags().StringVar(&collections, "collections", "", "optional: the collections journal of the period (CSV or XLSX)")
	sub.Flags().StringVar(&credits, "credits", "", "optional: the credits journal of the period (CSV or XLSX)")
	sub.Flags().StringVar(&activity, "inventory-activity", "", "optional: the inventory activity of the period (CSV or XLSX)")
	sub.Flags().BoolVar(&queue, "queue", false, "store the reports and enqueue their import as a job for the workers (for large reports); prints the job: see `revolver job --id N`")
	sub.Flags().StringVar(&mapsFile, "maps", "", `report maps by kind as a JSON file ({"receivables": {"columns": {...}, "layout": {...}}}); a report without one is read with the facility's saved map of its kind`)
	c.AddCommand(sub)
	for _, decision := range []store.CertificateStatus{store.Approved, store.Rejected, store.Withdrawn} {
		var o opFlags
		var id, supersedes int64
		var comment string
		verb := map[store.CertificateStatus]string{store.Approved: "approve", store.Rejected: "reject", store.Withdrawn: "withdraw"}[decision]
		short := "Decide a submitted certificate: " + verb
		if decision == store.Withdrawn {
			short = "Withdraw a submitted certificate not yet decided (the borrower)"
		}
		d := &cobra.Command{
			Use:   verb + " --slug S --as EMAIL --id N [--comment C]",
			Short: short,
			RunE: func(cmd *cobra.Command, args []string) error {
				if id <= 0 {
					return usageError{errors.New("--id is required: the certificate's id")}
				}
				ctx, st, err := o.open(cmd, "certificate "+verb)
				if err != nil {
					return err
				}
				defer st.Close()
				var after store.Certificate
				if decision == store.Withdrawn {
					_, after, err = service(st).WithdrawCertificate(ctx, o.slug, id, o.as, comment)
				} else {
					_, after, err = service(st).DecideCertificate(ctx, o.slug, id, app.CertificateDecision{Status: decision, By: o.as, Comment: comment, Supersedes: supersedes})
				}
				if err != nil {
					return o.refuse(err)
				}
				after.Body = nil
				return writeJSON(cmd.OutOrStdout(), after)
			},
		}
		o.add(d, false)
		d.Flags().Int64Var(&id, "id", 0, "the certificate's id")
		d.Flags().StringVar(&comment, "comment", "", "the reviewer's comment (for a withdrawal: why)")
		if decision == store.Approved {
			d.Flags().Int64Var(&supersedes, "supersedes", 0, "for a certificate that supersedes another: the id of the one it supersedes")
		}
		c.AddCommand(d)
	}
	return c
}

func statementsCmd() *cobra.Command {
	c := &cobra.Command{Use: "statements", Short: "Financial statements in the store"}
	var o opFlags
	var file string
	add := &cobra.Command{
		Use:   "add --slug S --as EMAIL --file F.csv",
		Short: "Record financial statements (a new period tested against the covenants when recorded; a restatement pending until a lender accepts it)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return usageError{errors.New("--file is required (CSV: period_end, fiscal_year, fiscal_quarter and the statement lines)")}
			}
			b, err := os.ReadFile(file)
			if err != nil {
				return usageError{err}
			}
			sts, err := covenant.ReadStatements(filepath.Base(file), b)
			if err != nil {
				return usageError{err}
			}
			if len(sts) == 0 {
				return usageError{fmt.Errorf("%s: no statements", file)}
			}
			ctx, st, err := o.open(cmd, "statements add")
			if err != nil {
				return err
			}
			defer st.Close()
			fs, pending, err := service(st).AddStatements(ctx, o.slug, sts, o.as)
			if err != nil {
				return o.refuse(err)
			}
			if pending == nil {
				pending = []app.Recorded{}
			}
			// A restatement is pending until a lender accepts it.
			return writeJSON(cmd.OutOrStdout(), map[string]any{"financial_statements": fs, "pending": pending})
		},
	}
	o.add(add, false)
	add.Flags().StringVar(&file, "file", "", "the statements (CSV)")
	c.AddCommand(add)
	return c
}

// approvalsCmd decides the actions waiting for a second person's approval
// (a back-valued repayment, an amendment), as POST …/approvals/{id}/approve
// or reject.
func approvalsCmd() *cobra.Command {
	c := &cobra.Command{Use: "approvals", Short: "Actions waiting for a second person's approval (back-valued repayments, amendments): list, approve, reject"}
	var sf storeFlags
	var slug string
	list := &cobra.Command{
		Use:   "list --slug S",
		Short: "The actions waiting for approval and decided",
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openFacility(cmd, &sf, slug)
			if err != nil {
				return err
			}
			defer st.Close()
			acc, err := accountsOf(st)
			if err != nil {
				return err
			}
			ps, err := acc.PendingList(cmd.Context(), slug)
			if err != nil {
				return opError(err)
			}
			if ps == nil {
				ps = []store.Pending{}
			}
			return writeJSON(cmd.OutOrStdout(), map[string]any{"approvals": ps})
		},
	}
	sf.add(list)
	list.Flags().StringVar(&slug, "slug", "", "the facility")
	c.AddCommand(list)
	for _, approve := range []bool{true, false} {
		var o opFlags
		var id int64
		var comment string
		verb := map[bool]string{true: "approve", false: "reject"}[approve]
		d := &cobra.Command{
			Use:   verb + " --slug S --as EMAIL --id N [--comment C]",
			Short: map[bool]string{true: "Approve and carry out a pending action (not by its requester)", false: "Reject a pending action, saying why"}[approve],
			RunE: func(cmd *cobra.Command, args []string) error {
				if id <= 0 {
					return usageError{errors.New("--id is required: the pending action's id")}
				}
				ctx, st, err := o.open(cmd, "approvals "+verb)
				if err != nil {
					return err
				}
				defer st.Close()
				_, after, err := service(st).DecidePending(ctx, o.slug, id, approve, o.as, comment)
				if err != nil {
					return o.refuse(err)
				}
				return writeJSON(cmd.OutOrStdout(), after)
			},
		}
		o.add(d, false)
		d.Flags().Int64Var(&id, "id", 0, "the pending action's id")
		d.Flags().StringVar(&comment, "comment", "", "why (required to reject)")
		c.AddCommand(d)
	}
	return c
}

// requestsCmd decides the requests to end events of default (cure, waiver,
// covenant result) and restated statements, as POST …/requests/{id}/approve
// or reject.
func requestsCmd() *cobra.Command {
	c := &cobra.Command{Use: "requests", Short: "Requests to end events of default and restated statements: list, approve, reject"}
	var sf storeFlags
	var slug string
	list := &cobra.Command{
		Use:   "list --slug S",
		Short: "The requests with their decisions",
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openFacility(cmd, &sf, slug)
			if err != nil {
				return err
			}
			defer st.Close()
			rs, err := service(st).Requests(cmd.Context(), slug)
			if err != nil {
				return opError(err)
			}
			return writeJSON(cmd.OutOrStdout(), map[string]any{"requests": rs})
		},
	}
	sf.add(list)
	list.Flags().StringVar(&slug, "slug", "", "the facility")
	c.AddCommand(list)
	for _, approve := range []bool{true, false} {
		var o opFlags
		var id int64
		var comment string
		verb := map[bool]string{true: "approve", false: "reject"}[approve]
		d := &cobra.Command{
			Use: verb + " --slug S --as EMAIL --id N [--comment C] [--key K]",
			Short: map[bool]string{true: "Approve a request (not by its requester): the cure, waiver, covenant result or restated statements take effect",
				false: "Reject a request (not by its requester), saying why"}[approve],
			RunE: func(cmd *cobra.Command, args []string) error {
				if id <= 0 {
					return usageError{errors.New("--id is required: the request's id")}
				}
				ctx, st, err := o.open(cmd, "requests "+verb)
				if err != nil {
					return err
				}
				defer st.Close()
				r, err := service(st).DecideRequest(ctx, app.FactInput{Facility: o.slug, Key: o.key, By: o.as}, id, approve, comment)
				if err != nil {
					return o.refuse(err)
				}
				return writeJSON(cmd.OutOrStdout(), r)
			},
		}
		o.add(d, true)
		d.Flags().Int64Var(&id, "id", 0, "the request's id (its fact record id)")
		d.Flags().StringVar(&comment, "comment", "", "why (required to reject)")
		c.AddCommand(d)
	}
	return c
}

// openFacility opens the store for a read of a stored facility (with the
// database's authority, as revolver availability reads).
func openFacility(cmd *cobra.Command, sf *storeFlags, slug string) (store.Store, error) {
	if slug == "" {
		return nil, usageError{errors.New("--slug is required")}
	}
	st, _, err := sf.open(cmd.Context())
	if err != nil {
		return nil, err
	}
	if _, err := st.Facility(cmd.Context(), slug); err != nil {
		st.Close()
		return nil, usageError{fmt.Errorf("--slug %s: %w", slug, err)}
	}
	return st, nil
}
