package store

import (
	"context"
	"time"

	"revolver/date"
	"revolver/money"
)

// CashFile is one BAI2 file imported for a facility (docs/cash.md): its
// name, its content's SHA-256 (the content is a blob), its identity in the
// 01 record (sender, receiver, file id, creation date and time), how many
// of its groups were new and how many already imported, its physical
// record count, and who imported it when. Never changed.
type CashFile struct {
	ID          int64     `json:"id"`
	Facility    string    `json:"facility"`
	Name        string    `json:"name"`
	SHA256      string    `json:"sha256"`
	Sender      string    `json:"sender"`
	Receiver    string    `json:"receiver"`
	FileID      string    `json:"file_id"`
	Created     date.Date `json:"created"`
	CreatedTime string    `json:"created_time"`
	GroupsNew   int       `json:"groups_new"`
	GroupsSeen  int       `json:"groups_seen"`
	Records     int       `json:"records"`
	ImportedBy  string    `json:"imported_by"`
	ImportedAt  time.Time `json:"imported_at"`
}

// CashGroup is one 02 group a file brought: its key (originator, as-of
// date and time, account numbers: the same key again is the same group),
// its content's SHA-256, its as-of date and its record number in the file.
type CashGroup struct {
	ID     int64     `json:"id"`
	File   int64     `json:"file"`
	Key    string    `json:"key"`
	SHA256 string    `json:"sha256"`
	AsOf   date.Date `json:"as_of"`
	Record int       `json:"record"`
}

// CashItem is one 16 transaction detail imported, with its application.
// Amount is signed (a credit positive, a debit negative). Kind is the
// terms' kind of its type code ("" unclassified). ValueDate is the day a
// credit is credited (received plus the clearance days). Swept and Reason
// say whether it pays the loans down and why; Applied is what it applied
// to the loans (a returned item: what it charged back, positive), Remitted
// what went back to the borrower's account RemittedTo; Transaction the
// ledger transaction that posted it (0: none); Returns, for a returned
// item, the deposit it reverses (0: none matched — charged back).
type CashItem struct {
	ID          int64        `json:"id"`
	Facility    string       `json:"facility"`
	File        int64        `json:"file"`
	Group       int64        `json:"group"`
	GroupKey    string       `json:"-"`
	Account     string       `json:"account"`
	Received    date.Date    `json:"received"`
	Record      int          `json:"record"`
	Line        int          `json:"line"`
	TypeCode    string       `json:"type_code"`
	Kind        string       `json:"kind"`
	Amount      money.Amount `json:"amount"`
	Funds       string       `json:"funds"`
	BankRef     string       `json:"bank_ref"`
	CustomerRef string       `json:"customer_ref"`
	Text        string       `json:"text"`
	ValueDate   date.Date    `json:"value_date,omitzero"`
	Swept       bool         `json:"swept"`
	Reason      string       `json:"reason"`
	Applied     money.Amount `json:"applied"`
	Remitted    money.Amount `json:"remitted"`
	RemittedTo  string       `json:"remitted_to,omitempty"`
	Transaction int64        `json:"transaction,omitempty"`
	Returns     int64        `json:"returns,omitempty"`
}

// CashImport is what one import stores: the file, its content, the groups
// it brings that were not imported before and their items (each naming
// its group by GroupKey).
type CashImport struct {
	File    CashFile
	Content []byte
	Groups  []CashGroup
	Items   []CashItem
}

// CashStore reads a facility's imported cash.
type CashStore interface {
	// CashFiles lists a facility's imported files by id.
	CashFiles(ctx context.Context, facility string) ([]CashFile, error)
	// CashFile returns one (another facility's is not_found).
	CashFile(ctx context.Context, facility string, id int64) (CashFile, error)
	// CashItems lists a facility's items by id: those of one file, or all
	// when file is 0.
	CashItems(ctx context.Context, facility string, file int64) ([]CashItem, error)
}

// CashTx writes imported cash inside Update.
type CashTx interface {
	// AddCashImport stores the file (its content as a blob), its groups
	// and its items, all or none; the ids and the facility are set by the
	// store, and in.Items are given theirs (with their file and group). The
	// same content, or the same sender, file id and creation date, again is
	// a conflict; so is a group key already stored.
	AddCashImport(in CashImport) (CashFile, error)
	// CashFileLike returns a stored file of the facility with the SHA-256,
	// or else with the sender, file id and creation date (false: none).
	CashFileLike(sha256, sender, fileID string, created date.Date) (CashFile, bool, error)
	// CashGroupsByKey returns the facility's stored groups whose key is
	// among keys, by key.
	CashGroupsByKey(keys []string) (map[string]CashGroup, error)
	// CashItemsLike lists the facility's items of an account with the
	// bank reference (when not empty) or the amount, in either direction
	// (a deposit and the item returning it), by id, as the transaction
	// sees them.
	CashItemsLike(account, bankRef string, amount money.Amount) ([]CashItem, error)
}
