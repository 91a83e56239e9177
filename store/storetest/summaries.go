package storetest

import (
	"encoding/json"
	"testing"

	"revolver/store"
)

// testCertificateSummaries: a submitted certificate's summary is stored
// once and read back by facility; the same summary again stores nothing
// new, another is a conflict, a draft's is a conflict, an unknown
// certificate's not_found; another facility's summaries are not listed;
// storing one does not raise the facility's version.
func testCertificateSummaries(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	draft := must(s.CreateCertificate(ctx, store.Certificate{Facility: "f", AsOf: d("2006-01-31"), PreparedBy: "x", CreatedAt: t0})).of(t)
	body := json.RawMessage(`{"gross":"100.00","buckets":["1.00","2.00"]}`)
	wantCode(t, s.PutCertificateSummary(ctx, store.CertificateSummary{Certificate: draft.ID, Version: 1, Body: body, CreatedAt: t0}), store.CodeConflict)
	wantCode(t, s.PutCertificateSummary(ctx, store.CertificateSummary{Certificate: 999999, Version: 1, Body: body, CreatedAt: t0}), store.CodeNotFound)
	a := submitted(t, s, "f", d("2006-02-28"), amt("1.00"), 0)
	b := submitted(t, s, "f", d("2006-03-31"), amt("2.00"), 0)
	g := submitted(t, s, "g", d("2006-03-31"), amt("3.00"), 0)
	wantCode(t, s.PutCertificateSummary(ctx, store.CertificateSummary{Certificate: a.ID, Version: 1, CreatedAt: t0}), store.CodeInvalid)
	version := func() int64 {
		for _, v := range must(s.FacilityVersions(ctx)).of(t) {
			if v.Facility.Slug == "f" {
				return v.Version
			}
		}
		t.Fatal("facility f has no version")
		return 0
	}
	v0 := version()
	ok(t, s.PutCertificateSummary(ctx, store.CertificateSummary{Certificate: b.ID, Version: 1, Body: body, CreatedAt: t0}))
	ok(t, s.PutCertificateSummary(ctx, store.CertificateSummary{Certificate: a.ID, Version: 1, Body: json.RawMessage(`{"gross":"1.00"}`), CreatedAt: t0}))
	ok(t, s.PutCertificateSummary(ctx, store.CertificateSummary{Certificate: g.ID, Version: 1, Body: body, CreatedAt: t0}))
	// Again, the same: nothing new; another body or version: a conflict.
	ok(t, s.PutCertificateSummary(ctx, store.CertificateSummary{Certificate: b.ID, Version: 1, Body: body, CreatedAt: t0.Add(1e9)}))
	wantCode(t, s.PutCertificateSummary(ctx, store.CertificateSummary{Certificate: b.ID, Version: 1, Body: json.RawMessage(`{"gross":"101.00"}`), CreatedAt: t0}), store.CodeConflict)
	wantCode(t, s.PutCertificateSummary(ctx, store.CertificateSummary{Certificate: b.ID, Version: 2, Body: body, CreatedAt: t0}), store.CodeConflict)
	if v := version(); v != v0 {
		t.Errorf("facility version %d after storing summaries, was %d: a summary changes no figure", v, v0)
	}
	got := must(s.CertificateSummaries(ctx, "f")).of(t)
	if len(got) != 2 || got[0].Certificate != a.ID || got[1].Certificate != b.ID || string(got[1].Body) != string(body) ||
		string(got[0].Body) != `{"gross":"1.00"}` || got[1].Version != 1 || !got[1].CreatedAt.Equal(store.Truncate(t0)) {
		t.Fatalf("CertificateSummaries(f) = %+v", got)
	}
	if got := must(s.CertificateSummaries(ctx, "g")).of(t); len(got) != 1 || got[0].Certificate != g.ID {
		t.Errorf("CertificateSummaries(g) = %+v", got)
	}
	_, err := s.CertificateSummaries(ctx, "nope")
	wantCode(t, err, store.CodeNotFound)
}
