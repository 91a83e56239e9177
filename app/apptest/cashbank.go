package apptest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/app"
	"revolver/bai2"
	"revolver/calendar"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// bankAccount is facility i's lockbox account at the bank.
func bankAccount(i int) string { return fmt.Sprintf("77%08d", i) }

// bankTerms are the terms of the bank benchmark and tests: facility i's
// lockbox bankAccount(i), swept daily, clearance one Business Day.
func bankTerms(slugs []string) app.TermsFunc {
	ix := make(map[string]int, len(slugs))
	for i, s := range slugs {
		ix[s] = i
	}
	return app.TermsFunc(func(_ context.Context, f string, _ date.Date) (app.FacilityTerms, error) {
		i, ok := ix[f]
		if !ok {
			return app.FacilityTerms{}, store.Errorf(store.CodeNotFound, "no terms for %q", f)
		}
		lockbox := agreement.CashAccount{Number: bankAccount(i), Kind: agreement.Term[string]{Value: agreement.AccountLockbox}, Swept: agreement.Term[bool]{Value: true}}
		return app.FacilityTerms{Commitment: amt("500000000.00"), TerminationDate: d("2008-06-30"), ClearanceDays: 1,
			Cash: app.CashTerms{Accounts: []agreement.CashAccount{lockbox}, TypeCodes: agreement.Collections{}.CashTypeCodes()}}, nil
	})
}

// bankFile is the bank's file of one Business Day for facilities [0, n)
// (accounts bankAccount(i)), about 50 records an account (44–48 lockbox
// deposits, a returned item in one account-day of 20), plus the extra
// accounts given (known to no facility); the same for the same day.
func bankFile(n int, day date.Date, extra ...string) []byte {
	r := rand.New(rand.NewPCG(uint64(day), 13))
	accts := make([]bai2.Account, 0, n+len(extra))
	add := func(number string) {
		k := 44 + r.IntN(5)
		txs := make([]bai2.Transaction, 0, k+1)
		for j := range k {
			txs = append(txs, bai2.Transaction{TypeCode: "115", Amount: money.Amount(50_00 + r.IntN(500_000_00)/100), Funds: bai2.Funds{Type: "1"},
				BankRef: fmt.Sprintf("LBX%d-%d", day, j), Text: "LOCKBOX DEPOSIT"})
		}
		if r.IntN(20) == 0 {
			txs = append(txs, bai2.Transaction{TypeCode: "555", Amount: money.Amount(10_00 + r.IntN(100_00)), Funds: bai2.Funds{Type: "0"},
				BankRef: fmt.Sprintf("RET%d", day), Text: "DEPOSITED ITEM RETURNED"})
		}
		accts = append(accts, bai2.Account{Number: number, Currency: "USD", Transactions: txs})
	}
	for i := range n {
		add(bankAccount(i))
	}
	for _, e := range extra {
		add(e)
	}
	return bai2.Write(&bai2.File{Sender: "BANK", Receiver: "LENDER", Created: day + 1, CreatedTime: "0600", FileID: strconv.Itoa(int(day)),
		Groups: []bai2.Group{{Ultimate: "LENDER", Originator: "BANK", Status: 1, AsOf: day, AsOfTime: "2400", Currency: "USD", AsOfModifier: "2", Accounts: accts}}})
}

// facilityPart is a bank file's part for one account: the same file
// with its groups restricted to the account (what ImportBankCash imports
// for the account's facility).
func facilityPart(t TB, content []byte, account string) []byte {
	f, err := bai2.Read("bank.bai", content)
	ok(t, err)
	c := *f
	c.Groups = nil
	for _, g := range f.Groups {
		sub := g
		sub.Accounts = nil
		for _, a := range g.Accounts {
			if a.Number == account {
				sub.Accounts = append(sub.Accounts, a)
			}
		}
		if len(sub.Accounts) > 0 {
			c.Groups = append(c.Groups, sub)
		}
	}
	return bai2.Write(&c)
}

