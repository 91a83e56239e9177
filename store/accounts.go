package store

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"revolver/date"
	"revolver/money"
)

// Roles of users.
const (
	RoleLenderAdmin   = "lender_admin"
	RoleLenderOfficer = "lender_officer"
	RoleLenderAnalyst = "lender_analyst"
	RoleBorrower      = "borrower"
	RoleAuditor       = "auditor"
)

// Roles lists every role.
var Roles = []string{RoleLenderAdmin, RoleLenderOfficer, RoleLenderAnalyst, RoleBorrower, RoleAuditor}

// ValidRole reports whether r is a role.
func ValidRole(r string) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Accounts holds the people who use the system and what the HTTP layer
// must keep durably: users, API tokens, browser sessions, responses kept
// for idempotency keys, pending approvals and the hash-chained audit trail.
// Both adapters implement it (see store/sqlstore/accounts.go).
type Accounts interface {
	// CreateUser stores a user; an email already used is a conflict.
	CreateUser(ctx context.Context, u User) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	UserByID(ctx context.Context, id int64) (User, error)
	// GrantFacility lets a (borrower) user see a facility; granting twice
	// is a no-op.
	GrantFacility(ctx context.Context, userID int64, facility string) error

	// Users lists every user by email.
	Users(ctx context.Context) ([]User, error)

	// CreateToken stores the SHA-256 (hex) of a new API token, created at
	// and valid until expires.
	CreateToken(ctx context.Context, userID int64, tokenSHA256 string, at, expires time.Time) error
	// AddUser stores a new user with the facilities granted, and AddToken a
	// token's hash, each in one transaction with its audit record (nil:
	// none).
	AddUser(ctx context.Context, u User, facilities []string, a *AuditRecord) (User, error)
	AddToken(ctx context.Context, userID int64, tokenSHA256 string, at, expires time.Time, a *AuditRecord) error
	// UserByToken finds the user of a token valid at now: a token unknown,
	// revoked or expired, or of a disabled user, is not_found.
	UserByToken(ctx context.Context, tokenSHA256 string, now time.Time) (User, error)
	// TokenCaller is UserByToken with the token's expiry and the
	// accounts' version read in the same statement (one snapshot).
	TokenCaller(ctx context.Context, tokenSHA256 string, now time.Time) (Caller, error)

	// SetUserDisabled disables a user (disabled true) or enables them
	// again, appending the change with its audit record (a, may be nil) in
	// one transaction. Disabling also ends every session of the user and
	// revokes every token not yet revoked, in that transaction. Setting the
	// state a user is already in is a conflict.
	SetUserDisabled(ctx context.Context, userID int64, disabled bool, at time.Time, a *AuditRecord) error
	// Tokens lists a user's tokens (revoked and expired ones too), oldest
	// first; Token finds one by its SHA-256.
	Tokens(ctx context.Context, userID int64) ([]Token, error)
	Token(ctx context.Context, tokenSHA256 string) (Token, error)
	// RevokeToken revokes a token at a time, with its audit record (a, may
	// be nil), in one transaction: unknown is not_found, already revoked a
	// conflict.
	RevokeToken(ctx context.Context, tokenSHA256 string, at time.Time, a *AuditRecord) (Token, error)
	// Sessions lists a user's sessions live at now, oldest first.
	Sessions(ctx context.Context, userID int64, now time.Time) ([]Session, error)
	// EndSessions ends a user's session (idSHA256) or, with idSHA256 "",
	// every session of the user, with the audit record (a, may be nil),
	// in one transaction; it returns how many were ended (a session named
	// that is not the user's is not_found).
	EndSessions(ctx context.Context, userID int64, idSHA256 string, a *AuditRecord) (int, error)

	// SetPassword appends a user's new password (p.Hash, argon2id) and
	// whether they must change it at their next sign-in, ends every
	// session of the user but p.KeepSession ("": every one), and appends
	// the audit record (a, may be nil), in one transaction; it returns how
	// many sessions ended. An unknown user is not_found.
	SetPassword(ctx context.Context, p PasswordChange, a *AuditRecord) (int, error)
	// SetAccess appends a user's role and the facilities granted to them
	// (replacing the earlier grants), with the audit record (a, may be
	// nil), in one transaction, and returns the user as changed. An
	// unknown user or facility is not_found; the role and facilities the
	// user already has are a conflict.
	SetAccess(ctx context.Context, userID int64, role string, facilities []string, at time.Time, a *AuditRecord) (User, error)

	// Sessions are keyed by the SHA-256 (hex) of the cookie value.
	CreateSession(ctx context.Context, s Session) error
	Session(ctx context.Context, idSHA256 string, now time.Time) (Session, error) // not_found if absent or expired
	DeleteSession(ctx context.Context, idSHA256 string) error
	// EndSession deletes a session and appends its audit record (a, may
	// be nil) in one database transaction.
	EndSession(ctx context.Context, idSHA256 string, a *AuditRecord) error

	// RecordSignIn appends a sign-in attempt and, in the same database
	// transaction, the session of a successful one (s, may be nil) and the
	// attempt's audit record (a, may be nil). Attempts are append-only.
	RecordSignIn(ctx context.Context, at SignInAttempt, s *Session, a *AuditRecord) error
	// ReserveSignIn checks and records an attempt in one database
	// transaction, serialised per email: it reads the failures since (as
	// SignInFailures), asks allow, and if allow returns nil records the
	// attempt as failed until CompleteSignIn says otherwise, returning its
	// id; allow's error is returned and nothing is recorded. Simultaneous
	// attempts for one email are counted one after the other, so no more
	// than the limit get past it.
	ReserveSignIn(ctx context.Context, at SignInAttempt, since time.Time, allow func(account, fromAddress []time.Time) error) (int64, error)
	// CompleteSignIn marks a reserved attempt successful and stores the
	// session and the audit record (a, may be nil), in one transaction.
	CompleteSignIn(ctx context.Context, id int64, s Session, a *AuditRecord) error
	// SignInFailures returns the times of failed attempts at or after
	// since, oldest first: those for email after its latest successful
	// attempt, and those from address (whatever their email).
	SignInFailures(ctx context.Context, email, address string, since time.Time) (account, fromAddress []time.Time, err error)

	// IdempotentResponse returns the response kept for (user, key).
	IdempotentResponse(ctx context.Context, userID int64, key string) (IdempotentResponse, error)
	// PutIdempotentResponse keeps a response; if one is already kept for
	// (user, key) it is returned with ok false and nothing is changed.
	PutIdempotentResponse(ctx context.Context, r IdempotentResponse) (kept IdempotentResponse, ok bool, err error)

	// Pending approvals (maker-checker for amendments and events of
	// default).
	CreatePending(ctx context.Context, p Pending) (Pending, error)
	Pending(ctx context.Context, id int64) (Pending, error)
	PendingList(ctx context.Context, facility string) ([]Pending, error)
	// DecidePending moves a requested action to approved or rejected;
	// anything else is a conflict.
	DecidePending(ctx context.Context, id int64, status, by, comment string, at time.Time) (Pending, error)

	// AppendAudit appends a record to the hash chain, assigning ID,
	// PrevHash and Hash (appends are serialised).
	AppendAudit(ctx context.Context, r AuditRecord) (AuditRecord, error)
	// FinishRequest keeps a request's response for its idempotency key (r,
	// may be nil) and appends its audit record (a, may be nil) in one
	// database transaction. If a response is already kept for the key,
	// nothing is stored and the kept response is returned with first false.
	FinishRequest(ctx context.Context, a *AuditRecord, r *IdempotentResponse) (kept IdempotentResponse, first bool, err error)
	// AuditRecords returns up to limit records with ID > after, by ID.
	AuditRecords(ctx context.Context, after int64, limit int) ([]AuditRecord, error)
	// FindAudit returns the records that match a filter; a filter that
	// cannot be met (From after To) is invalid.
	FindAudit(ctx context.Context, f AuditFilter) ([]AuditRecord, error)
}

