package apptest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"revolver/agreement"
	"revolver/app"
	"revolver/bai2"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// CashBenchScale is the scale of the cash import benchmark: facilities and
// Business Days of daily BAI2 files (issue 13 §5: 1,000 facilities, a
// year). REVOLVER_CASH_BENCH=FACILITIES,DAYS runs another (a part of it,
// to measure on a small machine; the cost is linear in the files).
func CashBenchScale() (facilities, days int) {
	facilities, days = 1000, 250
	if v := os.Getenv("REVOLVER_CASH_BENCH"); v != "" {
		f, d, _ := strings.Cut(v, ",")
		if n, err := strconv.Atoi(f); err == nil && n > 0 {
			facilities = n
		}
		if n, err := strconv.Atoi(d); err == nil && n > 0 {
			days = n
		}
	}
	return facilities, days
}

// cashFiles are the daily lockbox files of one facility: day i's file
// reports the deposits received that Business Day, about 50 records (one
// 02, 03, 49 and 98 and 46 deposits, sometimes a returned item), the
// same for the same seed (deterministic; small enough to build in memory).
func cashFiles(facility int, days []date.Date) [][]byte {
	r := rand.New(rand.NewPCG(uint64(facility), 13))
	out := make([][]byte, len(days))
	for i, d := range days {
		var txs []bai2.Transaction
		n := 44 + r.IntN(5)
		for j := range n {
			txs = append(txs, bai2.Transaction{TypeCode: "115", Amount: money.Amount(50_00 + r.IntN(500_000_00)/100), Funds: bai2.Funds{Type: "1"},
				BankRef: fmt.Sprintf("LBX%d-%d", d, j), Text: "LOCKBOX DEPOSIT"})
		}
		if r.IntN(20) == 0 {
			txs = append(txs, bai2.Transaction{TypeCode: "555", Amount: money.Amount(10_00 + r.IntN(100_00)), Funds: bai2.Funds{Type: "0"},
				BankRef: fmt.Sprintf("RET%d", d), Text: "DEPOSITED ITEM RETURNED"})
		}
		f := &bai2.File{Sender: "BANK", Receiver: fmt.Sprintf("B%06d", facility), Created: d + 1, CreatedTime: "0600", FileID: strconv.Itoa(int(d)),
			Groups: []bai2.Group{{Ultimate: fmt.Sprintf("B%06d", facility), Originator: "BANK", Status: 1, AsOf: d, AsOfTime: "2400", Currency: "USD", AsOfModifier: "2",
				Accounts: []bai2.Account{{Number: "0012345678", Currency: "USD", Transactions: txs}}}}}
		out[i] = bai2.Write(f)
	}
	return out
}

// benchImportCash: a year of daily BAI2 files for every facility imported
// through ImportCash with the application posted (each facility's lockbox
// swept daily, clearance one Business Day), day by day, by workers
// importing the day's files of different facilities at once. It reports
// the time per file, per record and for the whole (s/run).
func benchImportCash(b *testing.B, s store.Store, workers int) {
	nf, nd := CashBenchScale()
	slugs := facilities(b, s, nf)
	lockbox := agreement.CashAccount{Number: "0012345678", Kind: agreement.Term[string]{Value: agreement.AccountLockbox}, Swept: agreement.Term[bool]{Value: true}}
	ft := app.FacilityTerms{Commitment: amt("500000000.00"), TerminationDate: d("2008-06-30"), ClearanceDays: 1,
		Cash: app.CashTerms{Accounts: []agreement.CashAccount{lockbox}, TypeCodes: agreement.Collections{}.CashTypeCodes()}}
	svc := &app.Service{Store: s, Terms: app.TermsFunc(func(context.Context, string, date.Date) (app.FacilityTerms, error) { return ft, nil })}
	var txs []ledger.Transaction
	for _, f := range slugs {
		a, err := ledger.Advance(ref(f, "a", "2005-01-03"), amt("400000000.00"))
		ok(b, err)
		if txs = append(txs, a); len(txs) == 5000 {
			must(s.PostBatch(ctx, txs)).of(b)
			txs = txs[:0]
		}
	}
	must(s.PostBatch(ctx, txs)).of(b)
	var days []date.Date
	for day := d("2005-01-04"); len(days) < nd; day = ft.Calendar.Next(day) {
		days = append(days, day)
	}
	files := make([][][]byte, nf)
	records := 0
	for i := range files {
		files[i] = cashFiles(i, days)
		for _, f := range files[i] {
			records += strings.Count(string(f), "\n")
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i > 0 {
			b.Fatal("run with -benchtime 1x: a file is imported once")
		}
		for di := range days {
			next := make(chan int)
			errs := make(chan error, workers)
			var wg sync.WaitGroup
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for fi := range next {
						im, err := svc.ImportCash(ctx, slugs[fi], "lockbox.bai", files[fi][di])
						if err == nil && (im.Replayed || len(im.Transactions) == 0) {
							err = fmt.Errorf("%s day %s: %s", slugs[fi], days[di], im.Message)
						}
						if err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			for fi := range slugs {
				next <- fi
			}
			close(next)
			wg.Wait()
			select {
			case err := <-errs:
				b.Fatal(err)
			default:
			}
		}
	}
	b.StopTimer()
	n := float64(nf * nd)
	b.ReportMetric(b.Elapsed().Seconds(), "s/run")
	b.ReportMetric(b.Elapsed().Seconds()/n*1e3, "ms/file")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(records)/1e3, "µs/record")
	b.ReportMetric(float64(nf*nd), "files")
	if fs, err := s.CashFiles(ctx, slugs[0]); err != nil || len(fs) != nd {
		b.Fatalf("%d files stored for %s, want %d (%v)", len(fs), slugs[0], nd, err)
	}
}
