// Package store defines the system of record of revolver: facilities and
// their documents, borrowing base certificates, financial statement
// submissions, base rate series and the loan account, as one interface with
// one error type. Adapters live in store/sqlite and store/postgres; the
// conformance suite in store/storetest runs against both.
//
// The store holds no business rules: the availability test, interest math
// and the shape of transactions belong to package ledger and the use cases
// in package app. The store guarantees what only a database can: durability,
// append-only postings, idempotency keys, content addressing, forward-only
// certificate status, and Update, which runs a function in one database
// transaction serialised per facility.
//
// Timestamps are supplied by callers (the clock is injected in the use-case
// layer) and stored with microsecond precision in UTC; finer precision is
// truncated identically by every adapter.
package store

import (
	"context"
	"encoding/json"
	"time"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
)

// Store is the system of record. Every method returns *Error for the
// failures a caller can act on (not_found, conflict, idempotency_mismatch,
// invalid); anything else is an internal error.
type Store interface {
	// Facilities.
	CreateFacility(ctx context.Context, f Facility) (Facility, error) // conflict if the slug exists
	// CreateFacilities stores many new facilities in one transaction (all
	// or none).
	CreateFacilities(ctx context.Context, fs []Facility) error
	Facility(ctx context.Context, slug string) (Facility, error)
	Facilities(ctx context.Context) ([]Facility, error)
	// FacilityVersions reads every facility with its version, by slug, in
	// one statement. A facility's version rises in the transaction of
	// every change to what its figures are computed from (documents, fact
	// records, statements, certificates and their decisions, ledger
	// transactions, overadvances, advance requests, requests waiting for a
	// second person, its name and settings), so a figure computed after
	// reading version v reflects at least every change counted in v.
	FacilityVersions(ctx context.Context) ([]FacilityVersion, error)
	// UpdateFacilitySettings replaces a facility's settings JSON.
	UpdateFacilitySettings(ctx context.Context, slug string, settings json.RawMessage) error

	// Documents are stored whole with their SHA-256; putting the same
	// document (same facility, id and content) again returns the first
	// record; other content under the same id is a conflict.
	PutDocument(ctx context.Context, d Document) (Document, error)
	// PutDocuments stores many documents in one transaction (all or
	// none), each as PutDocument would.
	PutDocuments(ctx context.Context, ds []Document) error
	Document(ctx context.Context, facility, id string) (Document, error) // with Content
	Documents(ctx context.Context, facility string) ([]Document, error)  // without Content, by effective date

	// Blob returns content stored by SHA-256 (hex), e.g. certificate inputs.
	Blob(ctx context.Context, sha256hex string) ([]byte, error)
	// PutBlob stores content by its SHA-256 and returns it (hex); the
	// same content again stores nothing new. It is how a report reaches
	// the job that imports it.
	PutBlob(ctx context.Context, content []byte) (string, error)

	// Certificates. Status moves only forward: draft → submitted →
	// approved | rejected | withdrawn. A submitted certificate is never
	// edited: its body, explanation and warnings are frozen with it.
	CreateCertificate(ctx context.Context, c Certificate) (Certificate, error)
	SubmitCertificate(ctx context.Context, id int64, s Submission) (Certificate, error)
	DecideCertificate(ctx context.Context, id int64, d Decision) (Certificate, error)
	Certificate(ctx context.Context, id int64) (Certificate, error)
	Certificates(ctx context.Context, facility string) ([]Certificate, error) // without Body and Explanation, by id
	// CertificatesPage is one page of them: at most q.Limit with an id
	// greater than q.After and an as-of date from q.From to q.To.
	CertificatesPage(ctx context.Context, facility string, q Page) ([]Certificate, error)
	// CertificateInForce is the latest approved certificate whose as-of
	// date is on or before asOf and that no approved certificate
	// supersedes (ties: latest decided, then highest id).
	CertificateInForce(ctx context.Context, facility string, asOf date.Date) (Certificate, error)
	// PutReceivables stores a submitted certificate's receivables input as
	// rows (bulk insert / COPY), once; a second call is a conflict.
	PutReceivables(ctx context.Context, certificate int64, rows []ReceivableRow) error
	Receivables(ctx context.Context, certificate int64) ([]ReceivableRow, error)
	// PutCertificateSummary stores a submitted certificate's collateral
	// summary (derived from its frozen inputs and body; opaque to the
	// store) once: the same version and body again stores nothing new;
	// another body is a conflict; a draft is a conflict and an unknown
	// certificate not_found. Storing one changes no figure.
	PutCertificateSummary(ctx context.Context, s CertificateSummary) error
	// CertificateSummaries reads the stored summaries of a facility's
	// certificates, by certificate id.
	CertificateSummaries(ctx context.Context, facility string) ([]CertificateSummary, error)

	// Financial statements: each submission is kept with its recording time;
	// a restatement is a new submission for the same period.
	AddFinancials(ctx context.Context, s Financials) (Financials, error)
	// FinancialsAsKnown returns, for each period, the latest submission
	// recorded at or before knownAt, by period end.
	FinancialsAsKnown(ctx context.Context, facility string, knownAt time.Time) ([]Financials, error)
	// FinancialsHistory returns every submission for one period, oldest first.
	FinancialsHistory(ctx context.Context, facility string, periodEnd date.Date) ([]Financials, error)

	// Base rate series, each value with its source and recording time
	// (ledger.RatePoint). Entering the same value again is a no-op; another
	// value for an existing (series, effective) is a conflict. A new point
	// is stored with its audit record (a, may be nil) in one database
	// transaction; a no-op appends none.
	PutRate(ctx context.Context, series string, p ledger.RatePoint, a *AuditRecord) error
	// PutRates enters many values of one series in one database
	// transaction, all or none (a conflict stores none), with one audit
	// record when any is new; it returns how many were new.
	PutRates(ctx context.Context, series string, pts []ledger.RatePoint, a *AuditRecord) (int, error)
	RateSeries(ctx context.Context, series string) (ledger.RateSeries, error)

	// Update runs fn in one database transaction holding the facility's
	// write lock: concurrent Updates of one facility run one after the
	// other, so a check made in fn still holds when fn posts. If fn returns
	// an error nothing it did is kept. The commit is durable when Update
	// returns nil. fn must work through tx only: calling the Store's own
	// writing methods from fn may wait forever for the lock fn holds.
	Update(ctx context.Context, facility string, fn func(Tx) error) error
	// PostBatch stores many transactions (any facilities) in one database
	// transaction, durably. It does no business checks: it is for postings
	// that need none (accruals, imports). A transaction whose key is already
	// stored with the same content is returned Replayed; other content under
	// the same key fails the whole batch with idempotency_mismatch.
	PostBatch(ctx context.Context, txs []ledger.Transaction) ([]Posted, error)
	Transactions(ctx context.Context, facility string) ([]ledger.Transaction, error) // by id
	// TransactionsPage is one page of a facility's transactions by id: at
	// most q.Limit with an id greater than q.After and a value date from
	// q.From to q.To, read in one query.
	TransactionsPage(ctx context.Context, facility string, q Page) ([]ledger.Transaction, error)
	Transaction(ctx context.Context, facility string, id int64) (ledger.Transaction, error)
	Balances(ctx context.Context, facility string, asOf date.Date) (ledger.Balances, error)
	// AvailabilityInputs reads what availability from a date on needs, as
	// known at knownAt (certificates approved by then), in one database
	// transaction: see AvailabilityInputs.
	AvailabilityInputs(ctx context.Context, facility string, from date.Date, knownAt time.Time, later bool) (AvailabilityInputs, error)
	// AvailabilityInputsOn reads, for every facility, what availability on
	// d needs as known now: for each, what AvailabilityInputs(ctx, it, d,
	// Everything, false) reads, in two statements for all of them (what a
	// run over every facility reads before computing any). A facility
	// with neither a certificate in force nor a balance is not in the map.
	AvailabilityInputsOn(ctx context.Context, d date.Date) (map[string]AvailabilityInputs, error)
	// AdvanceRequests lists a facility's advance requests by id.
	AdvanceRequests(ctx context.Context, facility string) ([]AdvanceRequest, error)
	// AdvanceRequestsPage is one page of them: at most q.Limit with an id
	// greater than q.After and a value date from q.From to q.To.
	AdvanceRequestsPage(ctx context.Context, facility string, q Page) ([]AdvanceRequest, error)
	// Overadvances lists a facility's recorded overadvances by id.
	Overadvances(ctx context.Context, facility string) ([]Overadvance, error)
	FactStore       // notices, events of default, policies, filings: defaults.go
	LoanNoticeStore // continuations and conversions of loans: loans.go
	ReserveStore    // lender reserves: reserves.go
	CashStore       // imported BAI2 files and their application: cash.go
	TriggerStore    // springing triggers' states and periods: triggers.go
	ReportMapStore  // column maps and layouts of reports: reportmaps.go
	RiskRatingStore // risk ratings and the watch list: riskratings.go
	FieldExamStore  // field exams, findings and dispositions: fieldexams.go

	// AccrualState returns, for every facility, what a close-of-business
	// run needs to accrue interest through the day through.
	AccrualState(ctx context.Context, through date.Date) ([]AccrualState, error)
	// CommitAccrual posts the accruals (as PostBatch) and marks the
	// facilities of states accrued through the day (a facility already
	// accrued further keeps its day), in one database transaction; it
	// records, for each of them, the largest transaction id then stored,
	// after which its Loans postings count as Late. If a
	// facility's Loans postings up to through changed since AccrualState
	// read them (a posting arrived meanwhile), it fails with conflict and
	// posts nothing: read the state again. With c (may be nil), the same
	// database transaction also opens the business date c.Open (when it
	// is later than the latest; an earlier or the same date is left as it
	// is) and appends the audit record c.Audit returns; an error from
	// c.Audit stores nothing at all.
	CommitAccrual(ctx context.Context, through date.Date, states []AccrualState, txs []ledger.Transaction, c *AccrualClose) ([]Posted, error)

	// BusinessDate is the bank's business (processing) date: the latest
	// opened (not_found before the first). OpenBusinessDate appends the
	// next: the date only moves forward (an earlier date is a conflict, the
	// same date again returns the stored record).
	BusinessDate(ctx context.Context) (BusinessDay, error)
	OpenBusinessDate(ctx context.Context, b BusinessDay) (BusinessDay, error)
	// BusinessDayAfter is the first business date opened after d (the one
	// whose opening closed d); not_found while none is.
	BusinessDayAfter(ctx context.Context, d date.Date) (BusinessDay, error)
	// ReadState reads, in one statement, what a figure of the facility
	// as known at a time needs before its own read: the business date,
	// the first business date opened after the date after (which ended its
	// business) and the versions of the facility's fact records and of its
	// documents. A facility of "" has neither. It notes the accounts'
	// version it read in the context's AccessCheck (WithAccessCheck), as
	// ReadStateAndInputs does.
	ReadState(ctx context.Context, facility string, after date.Date) (ReadState, error)
	// ReadStateAndInputs is ReadState(facility, from) and
	// AvailabilityInputs(facility, from, knownAt, later) in one statement
	// (one snapshot): what a figure's request reads when its known-at time
	// does not depend on the read state.
	ReadStateAndInputs(ctx context.Context, facility string, from date.Date, knownAt time.Time, later bool) (ReadState, AvailabilityInputs, error)

	Close() error
}

