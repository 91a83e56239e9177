package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"revolver/agreement"
	"revolver/bai2"
	"revolver/collateral"
	"revolver/date"
	"revolver/explain"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// CashTerms are how the facility's cash is handled (docs/cash.md): its
// cash accounts at the bank, the type-code table in force (the terms', or
// the default one), cash dominion, and the clause of the clearance days.
type CashTerms struct {
	Accounts      []agreement.CashAccount
	TypeCodes     []agreement.TypeCode
	Dominion      *agreement.CashDominion
	ClearanceCite explain.Cite
	// AppliedUnder: the remedy under which collections are applied after
	// a default (agreement.Collections.AppliedUnder; empty: none).
	AppliedUnder agreement.Term[string]
}

func (c CashTerms) account(number string) (agreement.CashAccount, bool) {
	for _, a := range c.Accounts {
		if a.Number == number {
			return a, true
		}
	}
	return agreement.CashAccount{}, false
}

func (c CashTerms) typeCode(code string) (agreement.TypeCode, bool) {
	for _, t := range c.TypeCodes {
		if t.Code == code {
			return t, true
		}
	}
	return agreement.TypeCode{}, false
}

// operating is the account remittances go to: the first operating account
// of the terms, or "borrower" when they name none.
func (c CashTerms) operating() string {
	for _, a := range c.Accounts {
		if a.Kind.Value == agreement.AccountOperating {
			return a.Number
		}
	}
	return RemittedToBorrower
}

// RemittedToBorrower is where a remittance goes when the terms name no
// operating account of the borrower.
const RemittedToBorrower = "borrower"

// CashImport is what ImportCash did with a file: the file as stored (or
// as imported before), whether it was a replay (nothing stored or posted
// again: Message says so), the groups it carried that were imported
// before (posted nothing again), its items with their application, and
// the ledger transactions posted.
type CashImport struct {
	File         store.CashFile       `json:"file"`
	Replayed     bool                 `json:"replayed"`
	Message      string               `json:"message"`
	Skipped      []SkippedGroup       `json:"skipped_groups"`
	Items        []store.CashItem     `json:"items"`
	Transactions []ledger.Transaction `json:"transactions"`
	// Credits are the deposits of the new groups; Applied what paid the
	// loans down; Remitted what went back to the borrower; ChargedBack
	// what returned items charged to the loans; Unclassified how many
	// items have a type code the table does not map.
	Credits      money.Amount `json:"credits"`
	Applied      money.Amount `json:"applied"`
	Remitted     money.Amount `json:"remitted"`
	ChargedBack  money.Amount `json:"charged_back"`
	Unclassified int          `json:"unclassified"`
}

// SkippedGroup is a group of a file already imported from another file.
type SkippedGroup struct {
	Record int       `json:"record"`
	AsOf   date.Date `json:"as_of"`
	Key    string    `json:"key"`
	File   int64     `json:"imported_in_file"`
}

// cashUnit is one account's credits received on one day: what one ledger
// collection posts (the day's credits of an account are credited
// together; each deposit keeps its own explanation).
type cashUnit struct {
	account   string
	received  date.Date
	valueDate date.Date
	items     []int // indexes of the unit's credits in the import's items
}

// ImportCash imports a BAI2 file for the facility and applies its cash
// (docs/cash.md): the file is read and its control totals and record
// counts verified (bai2.Read: any error refuses the whole file, naming
// the record, the field, what was found and what was expected); each 16
// record is mapped to a kind by the terms' type-code table (an unknown
// code in an account whose collections are swept is refused with its
// record, elsewhere kept as unclassified); a file imported before (the
// same content, or the same sender, file id and creation date) posts
// nothing again and says so, and so does a group imported before in
// another file. The file is stored by SHA-256 with its new groups and
// items; each day's deposits of a swept account (sweepOn) are credited to
// the loans after the clearance days in Business Days of the facility's
// calendar as one collection (ledger.Collection, or ledger.CollectionOf
// with a last-out tranche, as Collect), never more than the loans
// outstanding on the value date and every later date posted: the rest is
// remitted to the borrower's operating account, recorded on the deposit.
// A returned item reverses the collection of the deposit it returns when
// that collection credited that deposit alone, and is otherwise charged
// back to the loan account (ledger.ChargeBack, Security Agreement ¶8).
// All of it is one store transaction.
// readBAI reads a BAI2 file, refusing it whole (invalid, naming the
// record and field) when it is not one, and its content's SHA-256 (hex).
func readBAI(name string, content []byte) (*bai2.File, string, error) {
	f, err := bai2.Read(name, content)
	if err != nil {
		var be *bai2.Error
		if errors.As(err, &be) {
			return nil, "", &store.Error{Code: store.CodeInvalid, Message: "refused, nothing imported: " + be.Error(), Err: be}
		}
		return nil, "", store.Errorf(store.CodeInvalid, "%s: %v", name, err)
	}
	sum := sha256.Sum256(content)
	return f, hex.EncodeToString(sum[:]), nil
}

