package httpapi_test

import (
	"context"
	"testing"
	"time"

	"revolver/auth"
	"revolver/store"
)

// TestKeptCallers: a read request whose token's caller this server has
// already looked up is answered without looking it up again when its read
// state's accounts' version confirms it (the lookup's table is renamed
// away and the answer still comes), is confirmed by a lookup otherwise
// (which then fails), and sees at once, as a request to another process
// would, each change made outside this server: a grant moved, a token
// revoked (a file its handler sends is refused too), a user disabled
// (refused 401 even where the route would have refused the kept caller
// otherwise).
func TestKeptCallers(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			e := newEnv(t, be.open)
			ctx := context.Background()
			exec := func(q string) {
				t.Helper()
				if _, err := e.db.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			want := func(what string, r resp, status int) {
				t.Helper()
				if r.status != status {
					t.Fatalf("%s: %d %s, want %d", what, r.status, r.body, status)
				}
			}
			b := e.email[store.RoleBorrower]
			avail := func(slug string) req {
				return req{method: "GET", path: "/api/v1/facilities/" + slug + "/availability?as_of=2004-10-15"}
			}
			me := req{method: "GET", path: "/api/v1/me"}
			want("first", e.do(b, avail(own)), 200)

			exec(`ALTER TABLE api_tokens RENAME TO api_tokens_away`)
			want("kept, confirmed by the read state", e.do(b, avail(own)), 200)
			if r := e.do(b, me); r.status < 500 {
				t.Fatalf("a route without a read state, its lookup failing: %d %s, want 5xx", r.status, r.body)
			}
			exec(`ALTER TABLE api_tokens_away RENAME TO api_tokens`)
			want("me", e.do(b, me), 200)

			// A change to someone else's access: confirmed by a lookup.
			off, err := e.acc.UserByEmail(ctx, e.email[store.RoleLenderOfficer])
			if err != nil {
				t.Fatal(err)
			}
			_, sum := auth.NewToken()
			if err := e.acc.CreateToken(ctx, off.ID, sum, time.Now(), time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			want("after another's new token", e.do(b, avail(own)), 200)

			// The borrower's facility changed, through the store.
			u, err := e.acc.UserByEmail(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.acc.SetAccess(ctx, u.ID, store.RoleBorrower, []string{other}, time.Now(), nil); err != nil {
				t.Fatal(err)
			}
			want("the facility no longer granted", e.do(b, avail(own)), 404)
			want("the facility granted", e.do(b, avail(other)), 200)

			// A file (not JSON) is sent by its handler: confirmed first too.
			ics := req{method: "GET", path: "/api/v1/facilities/" + other + "/deadlines?as_of=2004-10-15&format=ics"}
			want("the deadlines as a file", e.do(b, ics), 200)
			if _, err := e.acc.RevokeToken(ctx, auth.SHA256(e.token[b]), time.Now(), nil); err != nil {
				t.Fatal(err)
			}
			if r := e.do(b, ics); r.status != 401 || r.code() != "unauthorized" {
				t.Fatalf("a revoked token asking for a file: %d %.200s, want 401 unauthorized", r.status, r.body)
			}
			if r := e.do(b, avail(other)); r.status != 401 || r.code() != "unauthorized" {
				t.Fatalf("a revoked token: %d %s, want 401 unauthorized", r.status, r.body)
			}

			// Refused before its answer (no such facility), a kept caller is
			// confirmed all the same.
			want("the officer", e.do(off.Email, avail(own)), 200)
			if err := e.acc.SetUserDisabled(ctx, off.ID, true, time.Now(), nil); err != nil {
				t.Fatal(err)
			}
			if r := e.do(off.Email, avail("no-such-facility")); r.status != 401 {
				t.Fatalf("a disabled user's kept token on a route that refuses: %d %s, want 401", r.status, r.body)
			}
		})
	}
}
