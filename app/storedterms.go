package app

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"revolver/agreement"
	"revolver/date"
	"revolver/store"
)

// Document kinds kept with a facility: the agreement files (read by the
// agreement engine) and the lender's records of events of default.
const (
	DocAgreement      = "agreement"
	DocAmendment      = "amendment"
	DocEventOfDefault = "event_of_default"
	DocWaiver         = "waiver"
)

// DefaultRecord is the content of an event_of_default or waiver document.
type DefaultRecord struct {
	Event string    `json:"event"` // the event of default's id in the terms, e.g. "7.1(a)"
	Date  date.Date `json:"date"`  // occurred (event) or waived from (waiver)
	Note  string    `json:"note,omitempty"`
}

// StoredTerms reads a facility's terms from the agreement documents
// stored with it (agreement.Parse) and whether an event of default
// continues from the event and waiver records. It implements Terms. Parsed
// agreements are cached; the cache is checked against the stored document
// list at most every TTL (and at once after Invalidate).
type StoredTerms struct {
	Store store.Store
	TTL   time.Duration // default one second

	mu    sync.Mutex
	cache map[string]*agreementEntry
}

type agreementEntry struct {
	key     string
	checked time.Time
	fac     *agreement.Facility
	events  []eventRecord
	mu      sync.Mutex
	terms   map[date.Date]*agreement.Terms
}

type eventRecord struct {
	waiver     bool
	recordedAt time.Time
	DefaultRecord
}

// Invalidate drops the cached agreement of a facility.
func (a *StoredTerms) Invalidate(slug string) {
	a.mu.Lock()
	delete(a.cache, slug)
	a.mu.Unlock()
}

func (a *StoredTerms) entry(ctx context.Context, slug string) (*agreementEntry, error) {
	ttl := a.TTL
	if ttl == 0 {
		ttl = time.Second
	}
	a.mu.Lock()
	if a.cache == nil {
		a.cache = map[string]*agreementEntry{}
	}
	e := a.cache[slug]
	a.mu.Unlock()
	if e != nil && time.Since(e.checked) < ttl {
		return e, nil
	}
	docs, err := a.Store.Documents(ctx, slug)
	if err != nil {
		return nil, err
	}
	var keyb strings.Builder
	for _, d := range docs {
		keyb.WriteString(d.ID + "=" + d.SHA256 + ";")
	}
	key := keyb.String()
	if e != nil && e.key == key {
		a.mu.Lock()
		e.checked = time.Now()
		a.mu.Unlock()
		return e, nil
	}
	ne := &agreementEntry{key: key, checked: time.Now(), terms: map[date.Date]*agreement.Terms{}}
	var files []agreement.File
	for _, d := range docs {
		switch d.Kind {
		case DocAgreement, DocAmendment, DocEventOfDefault, DocWaiver:
		default:
			continue
		}
		full, err := a.Store.Document(ctx, slug, d.ID)
		if err != nil {
			return nil, err
		}
		switch d.Kind {
		case DocAgreement, DocAmendment:
			files = append(files, agreement.NewFile(d.ID, full.Content))
		default:
			var r DefaultRecord
			if err := json.Unmarshal(full.Content, &r); err != nil {
				return nil, fmt.Errorf("facility %q document %s: %w", slug, d.ID, err)
			}
			ne.events = append(ne.events, eventRecord{waiver: d.Kind == DocWaiver, recordedAt: d.RecordedAt, DefaultRecord: r})
		}
	}
	if len(files) == 0 {
		return nil, store.Errorf(store.CodeInvalid, "facility %q has no agreement documents", slug)
	}
	ne.fac, err = agreement.Parse(files)
	if err != nil {
		return nil, fmt.Errorf("facility %q agreement: %w", slug, err)
	}
	a.mu.Lock()
	a.cache[slug] = ne
	a.mu.Unlock()
	return ne, nil
}

// Agreement returns the facility's parsed agreement.
func (a *StoredTerms) Agreement(ctx context.Context, slug string) (*agreement.Facility, error) {
	e, err := a.entry(ctx, slug)
	if err != nil {
		return nil, err
	}
	return e.fac, nil
}

