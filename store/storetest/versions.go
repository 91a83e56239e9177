package storetest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"revolver/ledger"
	"revolver/store"
)

// testFacilityVersions: a facility's version rises with every change its
// figures are computed from (a document, statements, a certificate's
// submission and decision, a posting, its settings) and with no other
// facility's change; all are read in one list, by slug.
func testFacilityVersions(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	version := func(slug string) int64 {
		t.Helper()
		vs := must(s.FacilityVersions(ctx)).of(t)
		if len(vs) != 2 || vs[0].Facility.Slug != "f" || vs[1].Facility.Slug != "g" {
			t.Fatalf("FacilityVersions = %+v, want f, g", vs)
		}
		if vs[0].Facility.Name != "Facility f" || !vs[0].Facility.Created.Equal(store.Truncate(t0)) || string(vs[0].Facility.Settings) == "" {
			t.Errorf("FacilityVersions f = %+v", vs[0].Facility)
		}
		for _, v := range vs {
			if v.Facility.Slug == slug {
				return v.Version
			}
		}
		return 0
	}
	g := version("g")
	for _, c := range []struct {
		what   string
		change func()
	}{
		{"a document", func() {
			must(s.PutDocument(ctx, store.Document{Facility: "f", ID: "a", Kind: "agreement", Effective: d("2006-01-01"), RecordedBy: "x", RecordedAt: t0, Content: []byte("a")})).of(t)
		}},
		{"statements", func() {
			must(s.AddFinancials(ctx, store.Financials{Facility: "f", PeriodEnd: d("2005-12-31"), RecordedAt: t0, SubmittedBy: "x", Payload: []byte(`{}`)})).of(t)
		}},
		{"a certificate submitted", func() { submitted(t, s, "f", d("2006-01-31"), amt("1000.00"), 0) }},
		{"a certificate approved", func() {
			cs := must(s.Certificates(ctx, "f")).of(t)
			must(s.DecideCertificate(ctx, cs[len(cs)-1].ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: t0.Add(time.Hour)})).of(t)
		}},
		{"a posting", func() { post(t, s, must(ledger.Advance(ref("f", "a1", "2006-02-10"), amt("300.00"))).of(t), nil) }},
		{"settings", func() {
			ok(t, s.UpdateFacilitySettings(ctx, "f", json.RawMessage(`{"maker_checker_threshold":"1.00"}`)))
		}},
	} {
		before := version("f")
		c.change()
		if after := version("f"); after <= before {
			t.Errorf("after %s: version %d, was %d: want it raised", c.what, after, before)
		}
	}
	if v := version("g"); v != g {
		t.Errorf("g's version %d, was %d: another facility's changes raised it", v, g)
	}
	// One batch of both facilities' transactions (one statement, or one
	// COPY, for all of them) raises each facility's version by its count.
	f := version("f")
	var batch []ledger.Transaction
	for i, slug := range []string{"f", "g", "f", "f", "g"} {
		batch = append(batch, must(ledger.Advance(ref(slug, fmt.Sprintf("batch-%d", i), "2006-02-11"), amt("1.00"))).of(t))
	}
	must(s.PostBatch(ctx, batch)).of(t)
	if vf, vg := version("f"), version("g"); vf != f+3 || vg != g+2 {
		t.Errorf("after a batch of 3 transactions of f and 2 of g: versions %d and %d, want %d and %d", vf, vg, f+3, g+2)
	}
}
