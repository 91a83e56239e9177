package httpconv

import (
	"compress/gzip"
	"mime"
	"net/http"
	"strings"
	"sync"
)

// MinGzip is the smallest body Gzip compresses: below it the bytes saved
// do not pay for the work.
const MinGzip = 4 << 10

// gzipSuffix marks the entity tag of the gzip encoding of a
// representation: another encoding is another representation, with its
// own strong tag (RFC 9110 §8.8.3).
const gzipSuffix = "-gzip"

var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression); return w }}

// Gzip compresses the answers of h of MinGzip bytes or more with gzip
// when the request accepts it and the answer is text (HTML, CSS,
// JavaScript, JSON, CSV, iCalendar, SVG, XML): never a file already
// compressed (PDF, XLSX, images), an answer with a Content-Encoding, a
// partial or empty answer. Every answer that could be compressed says
// Vary: Accept-Encoding.
func Gzip(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gw := &gzipWriter{w: w, accept: acceptsGzip(r) && r.Method != http.MethodHead}
		defer gw.close()
		h.ServeHTTP(gw, r)
	})
}

// acceptsGzip: Accept-Encoding lists gzip (or *) without q=0.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// compressible: a media type of text, which gzip shrinks.
func compressible(ct string) bool {
	t, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return strings.HasPrefix(t, "text/") || strings.HasSuffix(t, "json") || strings.HasSuffix(t, "xml") ||
		t == "application/javascript" || t == "image/svg+xml"
}

// gzipWriter holds the first MinGzip bytes of the answer back, then
// decides whether to compress it.
type gzipWriter struct {
	w       http.ResponseWriter
	accept  bool
	status  int
	buf     []byte
	decided bool
	gz      *gzip.Writer
}

func (g *gzipWriter) Header() http.Header { return g.w.Header() }

func (g *gzipWriter) WriteHeader(code int) {
	if g.decided || g.status != 0 {
		return // superfluous: the first status stands
	}
	if code < 200 {
		g.w.WriteHeader(code)
		return
	}
	g.status = code
	if code == http.StatusNoContent || code == http.StatusNotModified || code == http.StatusPartialContent {
		g.decide(false)
	}
}

func (g *gzipWriter) Write(p []byte) (int, error) {
	if !g.decided {
		g.buf = append(g.buf, p...)
		if len(g.buf) < MinGzip {
			return len(p), nil
		}
		if err := g.decide(true); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	if g.gz != nil {
		return g.gz.Write(p)
	}
	return g.w.Write(p)
}

// decide writes the header, compressed or not, and what was held back.
func (g *gzipWriter) decide(big bool) error {
	g.decided = true
	hd := g.w.Header()
	if g.status == 0 {
		g.status = http.StatusOK
	}
	ct := hd.Get("Content-Type")
	if ct == "" && len(g.buf) > 0 && hd.Get("Content-Encoding") == "" {
		ct = http.DetectContentType(g.buf)
		hd.Set("Content-Type", ct)
	}
	text := compressible(ct) && hd.Get("Content-Encoding") == "" && hd.Get("Content-Range") == ""
	if text {
		hd.Add("Vary", "Accept-Encoding")
	}
	if text && big && g.accept && g.status != http.StatusNoContent && g.status != http.StatusNotModified && g.status != http.StatusPartialContent {
		hd.Set("Content-Encoding", "gzip")
		hd.Del("Content-Length")
		if et := hd.Get("ETag"); strings.HasPrefix(et, `"`) && strings.HasSuffix(et, `"`) && len(et) >= 2 {
			hd.Set("ETag", et[:len(et)-1]+gzipSuffix+`"`)
		}
		g.gz = gzipPool.Get().(*gzip.Writer)
		g.gz.Reset(g.w)
		g.w.WriteHeader(g.status)
		_, err := g.gz.Write(g.buf)
		g.buf = nil
		return err
	}
	g.w.WriteHeader(g.status)
	var err error
	if len(g.buf) > 0 {
		_, err = g.w.Write(g.buf)
	}
	g.buf = nil
	return err
}

// Flush sends what is held back (compressed if it is large enough).
func (g *gzipWriter) Flush() {
	if !g.decided {
		g.decide(len(g.buf) >= MinGzip)
	}
	if g.gz != nil {
		g.gz.Flush()
	}
	http.NewResponseController(g.w).Flush()
}

// Unwrap gives http.ResponseController the underlying writer.
func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.w }

func (g *gzipWriter) close() {
	if !g.decided {
		if g.status == 0 && len(g.buf) == 0 {
			return // nothing written: net/http answers 200 with no body
		}
		g.decide(false)
	}
	if g.gz != nil {
		g.gz.Close()
		g.gz.Reset(nil)
		gzipPool.Put(g.gz)
		g.gz = nil
	}
}