func bankDays(n int) []date.Date {
	var days []date.Date
	var cal calendar.Calendar
	for day := d("2005-01-04"); len(days) < n; day = cal.Next(day) {
		days = append(days, day)
	}
	return days
}

func bankFacilities(t TB, s store.Store, n int) ([]string, *app.Service) {
	fs := make([]store.Facility, n)
	slugs := make([]string, n)
	for i := range fs {
		slugs[i] = fmt.Sprintf("f%06d", i)
		fs[i] = store.Facility{Slug: slugs[i], Name: slugs[i], Created: t0}
	}
	ok(t, s.CreateFacilities(ctx, fs))
	var txs []ledger.Transaction
	for _, f := range slugs {
		a, err := ledger.Advance(ref(f, "a", "2005-01-03"), amt("400000000.00"))
		ok(t, err)
		txs = append(txs, a)
	}
	_, err := s.PostBatch(ctx, txs)
	ok(t, err)
	return slugs, &app.Service{Store: s, Terms: bankTerms(slugs)}
}

// cashOutcome is what a facility's cash import leaves, without the ids
// names and record numbers (the 16 record's place in the file imported)
// that differ between a bank's file and a facility's part of it: its
// items with their application and its ledger postings.
func cashOutcome(t TB, s store.Store, facility string) string {
	items, err := s.CashItems(ctx, facility, 0)
	ok(t, err)
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "%s %s %s %s %s %s %v %s|%s|%s %s %v\n", it.Account, it.Received, it.TypeCode, it.Kind, it.Amount, it.ValueDate, it.Swept,
			it.Reason, it.Applied, it.Remitted, it.RemittedTo, it.Transaction != 0)
	}
	txs, err := s.Transactions(ctx, facility)
	ok(t, err)
	for _, tr := range txs {
		fmt.Fprintf(&b, "%s %s", tr.Kind, tr.ValueDate)
		for _, p := range tr.Postings {
			fmt.Fprintf(&b, " %s %s", p.Account, p.Amount)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// testBankCash: a bank's daily files imported by ImportBankCash leave each
// facility the items, application and ledger that importing each
// facility's part by ImportCash leaves; an unrouted account is reported
// and stored nowhere; the same file again posts nothing; a refused file
// stores nothing.
func testBankCash(t *testing.T, open func(t *testing.T) store.Store) {
	const n = 4
	days := bankDays(3)
	files := make([][]byte, len(days))
	for i, day := range days {
		files[i] = bankFile(n, day, "9999999999")
	}
	bank, per := open(t), open(t)
	slugs, bsvc := bankFacilities(t, bank, n)
	_, psvc := bankFacilities(t, per, n)
	for i, day := range days {
		got, err := bsvc.ImportBankCash(ctx, "bank.bai", files[i])
		ok(t, err)
		if got.Replayed || len(got.Facilities) != n {
			t.Fatalf("day %s: %d facilities imported (replayed %v), want %d: %s", day, len(got.Facilities), got.Replayed, n, got.Message)
		}
		if len(got.Unrouted) != 1 || got.Unrouted[0].Account != "9999999999" || got.Unrouted[0].Items == 0 {
			t.Fatalf("day %s: unrouted %+v, want account 9999999999 with its items", day, got.Unrouted)
		}
		for fi := range slugs {
			im, err := psvc.ImportCash(ctx, slugs[fi], "bank.bai", facilityPart(t, files[i], bankAccount(fi)))
			ok(t, err)
			if im.Replayed || len(im.Transactions) == 0 {
				t.Fatalf("%s day %s: %s", slugs[fi], day, im.Message)
			}
		}
	}
	for _, f := range slugs {
		if g, w := cashOutcome(t, bank, f), cashOutcome(t, per, f); g != w {
			t.Errorf("%s: the bank file's outcome differs from the facility's files':\n got %s\nwant %s", f, g, w)
		}
	}
	before := cashOutcome(t, bank, slugs[0])
	again, err := bsvc.ImportBankCash(ctx, "bank.bai", files[0])
	ok(t, err)
	if !again.Replayed || !strings.Contains(again.Message, "already imported") {
		t.Errorf("the same file again: replayed %v, %q; want replayed, nothing posted", again.Replayed, again.Message)
	}
	if got := cashOutcome(t, bank, slugs[0]); got != before {
		t.Errorf("the same file again changed %s:\n got %s\nwant %s", slugs[0], got, before)
	}
	// An account two facilities name refuses the file: nothing stored.
	dup := &app.Service{Store: bank, Terms: app.TermsFunc(func(c context.Context, f string, day date.Date) (app.FacilityTerms, error) {
		ft, err := bankTerms(slugs)(c, f, day)
		if f == slugs[1] {
			ft.Cash.Accounts = append(ft.Cash.Accounts, agreement.CashAccount{Number: bankAccount(0), Kind: agreement.Term[string]{Value: agreement.AccountLockbox}})
		}
		return ft, err
	})}
	next := bankFile(n, days[len(days)-1].AddDays(7))
	if _, err := dup.ImportBankCash(ctx, "bank.bai", next); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), bankAccount(0)) {
		t.Errorf("an account of two facilities: err %v, want invalid naming %s", err, bankAccount(0))
	}
	// A part refused (an unknown type code in a swept account) stores
	// nothing for any facility.
	bad := strings.Replace(string(next), "16,115,", "16,999,", 1)
	bad = strings.Replace(bad, "\n16,999,", "\n16,999,", 1)
	if _, err := bsvc.ImportBankCash(ctx, "bank.bai", []byte(bad)); err == nil {
		t.Errorf("a file with an unknown type code in a swept account was imported")
	}
	for _, f := range slugs {
		fs, err := bank.CashFiles(ctx, f)
		ok(t, err)
		if len(fs) != len(days) {
			t.Errorf("%s: %d files after the refusals, want %d", f, len(fs), len(days))
		}
	}
}

