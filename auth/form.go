package auth

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
)

// firstPartPeek is how much of a multipart body FirstPartValue reads.
const firstPartPeek = 8 << 10

// FirstPartValue returns the value of a multipart/form-data body's first
// part if it is the form field name (not a file), reading no more than
// the first 8 KiB of the body and putting them back in front of the rest,
// so that the handler reads the whole body after. It lets a CSRF token be
// checked before a large upload is read: the token must be the form's
// first field ("" if it is not, or the body is not multipart).
func FirstPartValue(r *http.Request, name string) string {
	ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" || params["boundary"] == "" || r.Body == nil {
		return ""
	}
	head := make([]byte, firstPartPeek)
	n, _ := io.ReadFull(r.Body, head)
	head = head[:n]
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), r.Body), r.Body}
	p, err := multipart.NewReader(bytes.NewReader(head), params["boundary"]).NextPart()
	if err != nil || p.FormName() != name || p.FileName() != "" {
		return ""
	}
	v, err := io.ReadAll(io.LimitReader(p, 1024))
	if err != nil {
		return ""
	}
	return string(v)
}