// PasswordChange is a user's new password as stored: its hash, whether
// the user must change it at their next sign-in (a password an
// administrator set), when, and the session kept (the one of the user
// changing their own password; the others end).
type PasswordChange struct {
	UserID      int64
	Hash        string
	MustChange  bool
	At          time.Time
	KeepSession string
}

// SignInAttempt is one sign-in tried, kept for the sign-in limits and for
// the record: when, the email typed (trimmed, lower case, whether or not an
// account has it), the client address, and whether it succeeded.
type SignInAttempt struct {
	At      time.Time
	Email   string
	Address string
	OK      bool
}

// AuditFilter selects audit records. Empty fields select everything.
type AuditFilter struct {
	Facility string
	Actor    string // who, e.g. an email or cli:name
	Kind     string // what kind of thing, e.g. advance, certificate, session
	// From and To bound the business date, inclusive (0: open).
	From, To date.Date
	// After and Before bound the record ID, exclusive (0: open).
	After, Before int64
	// Limit is the most records returned (default and at most 1000).
	Limit int
	// Newest returns the records newest first (else by ID).
	Newest bool
}

// PendingTx is pending approvals and documents inside Update (the
// Accounts' and the Store's methods, for the Update's facility).
type PendingTx interface {
	CreatePending(p Pending) (Pending, error)
	// Pending returns an action of the facility (another facility's is
	// not_found).
	Pending(id int64) (Pending, error)
	DecidePending(id int64, status, by, comment string, at time.Time) (Pending, error)
	// PutDocument stores a document whole; the same document again
	// returns the stored one (true); other content under its id is a
	// conflict.
	PutDocument(d Document) (Document, bool, error)
}

