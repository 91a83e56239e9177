package store

import (
	"context"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
)

// AvailabilityReader is implemented by stores that answer the reads of an
// availability figure lean: some accounts of a facility without the
// others, and the certificate in force without its body and inputs (both
// adapters do). The HTTP API uses it when present.
type AvailabilityReader interface {
	// AccountBalances returns the balances of the named accounts as of a
	// value date (accounts with a zero balance are absent).
	AccountBalances(ctx context.Context, facility string, asOf date.Date, accounts ...ledger.Account) (ledger.Balances, error)
	// BorrowingBaseInForce returns the id and borrowing base of the
	// certificate CertificateInForce would return; not_found if none.
	BorrowingBaseInForce(ctx context.Context, facility string, asOf date.Date) (id int64, borrowingBase money.Amount, err error)
}