func (s *Service) ImportCash(ctx context.Context, facility, name string, content []byte) (CashImport, error) {
	ctx = named(ctx, OpImportCash)
	if err := authorize(ctx, ActImportCash, facility); err != nil {
		return CashImport{}, err
	}
	if name == "" {
		name = "cash.bai"
	}
	f, sha, err := readBAI(name, content)
	if err != nil {
		return CashImport{}, err
	}
	now := s.now()
	by := requester(ctx, "")
	if a, ok := ActorFrom(ctx); ok && by == "" {
		by = a.User
	}
	if by == "" {
		by = "system"
	}

	p, err := s.prepareCash(ctx, facility, name, f)
	if err != nil {
		return CashImport{}, err
	}
	var out CashImport
	err = s.update(ctx, facility, func(tx store.Tx) error {
		out, err = s.applyCash(tx, p, sha, content, by, now)
		return err
	})
	if err != nil {
		return CashImport{}, err
	}
	return out, nil
}

type acctDay struct {
	account string
	day     date.Date
}

type sweep struct {
	on     bool
	reason string
}

type groupOf struct {
	g    *bai2.Group
	key  string
	hash string
}

// cashPlan is what the application of one facility's file needs, read
// before the store transaction: the file (a bank's file: the facility's
// part of it), its groups, the terms of each day a group reports and the
// sweep decision of each account on it.
type cashPlan struct {
	facility string
	name     string
	f        *bai2.File
	groups   []groupOf
	terms    map[date.Date]FacilityTerms
	sweeps   map[acctDay]sweep
}

// prepareCash checks the groups' status and reads the terms and the sweep
// decisions a facility's file needs (once per day and account, not per
// item).
func (s *Service) prepareCash(ctx context.Context, facility, name string, f *bai2.File) (*cashPlan, error) {
	p := &cashPlan{facility: facility, name: name, f: f, terms: map[date.Date]FacilityTerms{}, sweeps: map[acctDay]sweep{}}
	now := s.now()
	for i := range f.Groups {
		g := &f.Groups[i]
		if g.Status != 1 && g.Status != 4 {
			return nil, store.Errorf(store.CodeInvalid, "refused, nothing imported: %s: record at line %d, 02 group header group status: found %d, expected 1 (update) or 4 (test only): a deletion or correction of a group is not applied automatically",
				name, g.Line, g.Status)
		}
		p.groups = append(p.groups, groupOf{g: g, key: groupKey(g), hash: groupHash(g)})
		if _, ok := p.terms[g.AsOf]; !ok {
			ft, err := s.Terms.Terms(ctx, facility, g.AsOf)
			if err != nil {
				return nil, fmt.Errorf("cash file %s: terms of %q as of %s: %w", name, facility, g.AsOf, err)
			}
			p.terms[g.AsOf] = ft
		}
		for _, a := range g.Accounts {
			k := acctDay{a.Number, g.AsOf}
			if _, ok := p.sweeps[k]; ok {
				continue
			}
			on, why, err := s.sweepOn(ctx, facility, a.Number, g.AsOf, now)
			if err != nil {
				return nil, err
			}
			p.sweeps[k] = sweep{on, why}
		}
	}
	return p, nil
}