// TxAuditor appends to the audit chain inside an Update, so that the
// record commits (or not) with the change it records.
type TxAuditor interface {
	AppendAuditTx(tx Tx, r AuditRecord) (AuditRecord, error)
}

// User is a person (or program) using the system.
type User struct {
	ID           int64     `json:"id"`
	Email        string    `json:"email"`
	Role         string    `json:"role"`
	PasswordHash string    `json:"-"` // argon2id, PHC string format
	Created      time.Time `json:"created"`
	// Facilities are the facilities a borrower user belongs to.
	Facilities []string `json:"facilities,omitempty"`
	// Disabled users cannot sign in, and have no session or token that
	// works.
	Disabled bool `json:"disabled"`
	// MustChangePassword: the password was set by an administrator and
	// the user must change it before anything else (the web pages ask).
	MustChangePassword bool `json:"must_change_password"`
}

// Token is an API token as stored: its SHA-256 (hex; the token itself is
// never stored), whose it is, when it was created, until when it is
// valid, and when it was revoked (zero: not revoked).
type Token struct {
	SHA256  string    `json:"sha256"`
	UserID  int64     `json:"-"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	Revoked time.Time `json:"revoked,omitzero"`
}

// Caller is the user of a token valid when read (TokenCaller), the token's
// expiry and the accounts' version of that read.
type Caller struct {
	User    User
	Expires time.Time
	Access  int64
}

// AccessCheck confirms a caller looked up in an earlier snapshot. The
// accounts' version is raised, in the same transaction, by every change
// to what makes a token's caller (its user, role, password, status and
// grants, the token and its revocation); a caller read at version Want is
// still the caller in any later snapshot whose version is Want. The
// store's reads of the read state (ReadState, ReadStateAndInputs) note the
// version of their snapshot in the context's check, so that a request
// whose figures are read in that statement needs no lookup of its caller
// of its own. Safe for concurrent use.
type AccessCheck struct {
	Want int64
	mu   sync.Mutex
	seen bool
	ok   bool
}

// Note records a snapshot's version.
func (c *AccessCheck) Note(v int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ok = v == c.Want && (c.ok || !c.seen)
	c.seen = true
}

// Confirmed reports whether a snapshot was noted and every one noted had
// the version wanted.
func (c *AccessCheck) Confirmed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen && c.ok
}

type accessCheckKey struct{}

// WithAccessCheck returns ctx carrying the check.
func WithAccessCheck(ctx context.Context, c *AccessCheck) context.Context {
	return context.WithValue(ctx, accessCheckKey{}, c)
}

// NoteAccess notes a snapshot's accounts' version in the context's
// check, if it carries one.
func NoteAccess(ctx context.Context, v int64) {
	if c, _ := ctx.Value(accessCheckKey{}).(*AccessCheck); c != nil {
		c.Note(v)
	}
}

// Valid reports whether the token may be used at now.
func (t Token) Valid(now time.Time) bool { return t.Revoked.IsZero() && now.Before(t.Expires) }

// Session is a signed-in browser.
type Session struct {
	IDSHA256 string
	UserID   int64
	CSRF     string
	Created  time.Time
	Expires  time.Time
}

// IdempotentResponse is the first response given to a mutating request
// with an Idempotency-Key.
type IdempotentResponse struct {
	UserID      int64
	Key         string
	RequestHash string // SHA-256 of method, path and body
	Status      int
	Body        []byte
	Created     time.Time
}

// Pending statuses.
const (
	PendingRequested = "requested"
	PendingApproved  = "approved"
	PendingRejected  = "rejected"
)

// Pending is an action waiting for a second person's approval.
type Pending struct {
	ID          int64           `json:"id"`
	Facility    string          `json:"facility"`
	Kind        string          `json:"kind"` // amendment, event_of_default, waiver
	Payload     json.RawMessage `json:"payload"`
	Status      string          `json:"status"`
	RequestedBy string          `json:"requested_by"`
	RequestedAt time.Time       `json:"requested_at"`
	DecidedBy   string          `json:"decided_by,omitempty"`
	DecidedAt   time.Time       `json:"decided_at,omitzero"`
	Comment     string          `json:"comment,omitempty"`
}

// Results of an audited request.
const (
	AuditDone    = "done"
	AuditRefused = "refused"
)

// AuditVersion is the version of the records appended now: 2 records say
// who, what, when and with which result in their own fields and carry a
// summary; records of version 1 (before these fields) have only an actor,
// a route and the before and after JSON. Both hash as they were written
// (see AuditCanonical).
const AuditVersion = 2

// AuditRecord is one link of the audit chain: Hash = SHA-256 of the
// canonical encoding of the record, which includes PrevHash (see
// AuditCanonical).
type AuditRecord struct {
	ID      int64     `json:"id"`
	Version int       `json:"version"`
	At      time.Time `json:"at"` // when it was recorded
	// Who: the user (email, or cli:name for the command line; the email
	// typed for a failed sign-in) and their role ("" when not known).
	Actor string `json:"actor"`
	Role  string `json:"role,omitempty"`
	// RequestID and Route name the request or command.
	RequestID string `json:"request_id"`
	Route     string `json:"route"`
	Facility  string `json:"facility,omitempty"`
	// What: the kind of thing (advance, certificate, session, …), what was
	// done to it (request, approve, sign_in, …), its id, the amount, and
	// its status before and after.
	Kind         string       `json:"kind,omitempty"`
	Action       string       `json:"action,omitempty"`
	Resource     string       `json:"resource,omitempty"`
	Amount       money.Amount `json:"amount,omitzero"`
	StatusBefore string       `json:"status_before,omitempty"`
	StatusAfter  string       `json:"status_after,omitempty"`
	// When: BusinessDate is the bank's processing date when the record was
	// appended (the latest business date opened; before the first, the
	// day recorded in UTC). Dated is the date the change is about: the
	// value date of an advance or repayment, the as-of date of a
	// certificate, the period end of statements, the date of a fact (0
	// for what has none, such as a sign-in).
	BusinessDate date.Date `json:"business_date,omitzero"`
	Dated        date.Date `json:"dated,omitzero"`
	// Result is done or refused; Error the code of a refusal.
	Result string `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
	// Summary says it in a sentence (AuditSummary).
	Summary  string          `json:"summary"`
	Before   json.RawMessage `json:"before,omitempty"`
	After    json.RawMessage `json:"after,omitempty"`
	PrevHash string          `json:"prev_hash"` // hex; "" for the first
	Hash     string          `json:"hash"`      // hex
}

// AuditHead is the newest link of the audit chain: its id and hash (zero
// when the chain is empty). Published (in the metrics), it lets a removal
// of the newest records, or a rewritten tail, be seen by comparing heads.
type AuditHead struct {
	ID   int64
	Hash string
}

// AuditHeader reads the head of the audit chain without reading the
// chain (both SQL stores are AuditHeaders).
type AuditHeader interface {
	AuditHead(ctx context.Context) (AuditHead, error)
}
