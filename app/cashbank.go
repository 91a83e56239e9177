package app

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"revolver/bai2"
	"revolver/date"
	"revolver/money"
	"revolver/parallel"
	"revolver/store"
)

// BankCashImport is what ImportBankCash did with a bank's file: per
// facility its part imported (as ImportCash would have imported it), the
// accounts no facility's terms name (not imported: Unrouted), and whether
// the whole file was a replay (every facility's part imported before).
type BankCashImport struct {
	Name       string               `json:"name"`
	SHA256     string               `json:"sha256"`
	Replayed   bool                 `json:"replayed"`
	Message    string               `json:"message"`
	Facilities []FacilityCashImport `json:"facilities"`
	Unrouted   []UnroutedAccount    `json:"unrouted"`
}

// FacilityCashImport is one facility's part of a bank's file.
type FacilityCashImport struct {
	Facility string `json:"facility"`
	CashImport
}

// UnroutedAccount is an account of a bank's file that no facility's terms
// name among its cash accounts (collections.accounts) on the group's as-of
// date: reported, not stored; importing the file again once the terms name
// it imports it then (the facilities that have their part skip it).
type UnroutedAccount struct {
	Account string       `json:"account"`
	AsOf    date.Date    `json:"as_of"`
	Line    int          `json:"line"`
	Items   int          `json:"items"`
	Amount  money.Amount `json:"amount"`
}

// ImportBankCash imports one BAI2 file of the bank for all its customers'
// accounts (docs/cash.md, "A bank's file"): the file is read and verified
// whole (bai2.Read), each account routed to the facility whose terms name
// it among their cash accounts on the group's as-of date (an account of the file two
// facilities name refuses the whole file; one no facility names is
// reported unrouted and not stored), and each facility's part (the file's
// groups restricted to its accounts) imported and applied exactly as
// ImportCash imports a file (applyCash: the same duplicate checks,
// application and explanations), every facility in one store
// transaction: a refusal of any part stores nothing.
func (s *Service) ImportBankCash(ctx context.Context, name string, content []byte) (BankCashImport, error) {
	ctx = named(ctx, OpImportBankCash)
	if err := authorize(ctx, ActImportCash, ""); err != nil {
		return BankCashImport{}, err
	}
	if name == "" {
		name = "bank.bai"
	}
	f, sha, err := readBAI(name, content)
	if err != nil {
		return BankCashImport{}, err
	}
	out := BankCashImport{Name: name, SHA256: sha, Facilities: []FacilityCashImport{}, Unrouted: []UnroutedAccount{}}
	parts, unrouted, err := s.routeBankFile(ctx, name, f)
	if err != nil {
		return BankCashImport{}, err
	}
	out.Unrouted = unrouted
	slugs := make([]string, 0, len(parts))
	for slug := range parts {
		if err := authorize(ctx, ActImportCash, slug); err != nil {
			return BankCashImport{}, err
		}
		slugs = append(slugs, slug)
	}
	sort.Strings(slugs)
	// The terms and sweep decisions of every facility's part, read before
	// the store transaction, facilities in parallel.
	plans := make([]*cashPlan, len(slugs))
	errs := make([]error, len(slugs))
	parallel.For(len(slugs), func(i int) {
		plans[i], errs[i] = s.prepareCash(ctx, slugs[i], name, parts[slugs[i]])
	})
	for _, err := range errs {
		if err != nil {
			return BankCashImport{}, err
		}
	}
	by := requester(ctx, "")
	if a, ok := ActorFrom(ctx); ok && by == "" {
		by = a.User
	}
	if by == "" {
		by = "system"
	}
	now := s.now()
	byFacility := make(map[string]*cashPlan, len(plans))
	for _, p := range plans {
		byFacility[p.facility] = p
	}
	err = s.updateMany(ctx, slugs, func(facility string, tx store.Tx) error {
		im, err := s.applyCash(tx, byFacility[facility], out.SHA256, content, by, now)
		if err != nil {
			return fmt.Errorf("facility %s: %w", facility, err)
		}
		out.Facilities = append(out.Facilities, FacilityCashImport{Facility: facility, CashImport: im})
		return nil
	})
	if err != nil {
		return BankCashImport{}, err
	}
	replayed, items := 0, 0
	var applied money.Amount
	for _, fi := range out.Facilities {
		if fi.Replayed {
			replayed++
		}
		items += len(fi.Items)
		applied += fi.Applied
	}
	out.Replayed = len(out.Facilities) > 0 && replayed == len(out.Facilities)
	switch {
	case out.Replayed:
		out.Message = fmt.Sprintf("%s: already imported for every facility it routes to (%d): nothing imported or posted again", name, len(out.Facilities))
	default:
		out.Message = fmt.Sprintf("%s imported for %d facilit(ies) (%d imported before), %d item(s); %s credited to the loans", name, len(out.Facilities)-replayed, replayed, items, applied)
	}
	if n := len(out.Unrouted); n > 0 {
		accts := make([]string, 0, n)
		for _, u := range out.Unrouted {
			accts = append(accts, fmt.Sprintf("%s (line %d)", u.Account, u.Line))
		}
		out.Message += fmt.Sprintf("; %d account(s) no facility's terms name, not imported: %s", n, strings.Join(accts, ", "))
	}
	return out, nil
}

