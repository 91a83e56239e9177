package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"revolver/store"
)

type countingBody struct {
	r    io.Reader
	read int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read += int64(n)
	return n, err
}

type filler struct{}

func (filler) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// bigUpload is a certificate upload whose first field is csrf_token (tok)
// and whose receivables are size bytes, generated as they are read.
func bigUpload(tok string, size int64) *countingBody {
	const b = "revolverboundary"
	head := fmt.Sprintf("--%s\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n%s\r\n--%s\r\nContent-Disposition: form-data; name=\"as_of\"\r\n\r\n2004-10-03\r\n--%s\r\nContent-Disposition: form-data; name=\"receivables\"; filename=\"r.csv\"\r\nContent-Type: text/csv\r\n\r\n", b, tok, b, b)
	return &countingBody{r: io.MultiReader(strings.NewReader(head), io.LimitReader(filler{}, size), strings.NewReader("\r\n--"+b+"--\r\n"))}
}

// TestUploadRefusedBeforeRead: a multipart upload signed in by cookie has
// its CSRF token (its first field) and the caller's role checked before
// the body is read (the sweep: the body was parsed, and its temporary
// files left, before either check); nothing is left in the temporary
// directory.
func TestUploadRefusedBeforeRead(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	e := newEnv(t, openSQLite)
	analyst, borrower := e.signInCookie(store.RoleLenderAnalyst), e.signInCookie(store.RoleBorrower)
	csrf := func(cookie string) string {
		r := e.do("", req{method: "GET", path: "/api/v1/me", header: map[string]string{"Cookie": cookie}})
		return r.json(t)["csrf_token"].(string)
	}
	const size = 60 << 20
	for _, tc := range []struct {
		name, cookie, tok string
		status            int
		most              int64
	}{
		{"read-only analyst, wrong token", analyst, "wrong", http.StatusForbidden, 64 << 10},
		{"read-only analyst, right token", analyst, csrf(analyst), http.StatusForbidden, 64 << 10},
		{"borrower, wrong token", borrower, "wrong", http.StatusForbidden, 64 << 10},
		{"borrower, right token, beyond the upload limit", borrower, csrf(borrower), http.StatusRequestEntityTooLarge, 9 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := bigUpload(tc.tok, size)
			r := httptest.NewRequest(http.MethodPost, "/api/v1/facilities/"+own+"/borrowing-base-certificates", body)
			r.Header.Set("Content-Type", "multipart/form-data; boundary=revolverboundary")
			r.Header.Set("Cookie", tc.cookie)
			w := httptest.NewRecorder()
			e.srv.ServeHTTP(w, r)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			if body.read > tc.most {
				t.Fatalf("read %d bytes of the body, want at most %d", body.read, tc.most)
			}
			t.Logf("%d, %d bytes of %d read", w.Code, body.read, size)
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Fatalf("files left in the temporary directory: %v", left)
			}
		})
	}
}
