package httpapi_test

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"revolver/auth"
	"revolver/store"
)

// TestPagination: every list route answers pages of at most limit records
// with next_after, and the pages followed one after the other are the
// whole list (limit 1000) in the same order, the users, a user's tokens
// and sessions included; a date range narrows the ledger, the advances and
// the certificates in the store's query.
func TestPagination(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		officer := e.email[store.RoleLenderOfficer]
		f := "/api/v1/facilities/" + own
		for i := range 5 {
			r := e.do(e.email[store.RoleBorrower], jsonReq("POST", f+"/advances", fmt.Sprintf(`{"amount":"%d.00","value_date":"2004-10-15"}`, 10+i)))
			if r.status != 201 && r.status != 202 {
				t.Fatalf("advance: %d %s", r.status, r.body)
			}
		}
		e.submitCertificate(own, e.email[store.RoleBorrower])
		for i := range 3 {
			r := e.do(officer, jsonReq("POST", f+"/occurrences", fmt.Sprintf(`{"kind":"delivered","ref":"%s","date":"2004-10-11"}`, []string{"first_amendment", "allonge", "security_agreement"}[i])))
			if r.status != 201 {
				t.Fatalf("occurrence: %d %s", r.status, r.body)
			}
		}
		// A user with several tokens and sessions.
		borrower := e.email[store.RoleBorrower]
		u, err := e.acc.UserByEmail(context.Background(), borrower)
		if err != nil {
			t.Fatal(err)
		}
		for range 4 {
			_, h := auth.NewToken()
			if err := e.acc.CreateToken(context.Background(), u.ID, h, time.Now(), time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		for range 3 {
			e.signInCookie(store.RoleBorrower)
		}
		users := "/api/v1/users"
		for _, l := range []struct{ path, key, after string }{
			{"/api/v1/facilities", "facilities", "slug"},
			{f + "/borrowing-base-certificates", "certificates", "id"},
			{f + "/advances", "advances", "id"},
			{f + "/ledger", "transactions", "id"},
			{f + "/approvals", "approvals", "id"},
			{f + "/requests", "requests", "id"},
			{f + "/fact-records", "fact_records", "id"},
			{"/api/v1/audit", "records", "id"},
			{users, "users", "id"},
			{users + "/" + borrower + "/tokens", "tokens", "sha256"},
			{users + "/" + borrower + "/sessions", "sessions", "sha256"},
		} {
			as := officer
			switch l.key {
			case "records":
				as = e.email[store.RoleAuditor]
			case "users", "tokens", "sessions":
				as = e.email[store.RoleLenderAdmin]
			}
			get := func(q url.Values) map[string]any {
				t.Helper()
				r := e.do(as, jsonReq("GET", l.path+"?"+q.Encode(), nil))
				if r.status != 200 {
					t.Fatalf("%s?%s: %d %s", l.path, q.Encode(), r.status, r.body)
				}
				return r.json(t)
			}
			whole := get(url.Values{"limit": {"1000"}})
			all := whole[l.key].([]any)
			if whole["next_after"] != nil {
				t.Errorf("%s: next_after %v on the only page", l.path, whole["next_after"])
			}
			got := []any{}
			q := url.Values{"limit": {"2"}}
			for n := 0; ; n++ {
				page := get(q)
				items := page[l.key].([]any)
				if len(items) > 2 {
					t.Fatalf("%s: %d records in a page of 2", l.path, len(items))
				}
				got = append(got, items...)
				next := page["next_after"]
				if next == nil {
					break
				}
				last := items[len(items)-1].(map[string]any)
				if want := last[l.after]; fmt.Sprint(want) != fmt.Sprint(next) {
					t.Errorf("%s: next_after %v, the last record's %s is %v", l.path, next, l.after, want)
				}
				q.Set("after", fmt.Sprint(next))
				if n > 200 {
					t.Fatalf("%s: more than 200 pages", l.path)
				}
			}
			if !reflect.DeepEqual(got, all) || (l.key != "requests" && l.key != "approvals" && len(all) == 0) {
				t.Errorf("%s: %d records in pages of 2, %d in one page", l.path, len(got), len(all))
			}
			if min := map[string]int{"users": 3, "tokens": 5, "sessions": 3}[l.key]; len(all) < min {
				t.Errorf("%s: %d records, expected at least %d", l.path, len(all), min)
			}
		}
		// The after of a list by SHA-256 is one.
		for _, after := range []string{"12", "x", strings.Repeat("g", 64)} {
			r := e.do(e.email[store.RoleLenderAdmin], jsonReq("GET", users+"/"+borrower+"/tokens?after="+after, nil))
			if r.status != 400 || !strings.Contains(string(r.body), "SHA-256") {
				t.Errorf("tokens after %q: %d %s", after, r.status, r.body)
			}
		}
		if r := e.do(e.email[store.RoleLenderAdmin], jsonReq("GET", users+"?limit=1001", nil)); r.status != 400 {
			t.Errorf("users limit 1001: %d %s", r.status, r.body)
		}
		// A date range is the records of the range.
		r := e.do(officer, jsonReq("GET", f+"/ledger?from=2004-10-15&to=2004-10-15&limit=1000", nil))
		for _, tx := range r.json(t)["transactions"].([]any) {
			if vd := tx.(map[string]any)["value_date"]; vd != "2004-10-15" {
				t.Errorf("ledger from and to 2004-10-15: a transaction of %v", vd)
			}
		}
		if r := e.do(officer, jsonReq("GET", f+"/advances?from=2004-10-16", nil)); len(r.json(t)["advances"].([]any)) != 0 {
			t.Errorf("advances from 2004-10-16: %s", r.body)
		}
		if r := e.do(officer, jsonReq("GET", f+"/advances?from=2004-10-15&to=2004-10-15", nil)); len(r.json(t)["advances"].([]any)) < 5 {
			t.Errorf("advances of 2004-10-15: %s", r.body)
		}
	})
}