// routeBankFile splits a bank's file into each facility's part: its groups
// restricted to the accounts the facility's terms name on the group's
// as-of date. An account named by two facilities refuses the file.
func (s *Service) routeBankFile(ctx context.Context, name string, f *bai2.File) (map[string]*bai2.File, []UnroutedAccount, error) {
	fs, err := s.Store.Facilities(ctx)
	if err != nil {
		return nil, nil, err
	}
	owners := map[date.Date]map[string][]string{} // as-of date → account → facilities naming it
	ownersOn := func(day date.Date) (map[string][]string, error) {
		if m, ok := owners[day]; ok {
			return m, nil
		}
		terms := make([]FacilityTerms, len(fs))
		errs := make([]error, len(fs))
		parallel.For(len(fs), func(i int) { terms[i], errs[i] = s.Terms.Terms(ctx, fs[i].Slug, day) })
		m := map[string][]string{}
		for i, fac := range fs {
			if errs[i] != nil {
				if store.ErrorCode(errs[i]) == store.CodeNotFound {
					continue // no terms in force that day: no accounts
				}
				return nil, fmt.Errorf("route %s: terms of %q as of %s: %w", name, fac.Slug, day, errs[i])
			}
			for _, a := range terms[i].Cash.Accounts {
				if !slices.Contains(m[a.Number], fac.Slug) {
					m[a.Number] = append(m[a.Number], fac.Slug)
				}
			}
		}
		owners[day] = m
		return m, nil
	}
	parts := map[string]*bai2.File{}
	var unrouted []UnroutedAccount
	for gi := range f.Groups {
		g := &f.Groups[gi]
		m, err := ownersOn(g.AsOf)
		if err != nil {
			return nil, nil, err
		}
		byFac := map[string][]bai2.Account{}
		var order []string
		for _, a := range g.Accounts {
			named := m[a.Number]
			if len(named) > 1 {
				return nil, nil, store.Errorf(store.CodeInvalid, "refused, nothing imported: %s: line %d, 03 account identifier: account %s is named by the terms of %d facilities on %s (%s): an account is routed to one facility only",
					name, a.Line, a.Number, len(named), g.AsOf, strings.Join(named, " and "))
			}
			if len(named) == 0 {
				u := UnroutedAccount{Account: a.Number, AsOf: g.AsOf, Line: a.Line, Items: len(a.Transactions)}
				for _, t := range a.Transactions {
					v, _ := t.Signed()
					u.Amount += v
				}
				unrouted = append(unrouted, u)
				continue
			}
			slug := named[0]
			if _, seen := byFac[slug]; !seen {
				order = append(order, slug)
			}
			byFac[slug] = append(byFac[slug], a)
		}
		for _, slug := range order {
			p := parts[slug]
			if p == nil {
				c := *f
				c.Groups = nil
				p = &c
				parts[slug] = p
			}
			sub := *g
			sub.Accounts = byFac[slug]
			p.Groups = append(p.Groups, sub)
		}
	}
	if unrouted == nil {
		unrouted = []UnroutedAccount{}
	}
	return parts, unrouted, nil
}
