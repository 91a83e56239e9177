package storetest

import (
	"testing"
	"time"

	"revolver/store"
)

// testReportMaps: report map versions are appended in id order with every
// field as given (the time truncated), an unknown kind, a map that is not a
// JSON object or a version without who set it is invalid, another
// facility's versions are not listed, and ReportMapAt gives the version in
// force at a time (none once an empty map clears it).
func testReportMaps(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	add := func(r store.ReportMapRecord) (store.ReportMapRecord, error) {
		var got store.ReportMapRecord
		err := s.Update(ctx, r.Facility, func(tx store.Tx) error {
			var err error
			got, err = tx.AddReportMap(r)
			return err
		})
		return got, err
	}
	v1 := store.ReportMapRecord{Facility: "f", Kind: store.InputReceivables, Map: []byte(`{"columns":{"amount":"Open Balance"}}`),
		SetBy: "cfo@btu", SetAt: t0.Add(123 * time.Millisecond)}
	r1 := must(add(v1)).of(t)
	v2 := store.ReportMapRecord{Facility: "f", Kind: store.InputReceivables, Map: []byte(`{"columns":{"amount":"Balance"},"layout":{"date_format":"MM/DD/YYYY"}}`),
		SetBy: "cfo@btu", SetAt: t0.Add(time.Hour)}
	r2 := must(add(v2)).of(t)
	must(add(store.ReportMapRecord{Facility: "f", Kind: store.InputInventory, Map: []byte(`{"layout":{"header_row":3}}`), SetBy: "cfo@btu", SetAt: t0})).of(t)
	must(add(store.ReportMapRecord{Facility: "g", Kind: store.InputReceivables, Map: []byte(`{}`), SetBy: "x", SetAt: t0})).of(t)
	must(add(store.ReportMapRecord{Facility: "f", Kind: store.InputInventory, Map: []byte(`{}`), SetBy: "cfo@btu", SetAt: t0.Add(2 * time.Hour)})).of(t)

	for _, bad := range []store.ReportMapRecord{
		{Facility: "f", Kind: "payroll", Map: []byte(`{}`), SetBy: "x", SetAt: t0},
		{Facility: "f", Kind: store.InputSales, Map: []byte(`[1]`), SetBy: "x", SetAt: t0},
		{Facility: "f", Kind: store.InputSales, Map: []byte(`{}`), SetAt: t0},
	} {
		_, err := add(bad)
		wantCode(t, err, store.CodeInvalid)
	}
	err := s.Update(ctx, "f", func(tx store.Tx) error {
		_, err := tx.AddReportMap(store.ReportMapRecord{Facility: "g", Kind: store.InputSales, Map: []byte(`{}`), SetBy: "x", SetAt: t0})
		return err
	})
	wantCode(t, err, store.CodeInvalid)

	rs := must(s.ReportMaps(ctx, "f")).of(t)
	if len(rs) != 4 || rs[0].ID != r1.ID || rs[1].ID != r2.ID || rs[0].ID >= rs[1].ID {
		t.Fatalf("versions %+v", rs)
	}
	got := rs[0]
	if got.Facility != "f" || got.Kind != v1.Kind || string(got.Map) != string(v1.Map) || got.SetBy != v1.SetBy ||
		!got.SetAt.Equal(store.Truncate(v1.SetAt)) || !got.SetAt.Equal(r1.SetAt) {
		t.Errorf("version\n got %+v\nwant %+v", got, v1)
	}
	if m, ok := store.ReportMapAt(rs, store.InputReceivables, t0.Add(time.Minute)); !ok || m.ID != r1.ID {
		t.Errorf("in force a minute in: %+v %v, want version %d", m, ok, r1.ID)
	}
	if m, ok := store.ReportMapAt(rs, store.InputReceivables, t0.Add(3*time.Hour)); !ok || string(m.Map) != string(v2.Map) {
		t.Errorf("in force later: %+v %v, want version %d", m, ok, r2.ID)
	}
	if _, ok := store.ReportMapAt(rs, store.InputReceivables, t0.Add(-time.Second)); ok {
		t.Error("a version in force before any was set")
	}
	if _, ok := store.ReportMapAt(rs, store.InputInventory, t0.Add(time.Hour)); !ok {
		t.Error("inventory map not in force before it was cleared")
	}
	if _, ok := store.ReportMapAt(rs, store.InputInventory, t0.Add(3*time.Hour)); ok {
		t.Error("inventory map in force after it was cleared")
	}
	if gs := must(s.ReportMaps(ctx, "g")).of(t); len(gs) != 1 {
		t.Errorf("facility g: %+v", gs)
	}
	_, err = s.ReportMaps(ctx, "nope")
	wantCode(t, err, store.CodeNotFound)
}
