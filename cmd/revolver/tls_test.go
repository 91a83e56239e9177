package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"revolver/store/dial"
)

// selfSigned writes a self-signed certificate for 127.0.0.1 and its key
// (PEM) and returns their paths and a pool trusting it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(c)
	return certFile, keyFile, pool
}

// TestServeTLS: `revolver serve --tls-cert --tls-key` answers over TLS
// with Strict-Transport-Security on the pages, the API and its 404, and
// marks the session cookies of the API's and the page's sign-in Secure.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "tls.db")
	if _, err := revolver(t, "", "migrate", "--db", db); err != nil {
		t.Fatal(err)
	}
	if _, err := revolver(t, "s3cret-password\n", "user", "add", "--email", "ann@bank.example", "--role", "lender_officer", "--password-stdin", "--db", db); err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, pool := selfSigned(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := dial.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	addr := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, st, serveOptions{addr: "127.0.0.1:0", tlsCert: certFile, tlsKey: keyFile}, func(a net.Addr) { addr <- a })
	}()
	var base string
	select {
	case a := <-addr:
		base = "https://" + a.String()
	case err := <-done:
		t.Fatal(err)
	}
	cl := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer cl.CloseIdleConnections()
	do := func(method, path, ctype, body string) *http.Response {
		t.Helper()
		r, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if ctype != "" {
			r.Header.Set("Content-Type", ctype)
		}
		resp, err := cl.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.TLS == nil {
			t.Fatalf("%s %s: not over TLS", method, path)
		}
		if got := resp.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=31536000") {
			t.Errorf("%s %s: Strict-Transport-Security %q", method, path, got)
		}
		return resp
	}
	for _, p := range []string{"/sign-in", "/api/v1/health", "/api/v1/no-such-route", "/no-such-page"} {
		do("GET", p, "", "")
	}
	secure := func(what string, resp *http.Response) {
		t.Helper()
		found := false
		for _, c := range resp.Cookies() {
			if c.Name == "revolver_session" {
				found = true
				if !c.Secure || !c.HttpOnly {
					t.Errorf("%s: session cookie Secure %v HttpOnly %v", what, c.Secure, c.HttpOnly)
				}
			}
		}
		if !found {
			t.Errorf("%s: %d without a session cookie: %v", what, resp.StatusCode, resp.Header)
		}
	}
	api := do("POST", "/api/v1/session", "application/json", `{"email":"ann@bank.example","password":"s3cret-password"}`)
	if api.StatusCode != http.StatusCreated {
		t.Fatalf("API sign-in: %d", api.StatusCode)
	}
	secure("API sign-in", api)
	if cc := api.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("API sign-in: Cache-Control %q", cc)
	}
	// The page's sign-in: its form carries the sign-in token that the
	// page's cookie (Secure over TLS) holds too.
	pr, _ := http.NewRequest("GET", base+"/sign-in", nil)
	page, err := cl.Do(pr)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	tok := regexp.MustCompile(`name="signin_token" value="([^"]+)"`).FindSubmatch(body)
	if tok == nil {
		t.Fatalf("sign-in page without its token: %s", body)
	}
	found := false
	for _, c := range page.Cookies() {
		if c.Name == "revolver_signin" {
			found = true
			if !c.Secure || !c.HttpOnly {
				t.Errorf("sign-in page: cookie %s Secure %v HttpOnly %v", c.Name, c.Secure, c.HttpOnly)
			}
		}
	}
	if !found {
		t.Error("sign-in page: no sign-in cookie")
	}
	form := url.Values{"email": {"ann@bank.example"}, "password": {"s3cret-password"}, "signin_token": {string(tok[1])}}
	r, _ := http.NewRequest("POST", base+"/sign-in", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range page.Cookies() {
		r.AddCookie(c)
	}
	resp, err := cl.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("page sign-in: %d", resp.StatusCode)
	}
	secure("page sign-in", resp)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