// benchImportBankCash: a year of the bank's daily BAI2 files (one file a
// Business Day for every facility's account, about 50 records each)
// imported by ImportBankCash with the application posted, one store
// transaction a file. The baseline, measured in the same run, is reading
// the same bytes alone (bai2.Read): read_s/run.
func benchImportBankCash(b *testing.B, s store.Store) {
	nf, nd := CashBenchScale()
	slugs, svc := bankFacilities(b, s, nf)
	days := bankDays(nd)
	files := make([][]byte, len(days))
	records, size := 0, 0
	for i, day := range days {
		files[i] = bankFile(nf, day)
		records += strings.Count(string(files[i]), "\n")
		size += len(files[i])
	}
	start := time.Now()
	for _, f := range files {
		if _, err := bai2.Read("bank.bai", f); err != nil {
			b.Fatal(err)
		}
	}
	read := time.Since(start)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i > 0 {
			b.Fatal("run with -benchtime 1x: a file is imported once")
		}
		for di, f := range files {
			im, err := svc.ImportBankCash(ctx, "bank.bai", f)
			if err != nil {
				b.Fatalf("day %s: %v", days[di], err)
			}
			if im.Replayed || len(im.Facilities) != nf {
				b.Fatalf("day %s: %s", days[di], im.Message)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(b.Elapsed().Seconds(), "s/run")
	b.ReportMetric(read.Seconds(), "read_s/run")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(records)/1e3, "µs/record")
	b.ReportMetric(float64(size)/1e6, "MB")
	if fs, err := s.CashFiles(ctx, slugs[0]); err != nil || len(fs) != nd {
		b.Fatalf("%d files stored for %s, want %d (%v)", len(fs), slugs[0], nd, err)
	}
}
