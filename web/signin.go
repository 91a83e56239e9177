package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"revolver/store"
)

type signInPage struct {
	Email string
	Next  string
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	rq := &req{s: s, w: w, r: r}
	if u, _, err := s.session(r); err == nil && u.ID != 0 {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	v := rq.view("Sign in", "", signInPage{Next: safeNext(r.URL.Query().Get("next"))})
	if err := rq.render(http.StatusOK, "signin", v); err != nil {
		rq.fail(err)
	}
}

// safeNext keeps a redirect target on this site.
func safeNext(n string) string {
	if !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") || strings.HasPrefix(n, "/\\") {
		return "/"
	}
	return n
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	rq := &req{s: s, w: w, r: r}
	if err := r.ParseForm(); err != nil {
		rq.fail(userErr(http.StatusBadRequest, "The form could not be read: try again."))
		return
	}
	email, next := r.PostFormValue("email"), safeNext(r.PostFormValue("next"))
	form := url.Values{"email": {email}, "password": {r.PostFormValue("password")}}
	r2, _ := http.NewRequestWithContext(r.Context(), http.MethodPost, "/api/v1/session", strings.NewReader(form.Encode()))
	r2.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r2.RemoteAddr, r2.TLS = r.RemoteAddr, r.TLS
	rec := &recorder{h: http.Header{}}
	s.api.ServeHTTP(rec, r2)
	if rec.status == http.StatusCreated {
		for _, c := range rec.h.Values("Set-Cookie") {
			ck, err := http.ParseSetCookie(c)
			if err != nil {
				continue
			}
			// The cookie lasts as long as the session, counted from now
			// on the browser's clock (the server's clock may be set to
			// another day, as in the demo).
			if !ck.Expires.IsZero() {
				ck.MaxAge = max(1, int(ck.Expires.Sub(s.now()).Seconds()))
				ck.Expires = time.Time{}
			}
			http.SetCookie(w, ck)
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	msg := "The email or the password is wrong. Check them and try again."
	status := http.StatusUnauthorized
	switch rec.status {
	case http.StatusTooManyRequests:
		status = rec.status
		msg = "Too many failed sign-ins. Wait a few minutes and try again, or ask an administrator to check your account."
	case http.StatusBadRequest:
		status = rec.status
		msg = "Enter your email and your password."
	case http.StatusUnauthorized:
	default:
		status = http.StatusInternalServerError
		msg = "Signing in failed on our side. Try again in a moment."
	}
	v := rq.view("Sign in", "", signInPage{Email: email, Next: next})
	v.Error = msg
	if err := rq.render(status, "signin", v); err != nil {
		rq.fail(err)
	}
}

func (s *Server) signOut(rq *req) error {
	rec, err := rq.callAPI(http.MethodDelete, "/api/v1/session", "", nil, nil)
	if err != nil {
		return err
	}
	for _, c := range rec.h.Values("Set-Cookie") {
		rq.w.Header().Add("Set-Cookie", c)
	}
	http.Redirect(rq.w, rq.r, "/sign-in", http.StatusSeeOther)
	return nil
}

// home: lenders and auditors see the portfolio; a borrower goes to their
// facility (or chooses among theirs).
func (s *Server) home(rq *req) error {
	if rq.user.Role == store.RoleBorrower && len(rq.user.Facilities) == 1 {
		return rq.redirect("/facilities/"+url.PathEscape(rq.user.Facilities[0]), "")
	}
	return s.portfolioPage(rq)
}
