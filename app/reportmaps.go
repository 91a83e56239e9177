package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"revolver/collateral"
	"revolver/date"
	"revolver/store"
)

// ReportMap is the column map and layout a facility keeps for a kind of
// report (docs/reports.md), in one of its versions.
type ReportMap struct {
	ID    int64                `json:"id"`
	Kind  string               `json:"kind"`
	Map   collateral.ReportMap `json:"map"`
	SetBy string               `json:"set_by"`
	SetAt time.Time            `json:"set_at"`
}

// SetReportMapInput is a new version of a facility's map for a kind of
// report; a zero Map clears it (reports of the kind are then read plain).
type SetReportMapInput struct {
	Kind string
	Map  collateral.ReportMap
	By   string
}

// SetReportMap records a new version of a facility's column map and layout
// of a kind of report (one of collateral.Kinds): the borrower's
// controller sets it once, and every later submission without a map of
// its own reads the kind's reports with it. Versions are appended, never
// changed.
func (s *Service) SetReportMap(ctx context.Context, facility string, in SetReportMapInput) (ReportMap, error) {
	ctx = named(ctx, OpSetReportMap)
	if err := authorize(ctx, ActSetReportMap, facility); err != nil {
		return ReportMap{}, err
	}
	by := requester(ctx, in.By)
	if err := in.Map.Validate(in.Kind); err != nil {
		return ReportMap{}, store.Errorf(store.CodeInvalid, "report map %s: %v", in.Kind, err)
	}
	if by == "" {
		return ReportMap{}, store.Errorf(store.CodeInvalid, "report map %s: who sets it is required", in.Kind)
	}
	raw, err := json.Marshal(in.Map)
	if err != nil {
		return ReportMap{}, err
	}
	var out ReportMap
	err = s.update(ctx, facility, func(tx store.Tx) error {
		r, err := tx.AddReportMap(store.ReportMapRecord{Facility: facility, Kind: in.Kind, Map: raw, SetBy: by, SetAt: s.now()})
		if err != nil {
			return err
		}
		out = ReportMap{ID: r.ID, Kind: r.Kind, Map: in.Map, SetBy: r.SetBy, SetAt: r.SetAt}
		return nil
	})
	return out, err
}

// ReportMaps lists the maps of a facility in force at knownAt (zero: now),
// one per kind that has one, in the order of collateral.Kinds.
func (s *Service) ReportMaps(ctx context.Context, facility string, knownAt time.Time) ([]ReportMap, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return nil, err
	}
	recs, err := s.Store.ReportMaps(ctx, facility)
	if err != nil {
		return nil, err
	}
	if knownAt.IsZero() {
		knownAt = s.now()
	}
	var out []ReportMap
	for _, k := range collateral.Kinds {
		if r, ok := store.ReportMapAt(recs, k, knownAt); ok {
			m, err := reportMapOf(r)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		}
	}
	return out, nil
}

// ReportMapHistory lists every version of a facility's map of a kind
// ("" every kind), oldest first.
func (s *Service) ReportMapHistory(ctx context.Context, facility, kind string) ([]ReportMap, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return nil, err
	}
	if kind != "" && !slices.Contains(collateral.Kinds, kind) {
		return nil, store.Errorf(store.CodeInvalid, "report kind %q: expected one of %v", kind, collateral.Kinds)
	}
	recs, err := s.Store.ReportMaps(ctx, facility)
	if err != nil {
		return nil, err
	}
	var out []ReportMap
	for _, r := range recs {
		if kind == "" || r.Kind == kind {
			m, err := reportMapOf(r)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		}
	}
	return out, nil
}

func reportMapOf(r store.ReportMapRecord) (ReportMap, error) {
	m := ReportMap{ID: r.ID, Kind: r.Kind, SetBy: r.SetBy, SetAt: r.SetAt}
	if err := json.Unmarshal(r.Map, &m.Map); err != nil {
		return m, fmt.Errorf("report map %d: %w", r.ID, err)
	}
	return m, nil
}

// withReportMaps gives every input of a submission without a map of its
// own the facility's map of its kind in force now (stored with the input,
// so that it is read again alike).
func (s *Service) withReportMaps(ctx context.Context, in CertificateInput) (CertificateInput, error) {
	recs, err := s.Store.ReportMaps(ctx, in.Facility)
	if err != nil || len(recs) == 0 {
		return in, err
	}
	now := s.now()
	for _, x := range []struct {
		c    *store.InputContent
		kind string
	}{{&in.Receivables, store.InputReceivables}, {&in.Debtors, store.InputDebtors}, {&in.Inventory, store.InputInventory},
		{&in.Sales, store.InputSales}, {&in.Collections, store.InputCollections}, {&in.Credits, store.InputCredits},
		{&in.InventoryActivity, store.InputInventoryActivity}} {
		if len(x.c.Map) > 0 || !delivered(*x.c) {
			continue
		}
		if r, ok := store.ReportMapAt(recs, x.kind, now); ok {
			x.c.Map = r.Map
		}
	}
	return in, nil
}

// readOptions are the reader options of an input: its map (Input.Map)
// for the currency.
func readOptions(c store.InputContent, currency string) (collateral.Options, error) {
	if len(c.Map) == 0 {
		return collateral.Options{Currency: currency}, nil
	}
	var m collateral.ReportMap
	if err := json.Unmarshal(c.Map, &m); err != nil {
		return collateral.Options{}, store.Errorf(store.CodeInvalid, "%s: the report map: %v", c.Name, err)
	}
	return m.Options(currency), nil
}

