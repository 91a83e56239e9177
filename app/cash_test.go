package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/bai2"
	"revolver/date"
	"revolver/defaults"
	"revolver/examples"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// lockbox is BTU's lockbox account (examples/btu-sovereign: swept daily,
// an assumption).
const lockbox = "0012345678"

func dep(code string, cents int64, ref string) bai2.Transaction {
	return bai2.Transaction{TypeCode: code, Amount: money.Amount(cents), BankRef: ref, Text: "ITEM"}
}

func grp(asOf, account string, txs ...bai2.Transaction) bai2.Group {
	return bai2.Group{Ultimate: "BTUINTL", Originator: "SOVRBANK", Status: 1, AsOf: date.MustParse(asOf), AsOfTime: "2400", Currency: "USD", AsOfModifier: "2",
		Accounts: []bai2.Account{{Number: account, Currency: "USD", Transactions: txs}}}
}

func baiFile(fileID, created string, groups ...bai2.Group) []byte {
	return bai2.Write(&bai2.File{Sender: "SOVRBANK", Receiver: "BTUINTL", Created: date.MustParse(created), CreatedTime: "0600", FileID: fileID, Groups: groups})
}

func loansOn(t *testing.T, s store.Store, day string) money.Amount {
	t.Helper()
	b, err := s.Balances(context.Background(), "btu", date.MustParse(day))
	if err != nil {
		t.Fatal(err)
	}
	return b[ledger.Loans]
}

func advanced(t *testing.T, s store.Store, vd string, amount money.Amount) {
	t.Helper()
	a, err := ledger.Advance(ledger.Ref{Facility: "btu", Key: "a-" + vd, ValueDate: date.MustParse(vd)}, amount)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PostBatch(context.Background(), []ledger.Transaction{a}); err != nil {
		t.Fatal(err)
	}
}

// The day's deposits of a swept lockbox are credited to the loans the
// clearance days later in Business Days (received Friday, credited
// Monday) as one collection; a deposit beyond the loans outstanding pays
// them down to zero and the rest is remitted to the borrower, recorded on
// the deposit: the loans never go below zero. Each deposit is explained.
func TestImportCashApplies(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc := btu(t, s)
		advanced(t, s, "2006-01-03", 1_000_000_00)
		file := baiFile("20060314", "2006-03-14",
			grp("2006-03-10", lockbox, dep("115", 300_000_00, "LBX1"), dep("115", 200_000_00, "LBX2")),
			grp("2006-03-13", lockbox, dep("115", 700_000_00, "LBX3")))
		im, err := svc.ImportCash(ctx, "btu", "lockbox.bai", file)
		if err != nil {
			t.Fatal(err)
		}
		if im.Replayed || len(im.Transactions) != 2 || im.Credits != 1_200_000_00 || im.Applied != 1_000_000_00 || im.Remitted != 200_000_00 {
			t.Fatalf("import %+v", im)
		}
		c1, c2 := im.Transactions[0], im.Transactions[1]
		if c1.Kind != ledger.KindCollection || c1.ValueDate != date.MustParse("2006-03-13") || c1.Postings[1].Amount != -500_000_00 {
			t.Errorf("first collection %+v", c1)
		}
		if c2.ValueDate != date.MustParse("2006-03-14") || c2.Postings[1].Amount != -500_000_00 {
			t.Errorf("second collection %+v", c2)
		}
		if got := loansOn(t, s, "2006-03-10"); got != 1_000_000_00 {
			t.Errorf("loans on the day received %s, want 1000000.00", got)
		}
		if got := loansOn(t, s, "2006-03-13"); got != 500_000_00 {
			t.Errorf("loans on the Monday %s, want 500000.00", got)
		}
		if got := loansOn(t, s, "2006-03-14"); got != 0 {
			t.Errorf("loans after the large deposit %s, want 0.00 (never below)", got)
		}
		if len(im.Items) != 3 {
			t.Fatalf("items %+v", im.Items)
		}
		for i, want := range []struct {
			applied, remitted money.Amount
			tx                int64
		}{{300_000_00, 0, c1.ID}, {200_000_00, 0, c1.ID}, {500_000_00, 200_000_00, c2.ID}} {
			it := im.Items[i]
			if it.Applied != want.applied || it.Remitted != want.remitted || it.Transaction != want.tx || !it.Swept || it.Kind != "lockbox_deposit" {
				t.Errorf("item %d %+v, want applied %s remitted %s in %d", i, it, want.applied, want.remitted, want.tx)
			}
		}
		if it := im.Items[2]; it.RemittedTo != RemittedToBorrower || !strings.Contains(it.Reason, "standing instruction") {
			t.Errorf("remittance %+v", it)
		}
		// The explanation of the remitted deposit.
		v, err := svc.CashFile(ctx, "btu", im.File.ID, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		e := v.Items[2].Explanation
		for key, want := range map[string]string{".received": "2006-03-13", ".clearance_days": "1", ".value_date": "2006-03-14", ".swept": "true",
			".applied": "500000.00", ".remitted": "200000.00", ".transaction": strconv.FormatInt(c2.ID, 10)} {
			n := e.Find(e.Key + key)
			if n == nil || n.Value != want {
				t.Errorf("explanation %s = %+v, want %s\n%s", key, n, want, e.Text())
			}
		}
		if n := e.Find(e.Key + ".swept"); n == nil || n.Assumption == "" || !strings.Contains(n.Formula, "swept to the loans every Business Day") {
			t.Errorf("swept node %+v", n)
		}
		if fs, err := svc.CashFiles(ctx, "btu", time.Time{}); err != nil || len(fs) != 1 || fs[0].GroupsNew != 2 {
			t.Errorf("files %+v %v", fs, err)
		}
		if fs, _ := svc.CashFiles(ctx, "btu", im.File.ImportedAt.Add(-time.Second)); len(fs) != 0 {
			t.Errorf("as known before the import: %+v", fs)
		}
	})
}

