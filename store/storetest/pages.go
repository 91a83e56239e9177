package storetest

import (
	"fmt"
	"reflect"
	"testing"

	"revolver/date"
	"revolver/ledger"
	"revolver/store"
)

// testPages: TransactionsPage, AdvanceRequestsPage and CertificatesPage
// give, page after page (each After the last id of the one before), the
// records of the full list with a date in the range, in the same order,
// each page at most Limit long; another facility's records are never in
// them; a page that asks for nothing or for an inverted range is refused
// as invalid; an unknown facility is not found.
func testPages(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	// 23 transactions of f over 12 value dates, interleaved with g's.
	var batch []ledger.Transaction
	for i := range 23 {
		vd := d("2006-02-01") + date.Date(i/2)
		for _, f := range []string{"f", "g"} {
			tr, err := ledger.Advance(ledger.Ref{Facility: f, Key: fmt.Sprintf("p%d", i), ValueDate: vd}, amt("1000.00"))
			ok(t, err)
			batch = append(batch, tr)
		}
	}
	must(s.PostBatch(ctx, batch)).of(t)
	// Advance requests and certificates over dates too.
	for i := range 7 {
		ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
			_, _, err := tx.AddAdvanceRequest(store.AdvanceRequest{Facility: "f", Key: fmt.Sprintf("r%d", i), Amount: amt("10.00"),
				ValueDate: d("2006-02-01") + date.Date(i), Status: store.AdvanceRequested, RequestedBy: "maker", RequestedAt: t0})
			return err
		}))
		submitted(t, s, "f", d("2006-01-02")+date.Date(7*i), amt("100.00"), 0)
	}
	submitted(t, s, "g", d("2006-01-02"), amt("100.00"), 0)

	all := must(s.Transactions(ctx, "f")).of(t)
	allAdv := must(s.AdvanceRequests(ctx, "f")).of(t)
	allCert := must(s.Certificates(ctx, "f")).of(t)
	for _, rg := range []struct{ from, to date.Date }{
		{0, 0}, {d("2006-02-03"), 0}, {0, d("2006-02-05")}, {d("2006-02-03"), d("2006-02-05")}, {d("2006-02-04"), d("2006-02-04")}, {d("2007-01-01"), 0},
	} {
		for _, limit := range []int{1, 2, 5, 1000} {
			name := fmt.Sprintf("from %s to %s limit %d", rg.from, rg.to, limit)
			in := func(vd date.Date) bool { return (rg.from == 0 || vd >= rg.from) && (rg.to == 0 || vd <= rg.to) }
			var want, got []ledger.Transaction
			for _, tr := range all {
				if in(tr.ValueDate) {
					want = append(want, tr)
				}
			}
			collect(t, name+" transactions", limit, func(after int64) ([]ledger.Transaction, error) {
				return s.TransactionsPage(ctx, "f", store.Page{After: after, Limit: limit, From: rg.from, To: rg.to})
			}, func(tr ledger.Transaction) int64 { return tr.ID }, &got)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: pages of transactions %v, want %v", name, ids(got, func(x ledger.Transaction) int64 { return x.ID }), ids(want, func(x ledger.Transaction) int64 { return x.ID }))
			}
			var wantAdv, gotAdv []store.AdvanceRequest
			for _, r := range allAdv {
				if in(r.ValueDate) {
					wantAdv = append(wantAdv, r)
				}
			}
			collect(t, name+" advance requests", limit, func(after int64) ([]store.AdvanceRequest, error) {
				return s.AdvanceRequestsPage(ctx, "f", store.Page{After: after, Limit: limit, From: rg.from, To: rg.to})
			}, func(r store.AdvanceRequest) int64 { return r.ID }, &gotAdv)
			if !reflect.DeepEqual(gotAdv, wantAdv) {
				t.Errorf("%s: pages of advance requests %+v, want %+v", name, gotAdv, wantAdv)
			}
			var wantCert, gotCert []store.Certificate
			for _, c := range allCert {
				if in(c.AsOf) {
					wantCert = append(wantCert, c)
				}
			}
			collect(t, name+" certificates", limit, func(after int64) ([]store.Certificate, error) {
				return s.CertificatesPage(ctx, "f", store.Page{After: after, Limit: limit, From: rg.from, To: rg.to})
			}, func(c store.Certificate) int64 { return c.ID }, &gotCert)
			if !reflect.DeepEqual(gotCert, wantCert) {
				t.Errorf("%s: pages of certificates %v, want %v", name, ids(gotCert, func(x store.Certificate) int64 { return x.ID }), ids(wantCert, func(x store.Certificate) int64 { return x.ID }))
			}
		}
	}
	if len(all) != 23 || len(allAdv) != 7 || len(allCert) != 7 || len(allCert[0].Inputs) == 0 {
		t.Fatalf("setup: %d transactions, %d requests, %d certificates", len(all), len(allAdv), len(allCert))
	}
	for _, p := range []store.Page{{Limit: 0}, {Limit: -1}, {Limit: 5, After: -1}, {Limit: 5, From: d("2006-02-05"), To: d("2006-02-04")}} {
		_, err := s.TransactionsPage(ctx, "f", p)
		wantCode(t, err, store.CodeInvalid)
		_, err = s.AdvanceRequestsPage(ctx, "f", p)
		wantCode(t, err, store.CodeInvalid)
		_, err = s.CertificatesPage(ctx, "f", p)
		wantCode(t, err, store.CodeInvalid)
	}
	_, err := s.TransactionsPage(ctx, "nope", store.Page{Limit: 5})
	wantCode(t, err, store.CodeNotFound)
	_, err = s.CertificatesPage(ctx, "nope", store.Page{Limit: 5})
	wantCode(t, err, store.CodeNotFound)
	_, err = s.AdvanceRequestsPage(ctx, "nope", store.Page{Limit: 5})
	wantCode(t, err, store.CodeNotFound)
}

// collect reads the pages of a list until one comes back short, checking
// that none is longer than the limit, and appends their records to out.
func collect[T any](t *testing.T, name string, limit int, page func(after int64) ([]T, error), id func(T) int64, out *[]T) {
	t.Helper()
	after := int64(0)
	for n := 0; ; n++ {
		p, err := page(after)
		ok(t, err)
		if len(p) > limit {
			t.Fatalf("%s: a page of %d records, limit %d", name, len(p), limit)
		}
		*out = append(*out, p...)
		if len(p) < limit {
			return
		}
		after = id(p[len(p)-1])
		if n > 100 {
			t.Fatalf("%s: more than 100 pages", name)
		}
	}
}

func ids[T any](xs []T, id func(T) int64) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}
