package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"revolver/date"
	"revolver/money"
	"revolver/store"
)

var funcs = template.FuncMap{
	// dict makes a map of key, value pairs (a sub-template's arguments).
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m[k] = kv[i+1]
		}
		return m
	},
	// asset is the URL of a static file under its hashed name.
	"asset": assetURL,
	// amount formats an amount with thousands separators and two
	// decimals; a negative amount is marked with a minus sign and the
	// class "neg" (see the stylesheet).
	"amount": func(a money.Amount) template.HTML {
		if a < 0 {
			return template.HTML(`<span class="neg">−` + template.HTMLEscapeString((-a).Grouped()) + `</span>`)
		}
		return template.HTML(template.HTMLEscapeString(a.Grouped()))
	},
	"amountp": func(a *money.Amount) template.HTML {
		if a == nil {
			return "—"
		}
		if *a < 0 {
			return template.HTML(`<span class="neg">−` + template.HTMLEscapeString((-*a).Grouped()) + `</span>`)
		}
		return template.HTML(template.HTMLEscapeString(a.Grouped()))
	},
	// figure formats an engine's figure string ("1234.56", "-5.00",
	// "0.8812" or "" when undetermined).
	"figure": figureHTML,
	// rowFigures are a warning's rows (figures named "row"), listed apart
	// from its figures.
	"rowFigures": func(fs []store.WarningFigure) []string {
		var out []string
		for _, f := range fs {
			if f.Name == "row" {
				out = append(out, f.Value)
			}
		}
		return out
	},
	// opt is a stored figure that may be undetermined (nil).
	"opt": func(s *string) template.HTML {
		if s == nil {
			return figureHTML("")
		}
		return figureHTML(*s)
	},
	"date": func(d date.Date) template.HTML {
		if d == 0 {
			return "—"
		}
		return template.HTML(`<time datetime="` + d.String() + `">` + d.String() + `</time>`)
	},
	"longdate": func(d date.Date) string {
		if d == 0 {
			return "—"
		}
		return d.Time().Format("Monday 2 January 2006")
	},
	"month": func(d date.Date) string { return d.Time().Format("January 2006") },
	"ts": func(t time.Time) template.HTML {
		if t.IsZero() {
			return "—"
		}
		u := t.UTC()
		return template.HTML(`<time datetime="` + u.Format(time.RFC3339) + `">` + u.Format("2006-01-02 15:04 UTC") + `</time>`)
	},
	"tsin": func(t *time.Time) string {
		if t == nil {
			return "—"
		}
		return t.Format("2006-01-02 15:04 MST")
	},
	"path":     url.PathEscape,
	"query":    url.QueryEscape,
	"indent":   func(depth int) string { return fmt.Sprintf("d%d", min(depth, 6)) },
	"upper":    strings.ToUpper,
	"humanize": humanize,
	"add":      func(a, b int) int { return a + b },
	// list makes a list of its arguments (to range over).
	"list":   func(xs ...any) []any { return xs },
	"status": func(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "-")) },
	"join":   strings.Join,
	// short cuts a text to n characters for a narrow column (the whole
	// text goes in a title).
	"short": func(s string, n int) string {
		if r := []rune(s); len(r) > n {
			return string(r[:n-1]) + "…"
		}
		return s
	},
}

// figureHTML formats a decimal string of an engine: amounts (two
// decimals) are grouped; other decimals are shown as they are.
func figureHTML(v string) template.HTML {
	if v == "" {
		return `<span class="undetermined">undetermined</span>`
	}
	neg := strings.HasPrefix(v, "-")
	if a, err := money.ParseAmount(strings.TrimPrefix(v, "-")); err == nil && strings.Count(v, ".") == 1 && len(v)-strings.Index(v, ".") == 3 {
		if neg {
			return template.HTML(`<span class="neg">−` + template.HTMLEscapeString(a.Grouped()) + `</span>`)
		}
		return template.HTML(template.HTMLEscapeString(a.Grouped()))
	}
	if neg {
		return template.HTML(`<span class="neg">−` + template.HTMLEscapeString(v[1:]) + `</span>`)
	}
	return template.HTML(template.HTMLEscapeString(v))
}

// humanize turns an identifier such as "lc_outstanding" into words.
func humanize(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (s *Server) parseTemplates() error {
	s.pages = map[string]*template.Template{}
	base, err := template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return err
	}
	entries, err := templateFS.ReadDir("templates")
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".html")
		if name == "layout" {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if _, err := t.ParseFS(templateFS, "templates/"+e.Name()); err != nil {
			return err
		}
		s.pages[name] = t
	}
	return nil
}
