package web

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"revolver/auth"
)

// countingBody is a request body of n bytes of multipart form, generated
// as it is read, that counts what was read of it.
type countingBody struct {
	r    io.Reader
	read int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read += int64(n)
	return n, err
}

const uploadBoundary = "revolverboundary"

// bigUpload is a multipart form whose first field is csrf_token (tok)
// followed by a file part of size bytes.
func bigUpload(tok string, size int64) *countingBody {
	head := fmt.Sprintf("--%s\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n%s\r\n--%s\r\nContent-Disposition: form-data; name=\"as_of\"\r\n\r\n2004-10-03\r\n--%s\r\nContent-Disposition: form-data; name=\"receivables\"; filename=\"r.csv\"\r\nContent-Type: text/csv\r\n\r\n",
		uploadBoundary, tok, uploadBoundary, uploadBoundary)
	tail := fmt.Sprintf("\r\n--%s--\r\n", uploadBoundary)
	return &countingBody{r: io.MultiReader(strings.NewReader(head), io.LimitReader(zeros{}, size), strings.NewReader(tail))}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func (c *client) sessionCookie() string {
	for _, ck := range c.http.Jar.Cookies(mustURL(c.e.srv.URL)) {
		if ck.Name == auth.SessionCookie {
			return ck.Value
		}
	}
	c.t.Fatal("no session cookie")
	return ""
}

// TestUploadRefusedBeforeRead pins the sweep's finding: the multipart body
// was parsed to find the CSRF token before the token and the role were
// checked, and its temporary files were left behind (six 60 MiB requests
// of a read-only analyst with a wrong token left 377 MB). Now a refused
// upload is read no further than its first field, and no upload leaves a
// file in the temporary directory.
func TestUploadRefusedBeforeRead(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	e := newEnv(t)
	analyst := e.signIn(t, "analyst@bank.example")
	borrower := e.signIn(t, "controller@btu.example")
	const size = 60 << 20
	for _, tc := range []struct {
		name   string
		c      *client
		tok    string
		status int
		most   int64 // bytes of the body read at most
	}{
		{"read-only analyst, wrong token", analyst, "wrong", http.StatusForbidden, 64 << 10},
		{"read-only analyst, right token", analyst, analyst.csrf, http.StatusForbidden, 64 << 10},
		{"borrower, wrong token", borrower, "wrong", http.StatusForbidden, 64 << 10},
		// Allowed: read (up to the 64 MiB limit), refused as a report,
		// its temporary file removed.
		{"borrower, right token", borrower, borrower.csrf, http.StatusBadRequest, size + 1<<20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := bigUpload(tc.tok, size)
			r := httptest.NewRequest(http.MethodPost, "/facilities/btu/certificates", body)
			r.Header.Set("Content-Type", "multipart/form-data; boundary="+uploadBoundary)
			r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: tc.c.sessionCookie()})
			w := httptest.NewRecorder()
			e.web.ServeHTTP(w, r)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %.300s", w.Code, tc.status, w.Body.String())
			}
			if body.read > tc.most {
				t.Fatalf("read %d bytes of the body, want at most %d", body.read, tc.most)
			}
			t.Logf("%s: %d, %d bytes of %d read", tc.name, w.Code, body.read, size)
			left, _ := os.ReadDir(tmp)
			if len(left) != 0 {
				t.Fatalf("files left in the temporary directory: %v", left)
			}
		})
	}
}