// applyCash is the application of one facility's file inside its store
// transaction (the one home of the duplicate checks, the application and
// the explanations, for ImportCash and ImportBankCash alike).
func (s *Service) applyCash(tx store.Tx, p *cashPlan, sha string, content []byte, by string, now time.Time) (CashImport, error) {
	f, name, facility, groups, terms, sweeps := p.f, p.name, p.facility, p.groups, p.terms, p.sweeps
	var out CashImport
	err := func() error {
		out = CashImport{Skipped: []SkippedGroup{}, Items: []store.CashItem{}, Transactions: []ledger.Transaction{}}
		if old, found, err := tx.CashFileLike(sha, f.Sender, f.FileID, f.Created); err != nil {
			return err
		} else if found {
			how := "the same content"
			if old.SHA256 != sha {
				how = fmt.Sprintf("the same sender %s, file id %s and creation date %s", f.Sender, f.FileID, f.Created)
			}
			out.File, out.Replayed = old, true
			out.Message = fmt.Sprintf("%s: already imported as cash file %d (%s) on %s by %s, with %s: nothing imported or posted again",
				name, old.ID, old.Name, old.ImportedAt.Format("2006-01-02 15:04 UTC"), old.ImportedBy, how)
			return nil
		}
		keys := make([]string, len(groups))
		for i, g := range groups {
			keys[i] = g.key
		}
		seen, err := tx.CashGroupsByKey(keys)
		if err != nil {
			return err
		}
		in := store.CashImport{File: store.CashFile{Name: name, SHA256: sha, Sender: f.Sender, Receiver: f.Receiver, FileID: f.FileID, Created: f.Created,
			CreatedTime: f.CreatedTime, Records: f.Records, ImportedBy: by, ImportedAt: now}, Content: content}
		units := map[acctDay]*cashUnit{}
		var returns []int
		for _, gr := range groups {
			g := gr.g
			if old, ok := seen[gr.key]; ok {
				if old.SHA256 != gr.hash {
					return store.Errorf(store.CodeConflict, "refused, nothing imported: %s: the group at line %d (%s, as of %s) was imported from cash file %d with other content; a changed group is not applied again",
						name, g.Line, g.Originator, g.AsOf, old.File)
				}
				out.Skipped = append(out.Skipped, SkippedGroup{Record: old.Record, AsOf: g.AsOf, Key: gr.key, File: old.File})
				in.File.GroupsSeen++
				continue
			}
			in.File.GroupsNew++
			in.Groups = append(in.Groups, store.CashGroup{Key: gr.key, SHA256: gr.hash, AsOf: g.AsOf, Record: g.Line})
			ft := terms[g.AsOf]
			for _, a := range g.Accounts {
				sw := sweeps[acctDay{a.Number, g.AsOf}]
				for _, t := range a.Transactions {
					it := store.CashItem{GroupKey: gr.key, Account: a.Number, Received: g.AsOf, Record: t.Record, Line: t.Line, TypeCode: t.TypeCode,
						Funds: t.Funds.Type, BankRef: t.BankRef, CustomerRef: t.CustomerRef, Text: t.Text}
					it.Amount, _ = t.Signed()
					tc, known := ft.Cash.typeCode(t.TypeCode)
					if known {
						it.Kind = tc.Kind
					}
					switch {
					case !known && sw.on:
						return store.Errorf(store.CodeInvalid, "refused, nothing imported: %s: record %d, line %d, 16 transaction detail type code: found %q, expected a type code of the facility's table (%s): account %s is swept to the loans (%s)",
							name, t.Record, t.Line, t.TypeCode, typeCodeList(ft.Cash.TypeCodes), a.Number, sw.reason)
					case !known:
						it.Reason = fmt.Sprintf("unclassified: type code %s is not in the facility's type-code table; kept, not applied", t.TypeCode)
						out.Unclassified++
					case g.Status == 4:
						it.Reason = "the group is test only (02 group status 4): kept, not applied"
					case agreement.CashCredit(it.Kind):
						out.Credits += it.Amount
						if ft.ClearanceUnknown == nil {
							it.ValueDate = ledger.CollectionValueDate(g.AsOf, ft.ClearanceDays, ft.Calendar)
						}
						if !sw.on {
							it.Reason = "not swept: " + sw.reason
							break
						}
						if u := ft.ClearanceUnknown; u != nil {
							return &ledger.Error{Code: ledger.CodeUndetermined, ValueDate: g.AsOf, Reasons: []ledger.Reason{{Code: ledger.ReasonUndetermined, Message: u.Message(), Cite: u.Cite}},
								Message: fmt.Sprintf("refused, nothing imported: %s: record %d: the day its deposit is credited is undetermined: %s", name, t.Record, u.Message())}
						}
						it.Swept = true
						k := acctDay{a.Number, g.AsOf}
						u := units[k]
						if u == nil {
							u = &cashUnit{account: a.Number, received: g.AsOf, valueDate: it.ValueDate}
							units[k] = u
						}
						u.items = append(u.items, len(in.Items))
					case it.Kind == agreement.CashReturnedItem:
						if !sw.on {
							it.Reason = "not swept: " + sw.reason + "; the bank debits the returned item to the account: nothing is charged to the loans"
							break
						}
						it.Swept = true
						returns = append(returns, len(in.Items))
					case it.Kind == agreement.CashFee:
						it.Reason = "a bank fee on the account: not a loan-account entry"
					}
					in.Items = append(in.Items, it)
				}
			}
		}
		// The credits, day by day in value-date order.
		us := make([]*cashUnit, 0, len(units))
		for _, u := range units {
			us = append(us, u)
		}
		sort.Slice(us, func(i, j int) bool {
			if us[i].valueDate != us[j].valueDate {
				return us[i].valueDate < us[j].valueDate
			}
			if us[i].received != us[j].received {
				return us[i].received < us[j].received
			}
			return us[i].account < us[j].account
		})
		for _, u := range us {
			p, err := s.applyUnit(tx, facility, terms[u.received], sha, name, u, in.Items, sweeps[acctDay{u.account, u.received}].reason)
			if err != nil {
				return err
			}
			if p != nil {
				out.Transactions = append(out.Transactions, *p)
			}
		}
		for _, i := range returns {
			p, err := s.applyReturn(tx, facility, terms[in.Items[i].Received], sha, name, i, in.Items)
			if err != nil {
				return err
			}
			if p != nil {
				out.Transactions = append(out.Transactions, *p)
			}
		}
		for _, it := range in.Items {
			switch {
			case agreement.CashCredit(it.Kind):
				out.Applied += it.Applied
				out.Remitted += it.Remitted
			case it.Kind == agreement.CashReturnedItem:
				out.ChargedBack += it.Applied
			}
		}
		stored, err := tx.AddCashImport(in)
		if err != nil {
			return err
		}
		out.File, out.Items = stored, in.Items
		if len(in.Groups) == 0 {
			out.Message = fmt.Sprintf("%s: every group was imported before: nothing posted again", name)
			return nil
		}
		out.Message = fmt.Sprintf("%s imported as cash file %d: %d group(s), %d item(s); %s credited to the loans, %s remitted, %s charged back",
			name, stored.ID, len(in.Groups), len(in.Items), out.Applied, out.Remitted, out.ChargedBack)
		if n := len(out.Skipped); n > 0 {
			out.Message += fmt.Sprintf("; %d group(s) imported before posted nothing again", n)
		}
		return nil
	}()
	return out, err
}

