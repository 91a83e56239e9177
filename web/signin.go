package web

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"revolver/app"
	"revolver/auth"
	"revolver/observe"
	"revolver/store"
)

type signInPage struct {
	Email string
	Next  string
	// Token is the sign-in form's CSRF token (signInToken).
	Token string
}

// signInCookie holds the sign-in form's CSRF token before there is a
// session: the form carries the same value (field signin_token), which a
// page of another site cannot read, so it cannot sign a browser in to an
// account of its choosing (login CSRF). The cookie lives twelve hours on
// the browser's clock, only for /sign-in.
const signInCookie = "revolver_signin"

var signInTokenRe = regexp.MustCompile(`^[A-Za-z0-9_-]{32}$`)

// signInToken is the browser's sign-in token, set in a cookie if it has
// none (or fresh: a new one).
func (s *Server) signInToken(w http.ResponseWriter, r *http.Request, fresh bool) string {
	if ck, err := r.Cookie(signInCookie); err == nil && !fresh && signInTokenRe.MatchString(ck.Value) {
		return ck.Value
	}
	tok := auth.Random("", 24)
	http.SetCookie(w, &http.Cookie{Name: signInCookie, Value: tok, Path: "/sign-in", MaxAge: 12 * 3600, HttpOnly: true,
		Secure: r.TLS != nil || s.secureCookies, SameSite: http.SameSiteStrictMode})
	return tok
}

// signInFormOK: the form's sign-in token is the cookie's.
func signInFormOK(r *http.Request) bool {
	ck, err := r.Cookie(signInCookie)
	tok := r.PostFormValue("signin_token")
	return err == nil && signInTokenRe.MatchString(ck.Value) && auth.Equal(ck.Value, tok)
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	rq := &req{s: s, w: w, r: r}
	if u, _, err := s.session(r); err == nil && u.ID != 0 {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	v := rq.view("Sign in", "", signInPage{Next: safeNext(r.URL.Query().Get("next")), Token: s.signInToken(w, r, false)})
	if err := rq.render(http.StatusOK, "signin", v); err != nil {
		rq.fail(err)
	}
}

// safeNext keeps a redirect target on this site.
func safeNext(n string) string {
	// Only a path of this site: no scheme or host, no backslash, no
	// control character (a browser drops a tab or a newline and reads
	// "/\t/evil" as "//evil"), not starting with two slashes once decoded.
	if !strings.HasPrefix(n, "/") || strings.ContainsAny(n, "\\") || strings.IndexFunc(n, unicode.IsControl) >= 0 {
		return "/"
	}
	u, err := url.Parse(n)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	if p, err := url.PathUnescape(u.EscapedPath()); err != nil || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\") || strings.IndexFunc(p, unicode.IsControl) >= 0 {
		return "/"
	}
	return n
}

// sessionCookie is the session cookie with value v lasting maxAge seconds
// (-1: remove it). The browser counts its life on its own clock: Max-Age,
// not Expires, which would be on revolver's clock (a configured one may be
// years off the wall clock, as the demo's is).
func (s *Server) sessionCookie(r *http.Request, v string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: auth.SessionCookie, Value: v, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: r.TLS != nil || s.secureCookies, SameSite: http.SameSiteLaxMode}
}

// signIn checks the email and the password through the use case
// (app.Service.SignIn: the sign-in limits and the audit record of every
// attempt) and sets the session cookie.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	rq := &req{s: s, w: w, r: r}
	if err := r.ParseForm(); err != nil {
		rq.fail(userErr(http.StatusBadRequest, "The form could not be read: try again."))
		return
	}
	email, next := r.PostFormValue("email"), safeNext(r.PostFormValue("next"))
	w.Header().Set("Cache-Control", "no-store")
	status, msg := http.StatusBadRequest, "Enter your email and your password."
	formOK := signInFormOK(r)
	if !formOK {
		// Not checked, not counted, not audited: nobody tried a password.
		status, msg = http.StatusForbidden, "This sign-in form did not come from this site, or it is too old. Sign in again on this page."
	} else if strings.TrimSpace(email) != "" && r.PostFormValue("password") != "" {
		rq.reqID = observe.RequestID(rq.r)
		ctx := app.WithActor(r.Context(), app.Actor{RequestID: rq.reqID, Via: "web " + r.Pattern})
		out, err := s.svc.SignIn(ctx, app.SignIn{Email: email, Password: r.PostFormValue("password"), Address: auth.ClientAddress(r, s.trustedProxies), TTL: s.sessionTTL})
		var se *app.SignInError
		switch {
		case err == nil:
			http.SetCookie(w, s.sessionCookie(r, out.Token, max(1, int(out.Session.Expires.Sub(out.Session.Created).Seconds()))))
			http.SetCookie(w, &http.Cookie{Name: signInCookie, Value: "", Path: "/sign-in", MaxAge: -1, HttpOnly: true,
				Secure: r.TLS != nil || s.secureCookies, SameSite: http.SameSiteStrictMode})
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		case errors.As(err, &se) && se.Code == app.CodeRateLimited:
			status, msg = http.StatusTooManyRequests, "Too many failed sign-ins. Wait a few minutes and try again, or ask an administrator to check your account."
		case errors.As(err, &se) && se.Disabled:
			status, msg = http.StatusUnauthorized, "This account is disabled. Ask an administrator to enable it."
		case errors.As(err, &se):
			status, msg = http.StatusUnauthorized, "The email or the password is wrong. Check them and try again."
		case store.ErrorCode(err) == store.CodeInvalid:
			status, msg = http.StatusBadRequest, "Enter your email and your password (an email of at most 254 characters)."
		default:
			s.log.Error("sign in", "err", err)
			status, msg = http.StatusInternalServerError, "Signing in failed on our side. Try again in a moment."
		}
	}
	v := rq.view("Sign in", "", signInPage{Email: email, Next: next, Token: s.signInToken(w, r, !formOK)})
	v.Error = msg
	if err := rq.render(status, "signin", v); err != nil {
		rq.fail(err)
	}
}

// signOut ends the session through the use case (app.Service.SignOut,
// audited as session sign_out) and removes the cookie.
func (s *Server) signOut(rq *req) error {
	if err := s.svc.SignOut(rq.actx(), rq.user, rq.sess); err != nil {
		return err
	}
	http.SetCookie(rq.w, s.sessionCookie(rq.r, "", -1))
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