// A file imported before posts nothing again (same content, or the same
// sender, file id and creation date), and says so; a group imported
// before in another file is skipped; a group imported before with other
// content refuses the whole file.
func TestImportCashOnce(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc := btu(t, s)
		advanced(t, s, "2006-01-03", 1_000_000_00)
		g1 := grp("2006-03-10", lockbox, dep("115", 100_000_00, "LBX1"))
		first, err := svc.ImportCash(ctx, "btu", "a.bai", baiFile("1", "2006-03-13", g1))
		if err != nil {
			t.Fatal(err)
		}
		again, err := svc.ImportCash(ctx, "btu", "a-again.bai", baiFile("1", "2006-03-13", g1))
		if err != nil || !again.Replayed || again.File.ID != first.File.ID || !strings.Contains(again.Message, "same content") || len(again.Transactions) != 0 {
			t.Errorf("same content: %+v %v", again, err)
		}
		same, err := svc.ImportCash(ctx, "btu", "a2.bai", baiFile("1", "2006-03-13", g1, grp("2006-03-13", lockbox, dep("115", 1_00, "X"))))
		if err != nil || !same.Replayed || !strings.Contains(same.Message, "same sender SOVRBANK, file id 1") {
			t.Errorf("same identity: %+v %v", same, err)
		}
		g2 := grp("2006-03-13", lockbox, dep("115", 50_000_00, "LBX2"))
		both, err := svc.ImportCash(ctx, "btu", "b.bai", baiFile("2", "2006-03-14", g1, g2))
		if err != nil {
			t.Fatal(err)
		}
		if both.Replayed || len(both.Skipped) != 1 || both.Skipped[0].File != first.File.ID || len(both.Items) != 1 || both.Applied != 50_000_00 ||
			!strings.Contains(both.Message, "1 group(s) imported before posted nothing again") {
			t.Errorf("a file with a group imported before: %+v", both)
		}
		if got := loansOn(t, s, "2006-03-14"); got != 850_000_00 {
			t.Errorf("loans %s, want 850000.00 (each deposit credited once)", got)
		}
		changed := grp("2006-03-10", lockbox, dep("115", 100_000_01, "LBX1"))
		_, err = svc.ImportCash(ctx, "btu", "c.bai", baiFile("3", "2006-03-15", changed))
		if store.ErrorCode(err) != store.CodeConflict || !strings.Contains(err.Error(), "imported from cash file") {
			t.Errorf("a changed group: %v", err)
		}
		if fs, _ := s.CashFiles(ctx, "btu"); len(fs) != 2 {
			t.Errorf("%d files stored, want 2", len(fs))
		}
	})
}

