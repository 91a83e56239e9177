package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/store"
)

// knownAtForm is a page's "As known at" control: the end of business of
// the as-of date (the default), now (every fact recorded so far), or a
// time given; read by the one rule (app.Service.ResolveKnownAt), as the
// API reads known_at.
type knownAtForm struct {
	Rule  string // app.KnownEndOfBusiness, app.KnownNow or app.KnownGiven
	Given string // the time given, as typed
	// At is the time the page's figures are known at; EndOfBusiness what
	// the default means for the as-of date (Ended: its business ended
	// before now).
	At time.Time
	// Read is the time the use cases read the figures at (app.KnownAt.Read:
	// every committed record for now).
	Read          time.Time
	EndOfBusiness time.Time
	Ended         bool
	// Err names what was wrong with the time given (the page then shows
	// the figures as known at the end of business).
	Err string
}

// knownAt reads the control from the query: known (the rule) and
// known_at (the time given; known_at alone, as in the API's links, is a
// time given).
func (rq *req) knownAt(asOf date.Date) knownAtForm {
	q := rq.r.URL.Query()
	f := knownAtForm{Rule: strings.TrimSpace(q.Get("known")), Given: strings.TrimSpace(q.Get("known_at"))}
	ctx, slug := rq.r.Context(), rq.fac.Slug
	eob, err := rq.s.svc.ResolveKnownAt(ctx, slug, asOf, "")
	if err != nil {
		rq.s.log.Error("known at", "err", err)
		eob.At, eob.Now = rq.s.now(), true
	}
	f.EndOfBusiness = eob.At
	f.Ended = asOf < rq.today()
	if f.Rule == "" && f.Given != "" {
		f.Rule = app.KnownGiven
	}
	switch f.Rule {
	case app.KnownNow:
		k, err := rq.s.svc.ResolveKnownAt(ctx, slug, asOf, app.KnownNow)
		if err == nil {
			f.At, f.Read = k.At, k.Read()
			return f
		}
		rq.s.log.Error("known at", "err", err)
		f.Err = "As known at: now could not be read; the figures are as known at the end of business."
	case app.KnownGiven:
		if f.Given == "" {
			f.Err = "As known at, a given time: enter a date and time (UTC) such as 2006-12-05 17:00, or choose another option."
			break
		}
		k, err := rq.s.svc.ResolveKnownAt(ctx, slug, asOf, f.Given)
		if err == nil {
			f.At, f.Read = k.At, k.Read()
			return f
		}
		if store.ErrorCode(err) != store.CodeInvalid {
			rq.s.log.Error("known at", "err", err)
		}
		f.Err = fmt.Sprintf("As known at, a given time: %q is not a time. Enter a date and time in UTC such as 2006-12-05 17:00, a date alone (the end of its business) or an RFC 3339 time.", f.Given)
	case "", app.KnownEndOfBusiness:
	default:
		f.Err = "As known at: choose the end of business, now or a given time."
	}
	if f.Err != "" {
		rq.status = http.StatusBadRequest
	}
	f.Rule, f.At, f.Read = app.KnownEndOfBusiness, eob.At, eob.Read()
	return f
}
