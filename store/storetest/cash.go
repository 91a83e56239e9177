package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"revolver/store"
)

// testCashImports: an import stores the file (its content by SHA-256), its
// groups and its items with every field as given, in id order; the same
// content, or the same sender, file id and creation date, is found by
// CashFileLike and refused again (conflict), as is a group key already
// stored; an item naming a group the import does not bring is invalid and
// stores nothing; another facility's cash is not listed.
func testCashImports(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	content := []byte("01,BANK,BORROWER,060131,0600,1,,,2/\n")
	file := store.CashFile{Name: "lockbox.bai", Sender: "BANK", Receiver: "BORROWER", FileID: "1", Created: d("2006-01-31"), CreatedTime: "0600",
		GroupsNew: 1, Records: 7, ImportedBy: "officer", ImportedAt: t0}
	group := store.CashGroup{Key: "BANK|2006-01-30|2400|0012345678", SHA256: "ab", AsOf: d("2006-01-30"), Record: 2}
	dep := store.CashItem{GroupKey: group.Key, Account: "0012345678", Received: d("2006-01-30"), Record: 4, Line: 4, TypeCode: "115", Kind: "lockbox_deposit",
		Amount: amt("1250.00"), Funds: "1", BankRef: "LBX1", CustomerRef: "C9", Text: "LOCKBOX DEPOSIT", ValueDate: d("2006-01-31"), Swept: true,
		Reason: "swept daily", Applied: amt("1000.00"), Remitted: amt("250.00"), RemittedTo: "77", Transaction: 9}
	ret := store.CashItem{GroupKey: group.Key, Account: "0012345678", Received: d("2006-01-30"), Record: 5, Line: 6, TypeCode: "555", Kind: "returned_item",
		Amount: amt("-10.00"), Reason: "charged back", Applied: amt("10.00"), Returns: 0}
	var got store.CashFile
	add := func(fac string, in store.CashImport) (store.CashFile, error) {
		var out store.CashFile
		err := s.Update(ctx, fac, func(tx store.Tx) error {
			var err error
			out, err = tx.AddCashImport(in)
			return err
		})
		return out, err
	}
	in := store.CashImport{File: file, Content: content, Groups: []store.CashGroup{group}, Items: []store.CashItem{dep, ret}}
	got = must(add("f", in)).of(t)
	if in.Items[0].ID == 0 || in.Items[1].ID <= in.Items[0].ID || in.Items[1].File != got.ID || in.Items[0].Group == 0 || in.Items[0].Facility != "f" {
		t.Errorf("the items given their ids: %+v", in.Items)
	}
	if got.ID == 0 || got.Facility != "f" || got.SHA256 == "" || !got.ImportedAt.Equal(store.Truncate(t0)) {
		t.Fatalf("stored %+v", got)
	}
	if b := must(s.Blob(ctx, got.SHA256)).of(t); string(b) != string(content) {
		t.Errorf("blob %q", b)
	}
	fs := must(s.CashFiles(ctx, "f")).of(t)
	want := file
	want.ID, want.Facility, want.SHA256, want.ImportedAt = got.ID, "f", got.SHA256, store.Truncate(t0)
	if len(fs) != 1 || fs[0] != want {
		t.Errorf("files\n got %+v\nwant %+v", fs, want)
	}
	if one := must(s.CashFile(ctx, "f", got.ID)).of(t); one != want {
		t.Errorf("file %+v", one)
	}
	_, err := s.CashFile(ctx, "g", got.ID)
	wantCode(t, err, store.CodeNotFound)
	items := must(s.CashItems(ctx, "f", got.ID)).of(t)
	if len(items) != 2 || items[0].ID >= items[1].ID {
		t.Fatalf("items %+v", items)
	}
	w := dep
	w.ID, w.Facility, w.File, w.Group, w.GroupKey = items[0].ID, "f", got.ID, items[0].Group, ""
	if items[0] != w || w.Group == 0 {
		t.Errorf("deposit\n got %+v\nwant %+v", items[0], w)
	}
	if r := items[1]; r.Amount != amt("-10.00") || r.Swept || r.ValueDate != 0 || r.Transaction != 0 || r.Returns != 0 || r.Group != items[0].Group {
		t.Errorf("returned item %+v", r)
	}
	if all := must(s.CashItems(ctx, "f", 0)).of(t); len(all) != 2 {
		t.Errorf("all items %d", len(all))
	}
	if other := must(s.CashItems(ctx, "g", 0)).of(t); len(other) != 0 {
		t.Errorf("another facility's items %+v", other)
	}
	ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
		if f, found, err := tx.CashFileLike(got.SHA256, "", "", 0); err != nil || !found || f.ID != got.ID {
			t.Errorf("by content: %+v %v %v", f, found, err)
		}
		if f, found, err := tx.CashFileLike("00", "BANK", "1", d("2006-01-31")); err != nil || !found || f.ID != got.ID {
			t.Errorf("by identity: %+v %v %v", f, found, err)
		}
		if _, found, err := tx.CashFileLike("00", "BANK", "2", d("2006-01-31")); err != nil || found {
			t.Errorf("another file id found: %v %v", found, err)
		}
		gs, err := tx.CashGroupsByKey([]string{group.Key, "other"})
		if err != nil || len(gs) != 1 || gs[group.Key].File != got.ID || gs[group.Key].AsOf != group.AsOf || gs[group.Key].SHA256 != "ab" {
			t.Errorf("groups %+v %v", gs, err)
		}
		its, err := tx.CashItemsLike("0012345678", "LBX1", amt("10.00"))
		if err != nil || len(its) != 2 {
			t.Errorf("items of the account by reference or amount: %d %v", len(its), err)
		}
		if its, _ := tx.CashItemsLike("0012345678", "", amt("-1250.00")); len(its) != 1 || its[0].BankRef != "LBX1" {
			t.Errorf("items of the account by amount: %+v", its)
		}
		if its, _ := tx.CashItemsLike("0012345678", "X", amt("3.00")); len(its) != 0 {
			t.Errorf("items matching nothing: %+v", its)
		}
		if its, _ := tx.CashItemsLike("99", "LBX1", amt("10.00")); len(its) != 0 {
			t.Errorf("items of another account %+v", its)
		}
		return nil
	}))
	if _, found, err := func() (store.CashFile, bool, error) {
		var f store.CashFile
		var found bool
		err := s.Update(ctx, "g", func(tx store.Tx) error {
			var err error
			f, found, err = tx.CashFileLike(got.SHA256, "BANK", "1", d("2006-01-31"))
			return err
		})
		return f, found, err
	}(); err != nil || found {
		t.Errorf("another facility's file found: %v %v", found, err)
	}

	// Again: the same content, the same identity, a group already stored.
	_, err = add("f", store.CashImport{File: file, Content: content})
	wantCode(t, err, store.CodeConflict)
	second := file
	second.ImportedAt = t0.Add(time.Hour)
	_, err = add("f", store.CashImport{File: second, Content: []byte("other content")})
	wantCode(t, err, store.CodeConflict)
	second.FileID = "2"
	_, err = add("f", store.CashImport{File: second, Content: []byte("other content"), Groups: []store.CashGroup{group}})
	wantCode(t, err, store.CodeConflict)
	_, err = add("f", store.CashImport{File: second, Content: []byte("other content"), Items: []store.CashItem{dep}})
	wantCode(t, err, store.CodeInvalid)
	_, err = add("f", store.CashImport{File: store.CashFile{Name: "x.bai"}, Content: []byte("x")})
	wantCode(t, err, store.CodeInvalid)
	if fs := must(s.CashFiles(ctx, "f")).of(t); len(fs) != 1 {
		t.Errorf("refused imports stored files: %+v", fs)
	}
	// Another facility may import the same file.
	must(add("g", store.CashImport{File: file, Content: content, Groups: []store.CashGroup{group}, Items: []store.CashItem{dep}})).of(t)
	// Many items (more than one statement's worth).
	third := file
	third.FileID, third.ImportedAt = "3", t0.Add(2*time.Hour)
	g3 := group
	g3.Key = "BANK|2006-02-01|2400|0012345678"
	var many []store.CashItem
	for i := range 250 {
		it := dep
		it.GroupKey, it.Record, it.Line = g3.Key, i+3, i+3
		many = append(many, it)
	}
	f3 := must(add("f", store.CashImport{File: third, Content: []byte("third"), Groups: []store.CashGroup{g3}, Items: many})).of(t)
	if its := must(s.CashItems(ctx, "f", f3.ID)).of(t); len(its) != 250 || its[249].Record != 252 {
		t.Errorf("%d items", len(its))
	}
}