// applyUnit credits one account's swept deposits of a day to the loans:
// at most the loans outstanding on the value date and every later date
// posted, as one collection; each deposit, in record order, takes its part
// of it, and the rest of it is remitted to the borrower.
func (s *Service) applyUnit(tx store.Tx, facility string, ft FacilityTerms, sha, name string, u *cashUnit, items []store.CashItem, why string) (*ledger.Transaction, error) {
	var total money.Amount
	for _, i := range u.items {
		total += items[i].Amount
	}
	room, err := loansRoom(tx, u.valueDate)
	if err != nil {
		return nil, err
	}
	apply := min(total, max(room, 0))
	var posted *ledger.Transaction
	if apply > 0 {
		ref := ledger.Ref{Facility: facility, Key: fmt.Sprintf("cash:%s:%s:%s", sha[:16], u.account, u.received), ValueDate: u.valueDate,
			Memo: fmt.Sprintf("%d deposit(s) of account %s received %s (%s), credited after %d clearance business days (%s calendar)",
				len(u.items), u.account, u.received, name, ft.ClearanceDays, ft.Calendar.Name())}
		t, err := ledger.Collection(ref, apply)
		if ft.LastOut != nil {
			bal, berr := tx.Balances(u.valueDate)
			if berr != nil {
				return nil, berr
			}
			t, err = ledger.CollectionOf(ref, apply, ledger.LoanBalances{FirstOut: bal[ledger.Loans], LastOut: bal[ledger.LoansLastOut]})
		}
		if err != nil {
			return nil, err
		}
		p, err := tx.Post(t)
		if err != nil {
			return nil, err
		}
		posted = &p.Transaction
	}
	left := apply
	remitTo := ft.Cash.operating()
	for _, i := range u.items {
		it := &items[i]
		it.Applied = min(left, it.Amount)
		left -= it.Applied
		it.Remitted = it.Amount - it.Applied
		if it.Remitted > 0 {
			it.RemittedTo = remitTo
		}
		if posted != nil && it.Applied > 0 {
			it.Transaction = posted.ID
		}
		it.Reason = "swept: " + why
	}
	return posted, nil
}

// loansRoom is the least of the loans outstanding (first-out and last-out)
// on day and on every later date posted: what a credit on day may repay
// without taking them below zero then or later.
func loansRoom(tx store.Tx, day date.Date) (money.Amount, error) {
	b, err := tx.Balances(day)
	if err != nil {
		return 0, err
	}
	room := b[ledger.Loans] + b[ledger.LoansLastOut]
	bal := room
	later := map[date.Date]money.Amount{}
	for _, acct := range []ledger.Account{ledger.Loans, ledger.LoansLastOut} {
		ms, err := tx.Movements(acct, day)
		if err != nil {
			return 0, err
		}
		for _, m := range ms {
			later[m.Day] += m.Amount
		}
	}
	days := make([]date.Date, 0, len(later))
	for d := range later {
		days = append(days, d)
	}
	slices.Sort(days)
	for _, d := range days {
		bal += later[d]
		room = min(room, bal)
	}
	return room, nil
}

// applyReturn applies a returned item of a swept account: it reverses the
// collection of the deposit it returns when that collection credited that
// deposit alone and in full; otherwise the item is charged back to the
// loan account (Security Agreement ¶8). The deposit is matched among the
// account's deposits not returned before: by bank reference, else by
// amount, the latest first.
func (s *Service) applyReturn(tx store.Tx, facility string, ft FacilityTerms, sha, name string, i int, items []store.CashItem) (*ledger.Transaction, error) {
	it := &items[i]
	amount := -it.Amount
	vd := ledger.CollectionValueDate(it.Received, ft.ClearanceDays, ft.Calendar)
	it.ValueDate = vd
	prior, err := tx.CashItemsLike(it.Account, it.BankRef, amount)
	if err != nil {
		return nil, err
	}
	returned := map[int64]bool{}
	var cands []store.CashItem
	for _, p := range prior {
		if p.Returns != 0 {
			returned[p.Returns] = true
		}
		if agreement.CashCredit(p.Kind) && p.Swept {
			cands = append(cands, p)
		}
	}
	for j := range items[:i] {
		if items[j].Returns != 0 {
			returned[items[j].Returns] = true
		}
	}
	var match *store.CashItem
	for _, byRef := range []bool{true, false} {
		for j := len(cands) - 1; j >= 0 && match == nil; j-- {
			c := cands[j]
			if returned[c.ID] || c.Amount != amount && !byRef {
				continue
			}
			if byRef && (it.BankRef == "" || c.BankRef != it.BankRef) {
				continue
			}
			match = &cands[j]
		}
	}
	key := fmt.Sprintf("cash:%s:return:%d", sha[:16], it.Record)
	if match != nil {
		it.Returns = match.ID
		var orig ledger.Transaction
		if match.Transaction != 0 && match.Applied == amount && match.Amount == amount {
			if orig, err = tx.Transaction(match.Transaction); err != nil {
				return nil, err
			}
		}
		if orig.ID != 0 && credited(orig) == amount {
			t, err := ledger.Reverse(ledger.Ref{Facility: facility, Key: key, ValueDate: vd,
				Memo: fmt.Sprintf("item returned (%s record %d): reverses the collection of deposit %s received %s", name, it.Record, match.BankRef, match.Received)},
				ledger.KindReturnedItem, orig)
			if err != nil {
				return nil, err
			}
			p, err := tx.Post(t)
			if err != nil {
				return nil, err
			}
			it.Applied, it.Transaction = amount, p.Transaction.ID
			it.Reason = fmt.Sprintf("returns deposit %d (%s of %s): its collection, transaction %d, reversed (Security Agreement ¶8)", match.ID, match.BankRef, match.Received, orig.ID)
			return &p.Transaction, nil
		}
	}
	t, err := ledger.ChargeBack(ledger.Ref{Facility: facility, Key: key, ValueDate: vd,
		Memo: fmt.Sprintf("item returned (%s record %d, %s): charged back to the loan account, Security Agreement ¶8", name, it.Record, it.BankRef)}, amount)
	if err != nil {
		return nil, err
	}
	p, err := tx.Post(t)
	if err != nil {
		return nil, err
	}
	it.Applied, it.Transaction = amount, p.Transaction.ID
	if match != nil {
		it.Reason = fmt.Sprintf("returns deposit %d (%s of %s), credited with other deposits or not in full: charged back to the loan account (Security Agreement ¶8)", match.ID, match.BankRef, match.Received)
	} else {
		it.Reason = "no deposit of the account matches it by reference or amount: charged back to the loan account (Security Agreement ¶8)"
	}
	return &p.Transaction, nil
}

