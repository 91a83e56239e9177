package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"revolver/httpconv"
)

// asset is a static file, served under its own name and under a name that
// holds the hash of its content (style.3f2a9c1b0d4e.css): the pages
// reference the hashed name, which a browser may keep a year; a new
// content is a new name.
type asset struct {
	name, hashed, etag string
	content            []byte
}

// assets are the static files by name and by hashed name (read once from
// the embedded files).
var assets = loadAssets()

func loadAssets() map[string]*asset {
	out := map[string]*asset{}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		h := hex.EncodeToString(sum[:])
		ext := path.Ext(p)
		a := &asset{name: p, hashed: strings.TrimSuffix(p, ext) + "." + h[:12] + ext, etag: h[:32], content: b}
		out[a.name], out[a.hashed] = a, a
		return nil
	})
	if err != nil {
		panic(err)
	}
	return out
}

// assetURL is the URL of a static file under its hashed name (the
// templates' "asset" function).
func assetURL(name string) (string, error) {
	a, ok := assets[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + a.hashed, nil
}

// serveStatic serves a static file: under its hashed name with a
// lifetime of a year, under its own name revalidated each time; never a
// directory listing.
func serveStatic(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	a, ok := assets[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if name == a.hashed {
		w.Header().Set("Cache-Control", httpconv.Immutable)
	} else {
		w.Header().Set("Cache-Control", "public, no-cache")
	}
	if httpconv.NotModified(w, r, a.etag, time.Time{}) {
		return
	}
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(a.content))
}