// Page asks for one page of a list kept by id: the records with an id
// greater than After, at most Limit of them (1 or more), with their date
// (a value date, an as-of date) from From to To where the list has one
// (From or To zero: unbounded on that side). The next page asks After
// the last id of this one.
type Page struct {
	After    int64
	Limit    int
	From, To date.Date
}

// Check refuses a page that asks for nothing or for an inverted range.
func (p Page) Check() error {
	switch {
	case p.Limit < 1:
		return Errorf(CodeInvalid, "page limit %d: expected 1 or more", p.Limit)
	case p.After < 0:
		return Errorf(CodeInvalid, "page after %d: expected an id, 0 or more", p.After)
	case p.From != 0 && p.To != 0 && p.From > p.To:
		return Errorf(CodeInvalid, "page from %s is after to %s", p.From, p.To)
	}
	return nil
}

// AccrualClose is what a close-of-business run commits with its accruals,
// in their database transaction (Store.CommitAccrual): the business date
// it opens (zero Date: none) and its audit record. Audit is called last in
// the transaction with what was posted and whether Open was opened; it
// returns the record to append (nil: none), or an error that stores
// nothing.
type AccrualClose struct {
	Open  BusinessDay
	Audit func(posted []Posted, opened bool) (*AuditRecord, error)
	// Triggers are the springing triggers' states and events the run
	// evaluated, appended as AppendTriggers does (nil: none).
	Triggers *Triggers
}