// PreviewInput is a report to preview before it is submitted.
type PreviewInput struct {
	Kind string // one of collateral.Kinds
	File store.InputContent
	// Map is the column map and layout to read it with; nil: the
	// facility's map of the kind in force (or none).
	Map *collateral.ReportMap
	// Debtors is the customer master an aging is checked against
	// (optional).
	Debtors store.InputContent
	// AsOf is the date the report is for: dates after it are outside the
	// period, and for a journal dates on or before the previous approved
	// certificate's; 0: unchecked.
	AsOf     date.Date
	Currency string // the facility's currency (default USD)
	Rows     int    // rows shown (default 10, at most 200)
}

// PreviewReport reads a report as a submission would and describes what
// it read (collateral.PreviewReport): the first rows as read, rows read,
// totals, dates outside the period and the layout's skipped rows, or every
// problem of a refused file with its row and column. It stores nothing.
func (s *Service) PreviewReport(ctx context.Context, facility string, in PreviewInput) (*collateral.Preview, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return nil, err
	}
	if !slices.Contains(collateral.Kinds, in.Kind) {
		return nil, store.Errorf(store.CodeInvalid, "report kind %q: expected one of %v", in.Kind, collateral.Kinds)
	}
	if !delivered(in.File) {
		return nil, store.Errorf(store.CodeInvalid, "preview %s: the report file is required", in.Kind)
	}
	if in.Rows > 200 {
		in.Rows = 200
	}
	file := in.File
	if in.Map != nil {
		if err := in.Map.Validate(in.Kind); err != nil {
			return nil, store.Errorf(store.CodeInvalid, "report map %s: %v", in.Kind, err)
		}
		raw, err := json.Marshal(in.Map)
		if err != nil {
			return nil, err
		}
		file.Map = raw
	} else {
		recs, err := s.Store.ReportMaps(ctx, facility)
		if err != nil {
			return nil, err
		}
		if r, ok := store.ReportMapAt(recs, in.Kind, s.now()); ok {
			file.Map = r.Map
		}
	}
	opt, err := readOptions(file, in.Currency)
	if err != nil {
		return nil, err
	}
	p := collateral.PreviewOptions{Rows: in.Rows, To: in.AsOf}
	if in.AsOf != 0 && in.Kind != store.InputReceivables && in.Kind != store.InputDebtors && in.Kind != store.InputInventory {
		prev, ok, err := previousApproved(ctx, s.Store, facility, in.AsOf)
		if err != nil {
			return nil, err
		}
		if ok {
			p.From = prev.AsOf
		}
	}
	if in.Kind == store.InputReceivables && delivered(in.Debtors) {
		dopt, err := s.savedOptions(ctx, facility, store.InputDebtors, in.Currency)
		if err != nil {
			return nil, err
		}
		ds, err := readDebtors(in.Debtors, dopt)
		if err != nil {
			return nil, store.Errorf(store.CodeInvalid, "%v", err)
		}
		p.Debtors = ds
	}
	return collateral.PreviewReport(in.Kind, file.Name, file.Content, opt, p)
}

// savedOptions are the reader options of the facility's map of a kind in
// force now.
func (s *Service) savedOptions(ctx context.Context, facility, kind, currency string) (collateral.Options, error) {
	recs, err := s.Store.ReportMaps(ctx, facility)
	if err != nil {
		return collateral.Options{}, err
	}
	c := store.InputContent{Name: kind}
	if r, ok := store.ReportMapAt(recs, kind, s.now()); ok {
		c.Map = r.Map
	}
	return readOptions(c, currency)
}

// AddReportMap records the new version in the audit trail.
func (t *recordingTx) AddReportMap(r store.ReportMapRecord) (store.ReportMapRecord, error) {
	out, err := t.Tx.AddReportMap(r)
	if err == nil {
		t.changes = append(t.changes, change{What: "report_map", After: out})
	}
	return out, err
}

// SetMaps gives the submission's inputs explicit maps, by kind (one of
// collateral.Kinds): an input with one is read with it instead of the
// facility's saved map of its kind. A map for a kind not delivered is
// refused.
func (in *CertificateInput) SetMaps(maps map[string]collateral.ReportMap) error {
	inputs := map[string]*store.InputContent{store.InputReceivables: &in.Receivables, store.InputDebtors: &in.Debtors, store.InputInventory: &in.Inventory,
		store.InputSales: &in.Sales, store.InputCollections: &in.Collections, store.InputCredits: &in.Credits, store.InputInventoryActivity: &in.InventoryActivity}
	kinds := make([]string, 0, len(maps))
	for k := range maps {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		c, ok := inputs[k]
		if !ok {
			return store.Errorf(store.CodeInvalid, "report map for %q: expected one of %v", k, collateral.Kinds)
		}
		if !delivered(*c) {
			return store.Errorf(store.CodeInvalid, "report map for %s: no %s report is given", k, k)
		}
		m := maps[k]
		if err := m.Validate(k); err != nil {
			return store.Errorf(store.CodeInvalid, "report map %s: %v", k, err)
		}
		raw, err := json.Marshal(m)
		if err != nil {
			return err
		}
		c.Map = raw
	}
	return nil
}

// mapKey is an input's map as compared: none and an empty one alike.
func mapKey(m []byte) string {
	if k := string(m); k != "{}" && k != "null" {
		return k
	}
	return ""
}
