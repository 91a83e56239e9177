package sqlite_test

import (
	"testing"

	"revolver/store/storetest"
)

func TestAccountsConformance(t *testing.T) { storetest.RunAccounts(t, open) }