// BusinessDay is one opening of a business date: which date, who opened it,
// when and why (close of business, the demo's loading, a configured start).
type BusinessDay struct {
	Date       date.Date `json:"business_date"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
	Reason     string    `json:"reason"`
}

// ReadState is Store.ReadState's answer. Its business days carry the date
// and when it was opened only; a zero Date is none.
type ReadState struct {
	BusinessDate BusinessDay  `json:"business_date"`
	After        BusinessDay  `json:"after"`
	Facts        FactsVersion `json:"facts"`
	Docs         DocsVersion  `json:"docs"`
	// Reserves counts the facility's reserve records (0: none, so
	// availability need not read them).
	Reserves int `json:"reserves"`
	// Access is the accounts' version in the same snapshot (see
	// AccessCheck); the read also notes it in the context's AccessCheck.
	Access int64 `json:"access"`
}

// DocsVersion names a facility's set of documents (append-only): their
// count and the latest recorded time. A cache of what was read from the
// documents is current while the version it was read at is the stored one.
type DocsVersion struct {
	N    int       `json:"n"`
	Last time.Time `json:"last"`
}

// FactsVersion names a facility's set of fact records (append-only): their
// count and the last id, as FactStore.FactRecordsVersion.
type FactsVersion struct {
	N    int   `json:"n"`
	Last int64 `json:"last"`
}

// MultiUpdater is a Store that can change many facilities in one
// database transaction (a bank's file for all its customers' accounts).
type MultiUpdater interface {
	// UpdateFacilities runs fn in one database transaction holding the
	// write locks of every facility named (taken in facility id order);
	// fn gets each one's Tx by slug (a facility not named is invalid).
	// Otherwise as Update: an error from fn keeps nothing, the commit is
	// durable when UpdateFacilities returns nil.
	UpdateFacilities(ctx context.Context, facilities []string, fn func(tx func(facility string) (Tx, error)) error) error
}

// Tx is the view of one facility inside Update.
type Tx interface {
	Facility() Facility
	Balance(account ledger.Account, asOf date.Date) (money.Amount, error)
	Balances(asOf date.Date) (ledger.Balances, error)
	// Movements are an account's postings dated after the day, summed by
	// value date, ascending.
	Movements(account ledger.Account, after date.Date) ([]DayAmount, error)
	// Lookup returns the transaction stored under an idempotency key.
	Lookup(key string) (ledger.Transaction, bool, error)
	Transaction(id int64) (ledger.Transaction, error)
	// Post validates and stores t (its facility must be the Update's). The
	// same key with the same content returns the stored transaction
	// Replayed; other content is idempotency_mismatch.
	Post(t ledger.Transaction) (Posted, error)
	CertificateInForce(asOf date.Date) (Certificate, error)
	// AvailabilityInputs is the Store's, inside the transaction.
	AvailabilityInputs(from date.Date, knownAt time.Time, later bool) (AvailabilityInputs, error)

	// AddAdvanceRequest stores a request for approval (status requested),
	// or a request funded at once (status funded, with its transaction),
	// keyed by r.Key. The same key with the same amount, value date and
	// requester returns the stored request Replayed; other content is
	// idempotency_mismatch.
	AddAdvanceRequest(r AdvanceRequest) (AdvanceRequest, bool, error)
	// RecordOveradvance stores an overadvance once under its key; the same
	// key with the same content returns the record (true), other content is
	// idempotency_mismatch. Records are never changed.
	RecordOveradvance(o Overadvance) (Overadvance, bool, error)
	FactTx       // fact records: defaults.go
	LoanNoticeTx // continuations and conversions of loans: loans.go
	ReserveTx    // lender reserves: reserves.go
	CashTx       // imported BAI2 files and their application: cash.go
	ReportMapTx  // column maps and layouts of reports: reportmaps.go
	RiskRatingTx // risk ratings and the watch list: riskratings.go
	FieldExamTx  // field exams, findings and dispositions: fieldexams.go

	// Certificate returns a certificate of the facility (another
	// facility's is not_found); CreateCertificate, SubmitCertificate and
	// DecideCertificate are the Store's, inside the transaction.
	Certificate(id int64) (Certificate, error)
	// Certificates lists the facility's certificates as Store.Certificates.
	Certificates() ([]Certificate, error)
	CreateCertificate(c Certificate) (Certificate, error)
	SubmitCertificate(id int64, s Submission) (Certificate, error)
	DecideCertificate(id int64, d Decision) (Certificate, error)
	// AddFinancials is the Store's, inside the transaction.
	AddFinancials(f Financials) (Financials, error)
	PendingTx // approvals and documents: accounts.go

	AdvanceRequest(id int64) (AdvanceRequest, error)
	// AdvanceRequestByKey returns the facility's advance request stored
	// under an idempotency key, false if none.
	AdvanceRequestByKey(key string) (AdvanceRequest, bool, error)
	// AdvanceRequestsOn lists the facility's advance requests made on a
	// business date, by id.
	AdvanceRequestsOn(businessDate date.Date) ([]AdvanceRequest, error)
	// FundedAloneOn sums the advances requested on a business date by one
	// person and funded without a second person's approval (decided by
	// their requester).
	FundedAloneOn(businessDate date.Date, by string) (money.Amount, error)
	// DecideAdvanceRequest moves a requested advance to funded (with the
	// transaction posted in this Update), rejected or cancelled; any other
	// move is a conflict.
	DecideAdvanceRequest(id int64, d AdvanceDecision) (AdvanceRequest, error)
}

// AdvanceStatus is the state of an advance request.
type AdvanceStatus string

// Advance request statuses: requested → funded | rejected | cancelled.
const (
	AdvanceRequested AdvanceStatus = "requested"
	AdvanceFunded    AdvanceStatus = "funded"
	AdvanceRejected  AdvanceStatus = "rejected"
	// AdvanceCancelled: withdrawn by its requester before it was decided.
	AdvanceCancelled AdvanceStatus = "cancelled"
)

// AdvanceRequest is a borrower's request for an advance (maker-checker:
// above the facility's threshold a second person approves it).
type AdvanceRequest struct {
	ID          int64         `json:"id"`
	Facility    string        `json:"facility"`
	Key         string        `json:"key"`
	Amount      money.Amount  `json:"amount"`
	ValueDate   date.Date     `json:"value_date"`
	Status      AdvanceStatus `json:"status"`
	RequestedBy string        `json:"requested_by"`
	RequestedAt time.Time     `json:"requested_at"`
	// BusinessDate is the business date the request was made on.
	BusinessDate date.Date `json:"business_date,omitzero"`
	// Reason is set for a correction: a back-valued advance a lender asks
	// for, which a second lender approves.
	Reason    string    `json:"reason,omitempty"`
	DecidedBy string    `json:"decided_by,omitempty"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
	Comment   string    `json:"comment,omitempty"`
	// Transaction is the id of the funding transaction.
	Transaction int64 `json:"transaction,omitempty"`
	// Option is the pricing option elected ("" for requests made before
	// options were elected: the terms' first); InterestPeriod a term-rate
	// loan's interest period ("3m").
	Option         string `json:"option,omitempty"`
	InterestPeriod string `json:"interest_period,omitempty"`
	// Tranche is the tranche the request elects: ledger.TrancheLastOut,
	// or "" (requests made before tranches, and every first-out request:
	// stored as first_out from then).
	Tranche string `json:"tranche,omitempty"`
}

