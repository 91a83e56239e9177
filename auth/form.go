package auth

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/netip"
	"strings"
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

// ClientAddress is the address of the client of r, as the sign-in limits
// count it: the connection's peer, unless the peer is one of the trusted
// proxies, in which case the proxies' X-Forwarded-For is read from its end
// and the first address not of a trusted proxy is the client (what a
// client writes at the start of the header itself is never believed).
// With no trusted proxy, X-Forwarded-For is ignored.
func ClientAddress(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	isTrusted := func(s string) bool {
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			return false
		}
		a = a.Unmap()
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	if len(trusted) == 0 || !isTrusted(host) {
		return host
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		a, err := netip.ParseAddr(h)
		if err != nil {
			return host // a malformed hop: the last trusted proxy is the client
		}
		if !isTrusted(h) {
			return a.Unmap().String()
		}
	}
	return host
}

// ParseTrustedProxies reads addresses or CIDR prefixes of proxies.
func ParseTrustedProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		for _, f := range strings.Split(s, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			if p, err := netip.ParsePrefix(f); err == nil {
				out = append(out, p.Masked())
				continue
			}
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: expected an address or a CIDR prefix such as 10.0.0.0/8", f)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return out, nil
}