// TermsAsOf returns the full terms in force on d.
func (a *StoredTerms) TermsAsOf(ctx context.Context, slug string, d date.Date) (*agreement.Terms, error) {
	e, err := a.entry(ctx, slug)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if t, ok := e.terms[d]; ok {
		return t, nil
	}
	t, err := e.fac.TermsAsOf(d)
	if err != nil {
		return nil, err
	}
	if len(e.terms) > 4096 {
		clear(e.terms)
	}
	e.terms[d] = t
	return t, nil
}

// DefaultsContinuing lists the events of default dated on or before d and
// not waived on or before d, as known at knownAt: only records recorded by
// then count (knownAt zero: every record).
func (a *StoredTerms) DefaultsContinuing(ctx context.Context, slug string, d date.Date, knownAt time.Time) ([]string, error) {
	e, err := a.entry(ctx, slug)
	if err != nil {
		return nil, err
	}
	open := map[string]bool{}
	for _, r := range e.events {
		if r.Date > d || !knownAt.IsZero() && r.recordedAt.After(knownAt) {
			continue
		}
		if r.waiver {
			delete(open, r.Event)
		} else {
			open[r.Event] = true
		}
	}
	var out []string
	for k := range open {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}

// termsOnly is Terms without DefaultContinuing (availability finds the
// continuing defaults as known at its own time).
func (a *StoredTerms) termsOnly(ctx context.Context, slug string, d date.Date) (*agreement.Terms, FacilityTerms, error) {
	t, err := a.TermsAsOf(ctx, slug, d)
	if err != nil {
		return nil, FacilityTerms{}, err
	}
	ft, err := FromAgreement(t, "")
	return t, ft, err
}

// Terms implements Terms. DefaultContinuing is as known now (every record);
// availability asks DefaultsContinuing and RecordedDefaultsContinuing as
// known at its own time.
func (a *StoredTerms) Terms(ctx context.Context, slug string, d date.Date) (FacilityTerms, error) {
	t, ft, err := a.termsOnly(ctx, slug, d)
	if err != nil {
		return ft, err
	}
	open, err := a.DefaultsContinuing(ctx, slug, d, time.Time{})
	if err != nil {
		return ft, err
	}
	ft.DefaultContinuing = len(open) > 0
	return a.withRecordedDefaults(ctx, slug, t, d, time.Time{}, ft)
}

// RegisterFacility stores a facility and its agreement files (documents
// of kind agreement and amendment, each under its file's base name). It
// is idempotent: the same files again change nothing; a facility with that
// slug and other agreement files is a conflict.
func (s *Service) RegisterFacility(ctx context.Context, slug string, files []agreement.File, settings Settings, by string) (store.Facility, error) {
	for i := range files {
		files[i] = agreement.NewFile(filepath.Base(files[i].Name), files[i].Data)
	}
	fac, err := agreement.Parse(files)
	if err != nil {
		return store.Facility{}, store.Errorf(store.CodeInvalid, "%v", err)
	}
	f, err := s.Store.Facility(ctx, slug)
	if store.ErrorCode(err) == store.CodeNotFound {
		sj, err := json.Marshal(settings)
		if err != nil {
			return f, err
		}
		f, err = s.Store.CreateFacility(ctx, store.Facility{Slug: slug, Name: fac.Name, Created: s.now(), Settings: sj})
		if err != nil && store.ErrorCode(err) != store.CodeConflict {
			return f, err
		}
		if err != nil {
			if f, err = s.Store.Facility(ctx, slug); err != nil {
				return f, err
			}
		}
	} else if err != nil {
		return f, err
	}
	amendFile := map[string]date.Date{}
	for _, a := range fac.Amendments {
		amendFile[a.File] = a.Effective
	}
	for _, file := range files {
		d := store.Document{Facility: slug, ID: file.Name, Kind: DocAgreement, Effective: fac.Agreement.Date,
			RecordedBy: by, RecordedAt: s.now(), Content: file.Data}
		if eff, ok := amendFile[file.Name]; ok {
			d.Kind, d.Effective = DocAmendment, eff
		}
		if _, err := s.Store.PutDocument(ctx, d); err != nil {
			return f, err
		}
	}
	return f, nil
}