// Overadvance records loans above availability on a date and the cure
// deadline counted from the lender's notice (Security Agreement ¶13(h)).
// Whether it was cured by then is derived from the loan account.
type Overadvance struct {
	ID            int64        `json:"id"`
	Facility      string       `json:"facility"`
	Key           string       `json:"key"`
	DetectedOn    date.Date    `json:"detected_on"`
	Amount        money.Amount `json:"amount"`
	BorrowingBase money.Amount `json:"borrowing_base"`
	Loans         money.Amount `json:"loans"`
	Notice        date.Date    `json:"notice,omitzero"`  // 0: no notice given yet
	CureBy        date.Date    `json:"cure_by,omitzero"` // 0: no deadline yet
	RecordedBy    string       `json:"recorded_by"`
	RecordedAt    time.Time    `json:"recorded_at"`
}

// AdvanceDecision funds, rejects or cancels a requested advance.
type AdvanceDecision struct {
	Status      AdvanceStatus // AdvanceFunded, AdvanceRejected or AdvanceCancelled
	By          string
	At          time.Time
	Comment     string
	Transaction int64 // the funding transaction, for AdvanceFunded
}

// Posted is a stored transaction; Replayed when it was stored before under
// the same key with the same content and nothing was posted now.
type Posted struct {
	Transaction ledger.Transaction
	Replayed    bool
}