// credited is what a collection credited to the loans (first-out and
// last-out): a deposit's collection that credited as much as the deposit
// applied credited that deposit alone (the day's other deposits applied
// nothing), so reversing it reverses that deposit only.
func credited(t ledger.Transaction) money.Amount {
	var a money.Amount
	for _, p := range t.Postings {
		if p.Account == ledger.Loans || p.Account == ledger.LoansLastOut {
			a -= p.Amount
		}
	}
	return a
}

// sweepOn decides whether the collections of account on day pay the loans
// down (as known at knownAt), and says why — the one place the decision
// is made (docs/cash.md, "Application"):
//
//   - an account the terms mark swept (e.g. a lockbox swept daily under
//     the borrower's standing instruction) is swept;
//   - the borrower's operating account never is (remittances go to it);
//   - full cash dominion (cash_dominion.always) sweeps every other account;
//   - so does the remedy the terms name for collections
//     (collections.applied_under, e.g. Security Agreement ¶3's proceeds
//     held in trust once an event of default continues and the Bank's
//     notice of it took effect) on a day the defaults engine finds it
//     exercisable;
//   - so does a springing dominion period in effect on day
//     (dominionPeriodOn: the single place periods are consulted);
//   - otherwise the collections are the borrower's.
func (s *Service) sweepOn(ctx context.Context, facility string, account string, day date.Date, knownAt time.Time) (bool, string, error) {
	ft, err := s.Terms.Terms(ctx, facility, day)
	if err != nil {
		return false, "", fmt.Errorf("sweep of account %s on %s: terms of %q: %w", account, day, facility, err)
	}
	acct, named := ft.Cash.account(account)
	if named && acct.Swept.Known() && acct.Swept.Value {
		why := fmt.Sprintf("account %s (%s) is swept to the loans every Business Day (%s)", account, acct.Kind.Value, citeOf(acct.Cite))
		if acct.Assumption != "" {
			why += "; assumption: " + acct.Assumption
		}
		return true, why, nil
	}
	if named && acct.Kind.Value == agreement.AccountOperating {
		return false, fmt.Sprintf("account %s is the borrower's operating account", account), nil
	}
	if d := ft.Cash.Dominion; d != nil && d.Always {
		return true, fmt.Sprintf("full cash dominion (%s)", citeOf(d.Cite)), nil
	}
	remedy, err := s.collectionsRemedy(ctx, facility, ft, day, knownAt)
	if err != nil {
		return false, "", err
	}
	if remedy != "" {
		return true, remedy, nil
	}
	if d := ft.Cash.Dominion; d != nil && d.Springing != nil {
		in, why, err := s.dominionPeriodOn(ctx, facility, day, knownAt)
		if err != nil {
			return false, "", err
		}
		if in {
			return true, why, nil
		}
	}
	what := fmt.Sprintf("account %s is not among the facility's cash accounts in the terms", account)
	if named {
		what = fmt.Sprintf("account %s (%s) is not swept", account, acct.Kind.Value)
	}
	if a := ft.Cash.AppliedUnder; a.Known() && a.Value != "" {
		return false, what + fmt.Sprintf(", and on %s no dominion applies and remedy %s (%s) is not exercisable: the collections are the borrower's", day, a.Value, citeOf(a.Cite)), nil
	}
	return false, what + fmt.Sprintf(", and on %s no dominion applies (the terms name no remedy applying collections after a default: collections.applied_under): the collections are the borrower's", day), nil
}