// Any error of the file refuses it whole, naming the record, the field,
// what was found and what was expected; an unknown type code in a swept
// account is refused naming its record; in an account the terms do not
// name it is kept as unclassified, and that account's deposits are not
// swept.
func TestImportCashRefusals(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc := btu(t, s)
		advanced(t, s, "2006-01-03", 1_000_000_00)
		good := string(baiFile("1", "2006-03-13", grp("2006-03-10", lockbox, dep("115", 100_000_00, "LBX1"))))
		bad := strings.Replace(good, "49,10000000,3/", "49,10000001,3/", 1)
		if bad == good {
			t.Fatalf("no account trailer in\n%s", good)
		}
		_, err := svc.ImportCash(ctx, "btu", "bad.bai", []byte(bad))
		var be *bai2.Error
		if store.ErrorCode(err) != store.CodeInvalid || !errors.As(err, &be) || be.Record != 5 || !strings.Contains(be.Field, "49 account trailer") ||
			be.Found != "10000001" || !strings.Contains(err.Error(), "nothing imported") {
			t.Fatalf("control total mismatch: %v (%+v)", err, be)
		}
		_, err = svc.ImportCash(ctx, "btu", "odd.bai", baiFile("2", "2006-03-13", grp("2006-03-10", lockbox, dep("115", 1_00, "A"), dep("399", 2_00, "B"))))
		if store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), `record 5, line 5, 16 transaction detail type code: found "399"`) {
			t.Errorf("unknown code in the swept lockbox: %v", err)
		}
		if fs, _ := s.CashFiles(ctx, "btu"); len(fs) != 0 {
			t.Fatalf("refused files stored: %+v", fs)
		}
		if got := loansOn(t, s, "2006-03-31"); got != 1_000_000_00 {
			t.Errorf("loans %s after refusals", got)
		}
		other, err := svc.ImportCash(ctx, "btu", "other.bai", baiFile("3", "2006-03-13", grp("2006-03-10", "0099", dep("115", 5_00, "A"), dep("399", 2_00, "B"))))
		if err != nil {
			t.Fatal(err)
		}
		if other.Unclassified != 1 || len(other.Transactions) != 0 || other.Items[1].Kind != "" || !strings.Contains(other.Items[1].Reason, "unclassified") ||
			other.Items[0].Swept || !strings.Contains(other.Items[0].Reason, "not among the facility's cash accounts") || other.Items[0].ValueDate != date.MustParse("2006-03-13") {
			t.Errorf("an account the terms do not name: %+v", other)
		}
	})
}

// A returned item whose deposit was credited alone reverses that
// collection (returned_item); one matching no deposit is charged back to
// the loan account (Security Agreement ¶8), and so the loans rise.
func TestImportCashReturnedItems(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc := btu(t, s)
		advanced(t, s, "2006-01-03", 1_000_000_00)
		first, err := svc.ImportCash(ctx, "btu", "a.bai", baiFile("1", "2006-03-13", grp("2006-03-10", lockbox, dep("115", 40_000_00, "CHK7"))))
		if err != nil {
			t.Fatal(err)
		}
		ret, err := svc.ImportCash(ctx, "btu", "b.bai", baiFile("2", "2006-03-16",
			grp("2006-03-15", lockbox, dep("555", 40_000_00, "CHK7"), dep("555", 3_000_00, "RET20060315"))))
		if err != nil {
			t.Fatal(err)
		}
		if len(ret.Transactions) != 2 || ret.ChargedBack != 43_000_00 {
			t.Fatalf("returns %+v", ret)
		}
		rev, cb := ret.Transactions[0], ret.Transactions[1]
		if rev.Kind != ledger.KindReturnedItem || rev.Reverses != first.Transactions[0].ID || rev.ValueDate != date.MustParse("2006-03-16") {
			t.Errorf("reversal %+v", rev)
		}
		if cb.Kind != ledger.KindChargeBack || cb.Postings[0].Account != ledger.Loans || cb.Postings[0].Amount != 3_000_00 {
			t.Errorf("charge back %+v", cb)
		}
		if it := ret.Items[0]; it.Returns != first.Items[0].ID || it.Applied != 40_000_00 || !strings.Contains(it.Reason, "reversed") {
			t.Errorf("returned item %+v", it)
		}
		if it := ret.Items[1]; it.Returns != 0 || !strings.Contains(it.Reason, "no deposit of the account matches") {
			t.Errorf("charged back %+v", it)
		}
		if got := loansOn(t, s, "2006-03-16"); got != 1_003_000_00 {
			t.Errorf("loans %s, want 1003000.00", got)
		}
		// A returned deposit credited with another of its day is charged
		// back: the day's collection is not reversed whole.
		two, err := svc.ImportCash(ctx, "btu", "c.bai", baiFile("3", "2006-03-20", grp("2006-03-17", lockbox, dep("115", 10_000_00, "CHK8"), dep("115", 20_000_00, "CHK9"))))
		if err != nil || len(two.Transactions) != 1 {
			t.Fatalf("two deposits: %+v %v", two, err)
		}
		back, err := svc.ImportCash(ctx, "btu", "d.bai", baiFile("4", "2006-03-22", grp("2006-03-21", lockbox, dep("555", 10_000_00, "CHK8"))))
		if err != nil || len(back.Transactions) != 1 || back.Transactions[0].Kind != ledger.KindChargeBack || back.Items[0].Returns != two.Items[0].ID ||
			!strings.Contains(back.Items[0].Reason, "credited with other deposits") {
			t.Errorf("a deposit credited with another returned: %+v %v", back, err)
		}
	})
}