// Facility is a credit facility.
type Facility struct {
	Slug    string    `json:"slug"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	// Settings are operational settings, e.g. {"maker_checker_threshold": "250000.00"}.
	Settings json.RawMessage `json:"settings,omitempty"`
}

// FacilityVersion is a facility with its version (Store.FacilityVersions).
type FacilityVersion struct {
	Facility Facility
	Version  int64
}

// Document is an agreement, amendment or other document stored whole.
type Document struct {
	Facility   string    `json:"facility"`
	ID         string    `json:"id"`   // e.g. "loan-agreement", "first-amendment"
	Kind       string    `json:"kind"` // e.g. agreement, amendment, notice
	Effective  date.Date `json:"effective"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
	SHA256     string    `json:"sha256"` // hex, computed by the store
	Size       int64     `json:"size"`
	Content    []byte    `json:"-"`
}

// CertificateStatus is the lifecycle state of a certificate.
type CertificateStatus string

// Certificate statuses: draft → submitted → approved | rejected |
// withdrawn (by the borrower, before a decision).
const (
	Draft     CertificateStatus = "draft"
	Submitted CertificateStatus = "submitted"
	Approved  CertificateStatus = "approved"
	Rejected  CertificateStatus = "rejected"
	Withdrawn CertificateStatus = "withdrawn"
)