// testUpdateFacilities: a store that changes many facilities in one
// transaction (store.MultiUpdater) keeps all of it or, on an error, none
// of it; a facility not named is invalid; one content given to many
// facilities is one blob.
func testUpdateFacilities(t *testing.T, s store.Store) {
	mu, multi := s.(store.MultiUpdater)
	if !multi {
		t.Skip("the store changes one facility a transaction")
	}
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	newFacility(t, s, "h")
	content := []byte("01,BANK,LENDER,060131,0600,1,,,2/\n")
	in := func(fac string) store.CashImport {
		g := store.CashGroup{Key: "BANK|2006-01-30|2400|" + fac, SHA256: "ab", AsOf: d("2006-01-30"), Record: 2}
		return store.CashImport{File: store.CashFile{Name: "bank.bai", Sender: "BANK", Receiver: "LENDER", FileID: "1", Created: d("2006-01-31"), CreatedTime: "0600",
			GroupsNew: 1, Records: 7, ImportedBy: "officer", ImportedAt: t0}, Content: content, Groups: []store.CashGroup{g},
			Items: []store.CashItem{{GroupKey: g.Key, Account: "acct-" + fac, Received: d("2006-01-30"), Record: 4, Line: 4, TypeCode: "115", Kind: "lockbox_deposit", Amount: amt("1.00")}}}
	}
	boom := errors.New("boom")
	err := mu.UpdateFacilities(ctx, []string{"g", "f"}, func(tx func(string) (store.Tx, error)) error {
		for _, fac := range []string{"f", "g"} {
			t, err := tx(fac)
			if err != nil {
				return err
			}
			if _, err := t.AddCashImport(in(fac)); err != nil {
				return err
			}
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v, want boom", err)
	}
	for _, fac := range []string{"f", "g"} {
		if fs := must(s.CashFiles(ctx, fac)).of(t); len(fs) != 0 {
			t.Errorf("%s: %d files kept after the error, want none", fac, len(fs))
		}
	}
	err = mu.UpdateFacilities(ctx, []string{"g", "f"}, func(tx func(string) (store.Tx, error)) error {
		if _, err := tx("h"); store.ErrorCode(err) != store.CodeInvalid {
			t.Errorf("a facility not named: err %v, want invalid", err)
		}
		for _, fac := range []string{"f", "g"} {
			t, err := tx(fac)
			if err != nil {
				return err
			}
			if t.Facility().Slug != fac {
				return fmt.Errorf("the Tx of %s is %s's", fac, t.Facility().Slug)
			}
			if _, err := t.AddCashImport(in(fac)); err != nil {
				return err
			}
		}
		return nil
	})
	ok(t, err)
	var sha string
	for _, fac := range []string{"f", "g"} {
		fs := must(s.CashFiles(ctx, fac)).of(t)
		if len(fs) != 1 {
			t.Fatalf("%s: %d files, want 1", fac, len(fs))
		}
		if sha != "" && fs[0].SHA256 != sha {
			t.Errorf("one content, two blobs: %s and %s", sha, fs[0].SHA256)
		}
		sha = fs[0].SHA256
		items := must(s.CashItems(ctx, fac, fs[0].ID)).of(t)
		if len(items) != 1 || items[0].Account != "acct-"+fac || items[0].Facility != fac {
			t.Errorf("%s: items %+v", fac, items)
		}
	}
	if b := must(s.Blob(ctx, sha)).of(t); string(b) != string(content) {
		t.Errorf("blob %q", b)
	}
}