// dominionPeriodOn reports whether day falls in a cash dominion period of
// the facility's springing dominion, as known at knownAt
// ((*Service).DominionPeriods: the periods close of business records from
// each Business Day's excess availability; docs/cash.md), and which.
func (s *Service) dominionPeriodOn(ctx context.Context, facility string, day date.Date, knownAt time.Time) (bool, string, error) {
	ps, err := s.DominionPeriods(ctx, facility, knownAt)
	if err != nil {
		return false, "", err
	}
	for _, p := range ps {
		if p.Kind != DominionCash || !p.In(day) {
			continue
		}
		until := "continuing"
		if p.End != nil {
			until = "ended " + p.End.String()
		}
		return true, fmt.Sprintf("a cash dominion period (%s) is in effect on %s: started %s (%s), %s", p.Trigger, day, p.Start, p.Reason, until), nil
	}
	return false, "", nil
}

// collectionsRemedy says why the collections are the lender's on day, as
// known at knownAt, under the remedy the terms name for them
// (collections.applied_under): the remedy is exercisable then, by the
// defaults engine's one rule ("" when it is not, or the terms name none).
// Terms not read from stored agreements (no defaults engine) know only
// whether a default continues.
func (s *Service) collectionsRemedy(ctx context.Context, facility string, ft FacilityTerms, day date.Date, knownAt time.Time) (string, error) {
	a := ft.Cash.AppliedUnder
	if !a.Known() || a.Value == "" {
		return "", nil
	}
	if _, ok := s.Terms.(*StoredTerms); !ok {
		if ft.DefaultContinuing {
			return fmt.Sprintf("an event of default continues: remedy %s (%s)", a.Value, citeOf(a.Cite)), nil
		}
		return "", nil
	}
	rep, err := s.DefaultsReportAt(ctx, facility, day, s.every(knownAt))
	if err != nil {
		return "", err
	}
	for _, r := range rep.Remedies {
		if r.ID != a.Value {
			continue
		}
		if !r.Exercisable {
			return "", nil
		}
		return fmt.Sprintf("remedy %s (%s, %s) is exercisable on %s: %s", r.ID, r.Label, citeOf(r.Cite), day, strings.Join(r.Why, "; ")), nil
	}
	return "", fmt.Errorf("collections.applied_under names remedy %q, which the terms in force on %s do not list", a.Value, day)
}

func citeOf(c explain.Cite) string {
	if c.IsZero() {
		return "the terms"
	}
	return c.String()
}

func typeCodeList(tcs []agreement.TypeCode) string {
	parts := make([]string, len(tcs))
	for i, t := range tcs {
		parts[i] = t.Code + " " + t.Kind
	}
	return strings.Join(parts, ", ")
}

// groupKey identifies a BAI2 group whatever file carries it: its
// originator and ultimate receiver, its as-of date and time and its
// accounts.
func groupKey(g *bai2.Group) string {
	accts := make([]string, len(g.Accounts))
	for i, a := range g.Accounts {
		accts[i] = a.Number
	}
	slices.Sort(accts)
	return strings.Join([]string{g.Originator, g.Ultimate, g.AsOf.String(), g.AsOfTime, strings.Join(accts, ",")}, "|")
}

// groupHash is the SHA-256 of a group's content as written alone.
func groupHash(g *bai2.Group) string {
	sum := sha256.Sum256(bai2.Write(&bai2.File{Groups: []bai2.Group{*g}}))
	return hex.EncodeToString(sum[:])
}

// CashFileView is an imported file with its items, each with the
// explanation of its application.
type CashFileView struct {
	File  store.CashFile `json:"file"`
	Items []CashItemView `json:"items"`
}

// CashItemView is an item with its explanation.
type CashItemView struct {
	store.CashItem
	Explanation *explain.Node `json:"explanation"`
}

// CashFiles lists the facility's imported BAI2 files as known at knownAt
// (zero: every file), by id.
func (s *Service) CashFiles(ctx context.Context, facility string, knownAt time.Time) ([]store.CashFile, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return nil, err
	}
	fs, err := s.Store.CashFiles(ctx, facility)
	if err != nil {
		return nil, err
	}
	out := fs[:0]
	for _, f := range fs {
		if knownAt.IsZero() || !f.ImportedAt.After(knownAt) {
			out = append(out, f)
		}
	}
	return out, nil
}

// CashFile shows one imported file as known at knownAt (zero: now; a file
// imported later is not_found) with its items and the explanation of each
// one's application.
func (s *Service) CashFile(ctx context.Context, facility string, id int64, knownAt time.Time) (CashFileView, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return CashFileView{}, err
	}
	f, err := s.Store.CashFile(ctx, facility, id)
	if err != nil {
		return CashFileView{}, err
	}
	if !knownAt.IsZero() && f.ImportedAt.After(knownAt) {
		return CashFileView{}, store.Errorf(store.CodeNotFound, "cash file %d of facility %q was imported %s, after %s", id, facility,
			f.ImportedAt.Format(time.RFC3339), knownAt.Format(time.RFC3339))
	}
	items, err := s.Store.CashItems(ctx, facility, id)
	if err != nil {
		return CashFileView{}, err
	}
	v := CashFileView{File: f, Items: make([]CashItemView, len(items))}
	terms := map[date.Date]FacilityTerms{}
	for i, it := range items {
		ft, ok := terms[it.Received]
		if !ok {
			if ft, err = s.Terms.Terms(ctx, facility, it.Received); err != nil {
				return CashFileView{}, err
			}
			terms[it.Received] = ft
		}
		v.Items[i] = CashItemView{CashItem: it, Explanation: ExplainCashItem(it, f, ft)}
	}
	return v, nil
}