// sweepOn: the swept lockbox always; an account the terms do not name not
// before an event of default and notice (¶3), and from the day the notice
// takes effect while the default continues — as known at the time: before
// the notice was recorded, not.
func TestSweepOn(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc := btu(t, s)
		d := date.MustParse
		if on, why, err := svc.sweepOn(ctx, "btu", lockbox, d("2005-03-01"), svc.now()); err != nil || !on || !strings.Contains(why, "assumption:") {
			t.Errorf("lockbox: %v %q %v", on, why, err)
		}
		if on, why, err := svc.sweepOn(ctx, "btu", "0099", d("2005-07-01"), svc.now()); err != nil || on || !strings.Contains(why, "¶3") {
			t.Errorf("another account before any default: %v %q %v", on, why, err)
		}
		before := svc.now().Add(-time.Second)
		eod, err := svc.RecordDefault(ctx, in("eod", "officer1@bank"), defaults.DefaultRecord{Event: "dissolution", Occurred: d("2005-06-01"), Description: "dissolved"})
		if err != nil {
			t.Fatal(err)
		}
		if on, _, _ := svc.sweepOn(ctx, "btu", "0099", d("2005-07-01"), svc.now()); on {
			t.Error("swept on a default without notice")
		}
		n, err := svc.NoticeOfDefault(ctx, in("notice", "officer1@bank"), eod.ID, defaults.Notice{Method: "courier", Sent: time.Date(2005, 6, 2, 15, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		eff := n.Effect.Date
		now := svc.now().Add(time.Minute)
		if on, why, err := svc.sweepOn(ctx, "btu", "0099", eff, now); err != nil || !on || !strings.Contains(why, eod.ID) || !strings.Contains(why, "¶3") {
			t.Errorf("on the notice's effective day %s: %v %q %v", eff, on, why, err)
		}
		if on, _, _ := svc.sweepOn(ctx, "btu", "0099", eff.AddDays(-1), now); on {
			t.Errorf("swept the day before the notice took effect")
		}
		if on, _, _ := svc.sweepOn(ctx, "btu", "0099", eff, before); on {
			t.Errorf("swept as known before the default was recorded")
		}
	})
}

// The bank's deposits of a generated history tie to the borrower's
// collections journal of the certificate day by day and batch by batch;
// a deposit the journal does not have is listed, on its day and as its
// batch.
func TestReconcileCash(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		dir := history(t)
		ctx := context.Background()
		first, err := e.submitIn(historyInput(t, dir, "2004-06-30", false))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.approveWith(first, ""); err != nil {
			t.Fatal(err)
		}
		c, err := e.submitIn(historyInput(t, dir, "2004-07-31", true))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "2004-07-31", "lockbox.bai"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ImportCash(ctx, "btu", "lockbox.bai", b); err != nil {
			t.Fatal(err)
		}
		r, err := e.svc.ReconcileCash(ctx, "btu", c.ID, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		want := column(t, filepath.Join(dir, "2004-07-31", "collections.csv"), "amount")
		if len(r.Differences) != 0 || r.Bank != want || r.Book != want || r.From != date.MustParse("2004-07-01") || len(r.Days) == 0 || len(r.Batches) < len(r.Days) {
			t.Fatalf("reconciliation %+v, want the bank and the journal both %s", r, want)
		}
		if _, err := e.svc.ImportCash(ctx, "btu", "extra.bai", baiFile("x", "2004-07-21", grp("2004-07-20", lockbox, dep("115", 1_234_00, "WIRE9")))); err != nil {
			t.Fatal(err)
		}
		r, err = e.svc.ReconcileCash(ctx, "btu", c.ID, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Difference != 1_234_00 || len(r.Differences) != 2 || !strings.Contains(r.Differences[0], "2004-07-20") ||
			!strings.Contains(r.Differences[1], `batch "WIRE9" of 2004-07-20: 1234.00 at the bank, not in the journal`) {
			t.Errorf("differences %q (difference %s)", r.Differences, r.Difference)
		}
		if _, err := e.svc.ReconcileCash(ctx, "btu", first.ID, time.Time{}); store.ErrorCode(err) != store.CodeNotFound {
			t.Errorf("a certificate without journals: %v", err)
		}
	})
}

// The modern example's collateral account is under springing dominion:
// outside a dominion period and before an event of default and notice its
// collections are not swept, nor are its operating account's; an unknown
// type code there is kept as unclassified.
func TestSweepOnModern(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		var files []agreement.File
		entries, _ := examples.FS.ReadDir("modern-abl")
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".yaml") {
				b, _ := examples.FS.ReadFile("modern-abl/" + e.Name())
				files = append(files, agreement.NewFile(e.Name(), b))
			}
		}
		now := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
		svc := &Service{Store: s, Terms: &StoredTerms{Store: s}, Now: func() time.Time { return now }}
		if _, err := svc.RegisterFacility(ctx, "modern", files, Settings{}, "setup"); err != nil {
			t.Fatal(err)
		}
		day := date.MustParse("2026-08-14")
		on, why, err := svc.sweepOn(ctx, "modern", "4400198812", day, now)
		if err != nil || on || !strings.Contains(why, "account 4400198812 (collateral) is not swept") {
			t.Errorf("collateral account: %v %q %v", on, why, err)
		}
		if on, why, _ := svc.sweepOn(ctx, "modern", "4400198820", day, now); on || !strings.Contains(why, "operating account") {
			t.Errorf("operating account: %v %q", on, why)
		}
		g := grp("2026-08-14", "4400198812", dep("115", 1_000_00, "L1"), dep("399", 5_00, "X"))
		g.Originator, g.Ultimate = "AGENT", "MODERN"
		im, err := svc.ImportCash(ctx, "modern", "m.bai", baiFile("m1", "2026-08-17", g))
		if err != nil {
			t.Fatal(err)
		}
		if len(im.Transactions) != 0 || im.Unclassified != 1 || im.Items[0].Swept || im.Items[0].Applied != 0 || im.Items[0].Remitted != 0 {
			t.Errorf("an import outside dominion: %+v", im)
		}
	})
}

// A group of status 4 (test only) is kept and applied to nothing; a
// deletion or correction (2, 3) refuses the file.
func TestImportCashGroupStatus(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc := btu(t, s)
		advanced(t, s, "2006-01-03", 1_000_000_00)
		g := grp("2006-03-10", lockbox, dep("115", 100_00, "T"))
		g.Status = 4
		im, err := svc.ImportCash(ctx, "btu", "test.bai", baiFile("t", "2006-03-13", g))
		if err != nil || len(im.Transactions) != 0 || !strings.Contains(im.Items[0].Reason, "test only") {
			t.Errorf("test only: %+v %v", im, err)
		}
		g.Status = 3
		if _, err := svc.ImportCash(ctx, "btu", "fix.bai", baiFile("c", "2006-03-13", g)); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "group status: found 3") {
			t.Errorf("a correction: %v", err)
		}
	})
}