// Certificate is a borrowing base certificate.
type Certificate struct {
	ID       int64             `json:"id"`
	Facility string            `json:"facility"`
	AsOf     date.Date         `json:"as_of"`
	Status   CertificateStatus `json:"status"`
	// Supersedes is the id of the certificate this one replaces, 0 if none.
	Supersedes int64     `json:"supersedes,omitempty"`
	PreparedBy string    `json:"prepared_by"`
	CreatedAt  time.Time `json:"created_at"`

	// Set on submission, frozen afterwards.
	Body       json.RawMessage `json:"body,omitempty"` // the computed certificate
	BodySHA256 string          `json:"body_sha256,omitempty"`
	// Explanation is the computed certificate's explanation as shown and
	// printed (opaque to the store); empty for certificates stored before
	// explanations were kept.
	Explanation       json.RawMessage `json:"-"`
	ExplanationSHA256 string          `json:"explanation_sha256,omitempty"`
	// Warnings are what the submitter was told when submitting.
	Warnings []CertificateWarning `json:"warnings,omitempty"`
	// RollForward is the roll-forward against the previous approved
	// certificate computed on submission (opaque to the store; empty when
	// the certificate carried no journals or had no previous approved
	// certificate), stored by SHA-256 like the body. Certificates leaves it
	// out (RollForwardSHA256 says where it is: Blob).
	RollForward       json.RawMessage `json:"rollforward,omitempty"`
	RollForwardSHA256 string          `json:"rollforward_sha256,omitempty"`
	BorrowingBase     money.Amount    `json:"borrowing_base"`
	LCOutstanding     money.Amount    `json:"lc_outstanding"`
	LCReserve         money.Amount    `json:"lc_reserve"`
	Inputs            []Input         `json:"inputs,omitempty"`
	SubmittedBy       string          `json:"submitted_by,omitempty"`
	SubmittedAt       time.Time       `json:"submitted_at,omitzero"`

	// Attestation is the officer's statement signed with the submission
	// (nil: none was given).
	Attestation *Attestation `json:"attestation,omitempty"`

	// Set on decision: who approved or rejected it, or withdrew it.
	Reviewer  string    `json:"reviewer,omitempty"`
	Comment   string    `json:"comment,omitempty"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
}

// Input is a certificate input stored content-addressed.
type Input struct {
	Name   string `json:"name"` // e.g. "receivables.csv"
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// Kind is what the input is (one of the Input* kinds); "" for inputs
	// stored before kinds were kept: the three reports, in order.
	Kind string `json:"kind,omitempty"`
	// Map is the column map and layout the input was read with (JSON of a
	// collateral.ReportMap); empty for a plain report.
	Map json.RawMessage `json:"map,omitempty"`
}

// Kinds of certificate inputs (Input.Kind).
const (
	InputReceivables       = "receivables"
	InputDebtors           = "debtors"
	InputInventory         = "inventory"
	InputSales             = "sales"
	InputCollections       = "collections"
	InputCredits           = "credits"
	InputInventoryActivity = "inventory_activity"
)

// InputContent is an input to store on submission.
type InputContent struct {
	Name    string
	Content []byte
	// Kind is what it is (Input.Kind); optional.
	Kind string
	// Map is the column map and layout it is read with (Input.Map);
	// empty for a plain report.
	Map json.RawMessage
}

// CertificateWarning is something about a certificate its submitter and
// reviewer should look at before it is approved: a stable code, a message
// and the figures it is about.
type CertificateWarning struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Figures []WarningFigure `json:"figures,omitempty"`
}

// WarningFigure is one figure of a warning: a stable name, a label and the
// exact value as text (an amount "1234.56", a share "0.2000", a date, a
// count or a certificate id).
type WarningFigure struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Value string `json:"value"`
}

// Submission freezes a draft certificate.
type Submission struct {
	Body          json.RawMessage
	Explanation   json.RawMessage // optional
	Warnings      []CertificateWarning
	RollForward   json.RawMessage // optional
	BorrowingBase money.Amount
	// LastOutBase is the certificate's last-out borrowing base when its
	// terms have a last-out tranche (nil: none).
	LastOutBase   *money.Amount
	LCOutstanding money.Amount
	LCReserve     money.Amount
	Inputs        []InputContent
	By            string
	At            time.Time
	// Attestation: the officer's statement (nil: none); name, title and
	// text all required when given.
	Attestation *Attestation
}

// Attestation is what the borrower's officer states in signing a
// certificate: who (name and title) and the words (the agreement's where
// its terms give them, otherwise the market-standard statement).
type Attestation struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// Decision approves, rejects or withdraws a submitted certificate.
type Decision struct {
	Status CertificateStatus // Approved, Rejected or Withdrawn
	// Reviewer is who decides (for Withdrawn: who withdraws).
	Reviewer string
	Comment  string
	At       time.Time
}

// CertificateSummary is a certificate's stored collateral summary: a
// version of its format and the body (JSON, opaque to the store).
type CertificateSummary struct {
	Certificate int64           `json:"certificate"`
	Version     int             `json:"version"`
	Body        json.RawMessage `json:"body"`
	CreatedAt   time.Time       `json:"created_at"`
}

// ReceivableRow is one row of a certificate's receivables input.
type ReceivableRow struct {
	Line        int32        `json:"line"`
	DebtorID    string       `json:"debtor_id"`
	InvoiceNo   string       `json:"invoice_no"`
	InvoiceDate date.Date    `json:"invoice_date"`
	DueDate     date.Date    `json:"due_date"`
	Amount      money.Amount `json:"amount"`
	Disputed    bool         `json:"disputed"`
}

// Financials is a financial statement submission for a period.
type Financials struct {
	ID          int64           `json:"id"`
	Facility    string          `json:"facility"`
	PeriodEnd   date.Date       `json:"period_end"`
	RecordedAt  time.Time       `json:"recorded_at"`
	SubmittedBy string          `json:"submitted_by"`
	Payload     json.RawMessage `json:"payload"`
}

// AccrualState is a facility's position for a close-of-business run.
type AccrualState struct {
	Facility string
	// AccruedThrough is the last day already accrued, 0 if never.
	AccruedThrough date.Date
	// From is the first day Deltas cover; Opening is the Loans balance at
	// the end of the day before From.
	From    date.Date
	Opening money.Amount
	// Deltas are the Loans postings summed by value date, From ≤ day ≤
	// through, ascending.
	Deltas []DayAmount
	// InterestReceivable is that account's balance as of through.
	InterestReceivable money.Amount
	// FirstActivity is the value date of the first Loans or LoansLastOut
	// posting, 0 if none.
	FirstActivity date.Date
	// Guard is what CommitAccrual checks again under the facilities' lock
	// to know that nothing the run computed from changed since (the
	// store's own: callers pass the state back as read).
	Guard AccrualGuard
	// Late are the Loans postings stored since the last close of business
	// committed (transaction id above the largest one it had seen) and
	// dated on or before AccruedThrough: their days' interest was accrued
	// without them. Summed by transaction, ascending by id. When Late is
	// not empty, From is at most the earliest of their days.
	Late []LatePosting
}

// AccrualGuard is, for one facility, what a close-of-business commit
// counts again: the Loans and interest receivable postings dated on or
// before the run's day, those with ids above Seen when Carried (the run
// read the balances carried by the last commit, which cover the postings
// up to Seen), else all of them.
type AccrualGuard struct {
	Postings int64
	Seen     int64
	Carried  bool
}

// LatePosting is a back-valued Loans posting of one transaction.
type LatePosting struct {
	TxID   int64
	Day    date.Date
	Amount money.Amount
}

// DayAmount is an amount on a day.
type DayAmount struct {
	Day    date.Date
	Amount money.Amount
}

// Truncate gives t the precision the stores keep: microseconds, UTC.
func Truncate(t time.Time) time.Time { return t.Truncate(time.Microsecond).UTC() }

// TxObserver is told of each write transaction a store ran: its name (the
// store method's, e.g. "update", "append_audit"), how long it took from
// its begin, waiting for the write lock included, to its commit or
// rollback, and whether it committed.
type TxObserver func(name string, took time.Duration, committed bool)

// TxObservable is a store that tells a TxObserver of its write
// transactions (both SQL stores are).
type TxObservable interface {
	ObserveTx(TxObserver)
}

// ReadyChecker is a store that can say whether it is ready to serve: the
// database answers and its schema is the one this build expects.
type ReadyChecker interface {
	Ready(ctx context.Context) error
}

// Ready says whether st is ready to serve: its ReadyChecker's answer, or
// for a store without one whether it answers a read.
func Ready(ctx context.Context, st Store) error {
	if rc, ok := st.(ReadyChecker); ok {
		return rc.Ready(ctx)
	}
	_, err := st.Facilities(ctx)
	return err
}