// ExplainCashItem explains an item's application: when it was received,
// the clearance days and the day it is credited, whether it was swept and
// why, what it applied to the loans and what was remitted, and the ledger
// transaction that posted it.
func ExplainCashItem(it store.CashItem, f store.CashFile, ft FacilityTerms) *explain.Node {
	kind := it.Kind
	if kind == "" {
		kind = "unclassified"
	}
	key := fmt.Sprintf("cash.item.%d", it.ID)
	n := &explain.Node{Key: key, Label: fmt.Sprintf("%s %s of account %s (%s record %d)", kind, it.BankRef, it.Account, f.Name, it.Record),
		Value: it.Amount.String(), Formula: "applied + remitted = the deposit; a returned item: charged to the loans"}
	if tc, ok := ft.Cash.typeCode(it.TypeCode); ok {
		c := &explain.Node{Key: key + ".kind", Label: "Kind of type code " + it.TypeCode, Value: kind, Assumption: tc.Assumption}
		if !tc.Cite.IsZero() {
			c.Cites = []explain.Cite{tc.Cite}
		}
		n.Add(c)
	} else {
		n.Add(&explain.Node{Key: key + ".kind", Label: "Kind of type code " + it.TypeCode, Value: kind, Formula: "the code is not in the facility's type-code table"})
	}
	n.Add(&explain.Node{Key: key + ".received", Label: "Received (the group's as-of date)", Value: it.Received.String()})
	if it.ValueDate != 0 {
		cl := &explain.Node{Key: key + ".clearance_days", Label: "Clearance days", Value: fmt.Sprint(ft.ClearanceDays),
			Formula: fmt.Sprintf("Business Days of the %s calendar after receipt (a day that is not one counts as the next)", ft.Calendar.Name())}
		if !ft.Cash.ClearanceCite.IsZero() {
			cl.Cites = []explain.Cite{ft.Cash.ClearanceCite}
		}
		n.Add(cl, &explain.Node{Key: key + ".value_date", Label: "Value date (credited)", Value: it.ValueDate.String(), Formula: "received + clearance days"})
	}
	sw := &explain.Node{Key: key + ".swept", Label: "Swept to the loans", Value: fmt.Sprint(it.Swept), Formula: it.Reason}
	if a, ok := ft.Cash.account(it.Account); ok {
		sw.Assumption = a.Assumption
		if !a.Cite.IsZero() {
			sw.Cites = []explain.Cite{a.Cite}
		}
	}
	n.Add(sw)
	switch {
	case agreement.CashCredit(it.Kind):
		n.Add(&explain.Node{Key: key + ".applied", Label: "Applied to the loans", Value: it.Applied.String(),
			Formula: "the deposit, at most the loans outstanding on the value date and every later date (the day's earlier deposits first)"})
		rem := &explain.Node{Key: key + ".remitted", Label: "Remitted to the borrower", Value: it.Remitted.String(), Formula: "the deposit − applied"}
		if it.RemittedTo != "" {
			rem.Label += " (account " + it.RemittedTo + ")"
		}
		n.Add(rem)
	case it.Kind == agreement.CashReturnedItem:
		r := &explain.Node{Key: key + ".charged", Label: "Charged to the loans", Value: it.Applied.String(),
			Formula: "the credit given for the item, charged as a debit in the loan account (Security Agreement ¶8)"}
		if it.Returns != 0 {
			r.Formula += fmt.Sprintf("; it returns deposit %d", it.Returns)
		}
		n.Add(r)
	}
	if it.Transaction != 0 {
		n.Add(&explain.Node{Key: key + ".transaction", Label: "Ledger transaction", Value: fmt.Sprint(it.Transaction)})
	}
	return n
}

// CashReconciliation is the bank's deposits against the borrower's
// collections journal delivered with a certificate, over the journal's
// period: per day and per batch (the journal's batch against the bank
// reference of the deposit), with the differences listed.
type CashReconciliation struct {
	Facility    string       `json:"facility"`
	Certificate int64        `json:"certificate"`
	Journal     string       `json:"journal"`
	From        date.Date    `json:"from"`
	To          date.Date    `json:"to"`
	Bank        money.Amount `json:"bank"`
	Book        money.Amount `json:"journal_total"`
	Difference  money.Amount `json:"difference"`
	Days        []CashRecon  `json:"days"`
	Batches     []CashRecon  `json:"batches"`
	Differences []string     `json:"differences"`
}

// CashRecon is one day's or one batch's figures: the bank's deposits less
// its returned items, the journal's receipts less its returned checks,
// their difference (bank − journal) and how many of each.
type CashRecon struct {
	Day        date.Date    `json:"day,omitzero"`
	Batch      string       `json:"batch,omitempty"`
	Bank       money.Amount `json:"bank"`
	Book       money.Amount `json:"journal"`
	Difference money.Amount `json:"difference"`
	BankItems  int          `json:"bank_items"`
	BookRows   int          `json:"journal_rows"`
}

