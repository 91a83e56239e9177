package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"revolver/auth"
	"revolver/httpapi"
	"revolver/store"
	"revolver/store/testdb"
)

// TestSessionCookieOnTheBrowsersClock: on a clock years off the wall
// clock (the demo's runs in 2006), the session cookie still lives its
// twelve hours in the browser: Max-Age, no Expires.
func TestSessionCookieOnTheBrowsersClock(t *testing.T) {
	ctx := context.Background()
	st := testdb.SQLite(t)
	var acc store.Accounts = st
	h, _ := auth.HashPassword("a-long-password", fastHash)
	if _, err := acc.CreateUser(ctx, store.User{Email: "ann@bank.example", Role: store.RoleLenderOfficer, PasswordHash: h, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	then := time.Date(2006, 12, 31, 17, 0, 0, 0, time.UTC)
	api, err := httpapi.New(httpapi.Config{Store: st, Now: func() time.Time { return then }})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/api/v1/session", strings.NewReader(`{"email":"ann@bank.example","password":"a-long-password"}`))
	r.Header.Set("Content-Type", "application/json")
	api.ServeHTTP(rec, r)
	if rec.Code != http.StatusCreated {
		t.Fatalf("sign-in: %d %s", rec.Code, rec.Body)
	}
	ck := rec.Header().Get("Set-Cookie")
	if !strings.Contains(ck, "Max-Age=43200") || strings.Contains(ck, "Expires=") {
		t.Errorf("Set-Cookie %q: want Max-Age=43200 and no Expires", ck)
	}
}