// ReconcileCash reconciles the bank's deposits imported as known at
// knownAt (zero: every file) against the collections journal delivered
// with certificate id, over the journal's period: from the day after the
// previous approved certificate's as-of date (or the journal's first day,
// when there is none) to the certificate's as-of date. The bank's side is
// every deposit and returned item of the facility's accounts but its
// operating account, received in the period.
func (s *Service) ReconcileCash(ctx context.Context, facility string, certificate int64, knownAt time.Time) (CashReconciliation, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return CashReconciliation{}, err
	}
	c, err := s.Store.Certificate(ctx, certificate)
	if err != nil {
		return CashReconciliation{}, err
	}
	if c.Facility != facility {
		return CashReconciliation{}, store.Errorf(store.CodeNotFound, "certificate %d of facility %q not found", certificate, facility)
	}
	var in *store.Input
	for i := range c.Inputs {
		if c.Inputs[i].Kind == store.InputCollections {
			in = &c.Inputs[i]
		}
	}
	if in == nil {
		return CashReconciliation{}, store.Errorf(store.CodeNotFound, "certificate %d as of %s carries no collections journal to reconcile the bank's deposits against", c.ID, c.AsOf)
	}
	b, err := s.Store.Blob(ctx, in.SHA256)
	if err != nil {
		return CashReconciliation{}, fmt.Errorf("certificate %d collections journal: %w", c.ID, err)
	}
	j, err := collateral.ReadCollections(in.Name, b, collateral.Options{})
	if err != nil {
		return CashReconciliation{}, fmt.Errorf("certificate %d collections journal: %w", c.ID, err)
	}
	r := CashReconciliation{Facility: facility, Certificate: c.ID, Journal: in.Name, To: c.AsOf, Days: []CashRecon{}, Batches: []CashRecon{}, Differences: []string{}}
	if prev, ok, err := previousApproved(ctx, s.Store, facility, c.AsOf); err != nil {
		return r, err
	} else if ok {
		r.From = prev.AsOf.AddDays(1)
	} else {
		r.From = c.AsOf
		for _, row := range j.Rows {
			r.From = min(r.From, row.Date)
		}
	}
	ft, err := s.Terms.Terms(ctx, facility, c.AsOf)
	if err != nil {
		return r, err
	}
	files, err := s.CashFiles(ctx, facility, knownAt)
	if err != nil {
		return r, err
	}
	known := map[int64]bool{}
	for _, f := range files {
		known[f.ID] = true
	}
	items, err := s.Store.CashItems(ctx, facility, 0)
	if err != nil {
		return r, err
	}
	days := map[date.Date]*CashRecon{}
	batches := map[string]*CashRecon{}
	day := func(d date.Date) *CashRecon {
		if days[d] == nil {
			days[d] = &CashRecon{Day: d}
		}
		return days[d]
	}
	batch := func(k string, d date.Date) *CashRecon {
		if batches[k] == nil {
			batches[k] = &CashRecon{Batch: k, Day: d}
		}
		return batches[k]
	}
	for _, it := range items {
		if !known[it.File] || it.Received < r.From || it.Received > r.To || !(agreement.CashCredit(it.Kind) || it.Kind == agreement.CashReturnedItem) {
			continue
		}
		if a, ok := ft.Cash.account(it.Account); ok && a.Kind.Value == agreement.AccountOperating {
			continue
		}
		for _, x := range []*CashRecon{day(it.Received), batch(it.BankRef, it.Received)} {
			x.Bank += it.Amount
			x.BankItems++
		}
		r.Bank += it.Amount
	}
	for _, row := range j.Rows {
		if row.Date < r.From || row.Date > r.To {
			continue
		}
		for _, x := range []*CashRecon{day(row.Date), batch(row.Batch, row.Date)} {
			x.Book += row.Amount
			x.BookRows++
		}
		r.Book += row.Amount
	}
	r.Difference = r.Bank - r.Book
	for _, d := range days {
		d.Difference = d.Bank - d.Book
		r.Days = append(r.Days, *d)
	}
	sort.Slice(r.Days, func(a, b int) bool { return r.Days[a].Day < r.Days[b].Day })
	for _, x := range batches {
		x.Difference = x.Bank - x.Book
		r.Batches = append(r.Batches, *x)
	}
	sort.Slice(r.Batches, func(a, b int) bool {
		if r.Batches[a].Day != r.Batches[b].Day {
			return r.Batches[a].Day < r.Batches[b].Day
		}
		return r.Batches[a].Batch < r.Batches[b].Batch
	})
	for _, d := range r.Days {
		if d.Difference != 0 {
			r.Differences = append(r.Differences, fmt.Sprintf("%s: the bank reports %s (%d item(s)), the journal %s (%d row(s)): difference %s",
				d.Day, d.Bank, d.BankItems, d.Book, d.BookRows, d.Difference))
		}
	}
	for _, x := range r.Batches {
		switch {
		case x.Difference == 0:
		case x.BookRows == 0:
			r.Differences = append(r.Differences, fmt.Sprintf("batch %q of %s: %s at the bank, not in the journal", x.Batch, x.Day, x.Bank))
		case x.BankItems == 0:
			r.Differences = append(r.Differences, fmt.Sprintf("batch %q of %s: %s in the journal, not at the bank", x.Batch, x.Day, x.Book))
		default:
			r.Differences = append(r.Differences, fmt.Sprintf("batch %q of %s: the bank %s, the journal %s: difference %s", x.Batch, x.Day, x.Bank, x.Book, x.Difference))
		}
	}
	return r, nil
}
