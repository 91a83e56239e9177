package app

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"revolver/agreement"
	"revolver/date"
	"revolver/fieldexam"
	"revolver/store"
)

// Document kinds kept with a facility: the agreement files (read by the
// agreement engine) and, from an earlier version's approvals, events of
// default and waivers approved as documents (read as facts: legacyFacts;
// no new ones are stored).
const (
	DocAgreement      = "agreement"
	DocAmendment      = "amendment"
	DocEventOfDefault = "event_of_default"
	DocWaiver         = "waiver"
)

// DefaultRecord is the content of an event_of_default or waiver document,
// and of a pending action of those kinds of an earlier version.
type DefaultRecord struct {
	Event string    `json:"event"` // the event of default's id in the terms, e.g. "7.1(a)"
	Date  date.Date `json:"date"`  // occurred (event) or waived from (waiver)
	Note  string    `json:"note,omitempty"`
}

// StoredTerms reads a facility's terms from the agreement documents
// stored with it (agreement.Parse) and whether an event of default
// continues (the defaults engine on the facility's facts). It implements
// Terms. Parsed agreements are cached in the process; the cache is checked
// against the stored documents on every read (their version, read with the
// request's ReadState, or else their list), so a document stored by any
// process is seen by the next read in every other.
type StoredTerms struct {
	Store store.Store

	mu    sync.Mutex
	cache map[string]*agreementEntry
}

type agreementEntry struct {
	key     string
	version store.DocsVersion // of docs
	fac     *agreement.Facility
	events  []eventRecord
	docs    []store.Document // what it was read from (without content)
	last    time.Time        // the latest of their recorded times
	from    time.Time        // when the agreement was registered (the latest agreement document)
	mu      sync.Mutex
	terms   map[date.Date]*agreement.Terms
	known   map[string]*agreementEntry         // as known at a time before the last document: by its documents' key
	fts     map[*agreement.Terms]FacilityTerms // FromAgreement of the terms cached in terms
}

// eventRecord is an event of default or waiver document: who approved it
// (and, for a waiver, who asked) and when.
type eventRecord struct {
	waiver      bool
	doc         string
	requestedBy string
	approvedBy  string
	recordedAt  time.Time
	DefaultRecord
}

// Invalidate drops the cached agreement of a facility.
func (a *StoredTerms) Invalidate(slug string) {
	a.mu.Lock()
	delete(a.cache, slug)
	a.mu.Unlock()
}

func (a *StoredTerms) entry(ctx context.Context, slug string) (*agreementEntry, error) {
	if f, ok := draftOf(ctx, slug); ok {
		// A draft's preview: the stored documents with the draft, read
		// afresh and never cached.
		docs, err := a.Store.Documents(ctx, slug)
		if err != nil {
			return nil, err
		}
		return a.build(ctx, slug, "draft:"+f.Name, docs, f)
	}
	a.mu.Lock()
	if a.cache == nil {
		a.cache = map[string]*agreementEntry{}
	}
	e := a.cache[slug]
	a.mu.Unlock()
	if v, ok := docsVersion(ctx, slug); ok && e != nil && e.version.N == v.N && e.version.Last.Equal(v.Last) {
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
		return e, nil
	}
	ne, err := a.build(ctx, slug, key, docs)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.cache[slug] = ne
	a.mu.Unlock()
	return ne, nil
}

// build reads the agreement from the documents docs of the facility.
func (a *StoredTerms) build(ctx context.Context, slug, key string, docs []store.Document, drafts ...agreement.File) (*agreementEntry, error) {
	ne := &agreementEntry{key: key, version: store.DocsVersion{N: len(docs)}, terms: map[date.Date]*agreement.Terms{}, docs: docs}
	for _, d := range docs {
		if d.RecordedAt.After(ne.last) {
			ne.last = d.RecordedAt
		}
		if d.Kind == DocAgreement && d.RecordedAt.After(ne.from) {
			ne.from = d.RecordedAt
		}
	}
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
			ev := eventRecord{waiver: d.Kind == DocWaiver, doc: d.ID, approvedBy: d.RecordedBy, recordedAt: d.RecordedAt, DefaultRecord: r}
			ev.requestedBy = a.requester(ctx, d.ID)
			ne.events = append(ne.events, ev)
		}
	}
	if len(files) == 0 {
		return nil, store.Errorf(store.CodeInvalid, "facility %q has no agreement documents", slug)
	}
	files = append(files, drafts...)
	var err error
	ne.fac, err = agreement.Parse(files)
	if err != nil {
		return nil, fmt.Errorf("facility %q agreement: %w", slug, err)
	}
	ne.version.Last = ne.last
	return ne, nil
}

// entryAt is the agreement as known at knownAt: from the documents
// recorded by then (an amendment approved later is not yet part of it).
// Zero, or a time after every document, is the agreement as it stands;
// a time before the agreement was registered reads the documents
// registered with it (knownFrom).
func (a *StoredTerms) entryAt(ctx context.Context, slug string, knownAt time.Time) (*agreementEntry, error) {
	e, err := a.entry(ctx, slug)
	if err != nil || knownAt.IsZero() {
		return e, err
	}
	knownAt = e.knownFrom(knownAt)
	if !knownAt.Before(e.last) {
		return e, nil // every document was recorded by then
	}
	var sub []store.Document
	var keyb strings.Builder
	hasAgreement := false
	for _, d := range e.docs {
		if d.RecordedAt.After(knownAt) {
			continue
		}
		sub = append(sub, d)
		keyb.WriteString(d.ID + "=" + d.SHA256 + ";")
		hasAgreement = hasAgreement || d.Kind == DocAgreement
	}
	if len(sub) == len(e.docs) || !hasAgreement {
		return e, nil
	}
	key := keyb.String()
	e.mu.Lock()
	k, ok := e.known[key]
	e.mu.Unlock()
	if ok {
		return k, nil
	}
	if k, err = a.build(ctx, slug, key, sub); err != nil {
		return nil, err
	}
	e.mu.Lock()
	if e.known == nil || len(e.known) > 64 {
		e.known = map[string]*agreementEntry{}
	}
	e.known[key] = k
	e.mu.Unlock()
	return k, nil
}

// Agreement returns the facility's parsed agreement.
func (a *StoredTerms) Agreement(ctx context.Context, slug string) (*agreement.Facility, error) {
	e, err := a.entry(ctx, slug)
	if err != nil {
		return nil, err
	}
	return e.fac, nil
}

// knownFrom is the known-at time documents are read at for knownAt: not
// before the agreement was registered (the documents registered with it
// are the facility's start, known for every figure).
func (e *agreementEntry) knownFrom(knownAt time.Time) time.Time {
	if e.from.After(knownAt) {
		return e.from
	}
	return knownAt
}

// TermsAsOf returns the full terms in force on d.
func (a *StoredTerms) TermsAsOf(ctx context.Context, slug string, d date.Date) (*agreement.Terms, error) {
	e, err := a.entry(ctx, slug)
	if err != nil {
		return nil, err
	}
	return e.termsAsOf(d)
}

// TermsAsKnown returns the full terms in force on d as known at knownAt
// (zero: now): from the documents recorded by then (entryAt).
func (a *StoredTerms) TermsAsKnown(ctx context.Context, slug string, d date.Date, knownAt time.Time) (*agreement.Terms, error) {
	e, err := a.entryAt(ctx, slug, knownAt)
	if err != nil {
		return nil, err
	}
	return e.termsAsOf(d)
}

func (e *agreementEntry) termsAsOf(d date.Date) (*agreement.Terms, error) {
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

// TermDates implements TermDates: the agreement's date and the effective
// dates of its amendments.
func (a *StoredTerms) TermDates(ctx context.Context, slug string) ([]date.Date, error) {
	e, err := a.entry(ctx, slug)
	if err != nil {
		return nil, err
	}
	return e.fac.Dates(), nil
}

// requester names who asked for an approved document ("waiver-12" was
// pending action 12).
func (a *StoredTerms) requester(ctx context.Context, doc string) string {
	_, n, _ := strings.Cut(doc, "-")
	id, err := strconv.ParseInt(n, 10, 64)
	acc, ok := a.Store.(store.Accounts)
	if err != nil || !ok {
		return "the requester of " + doc
	}
	p, err := acc.Pending(ctx, id)
	if err != nil || p.RequestedBy == "" {
		return "the requester of " + doc
	}
	return p.RequestedBy
}

// termsOnly is Terms without DefaultContinuing (availability finds the
// continuing defaults as known at its own time).
func (a *StoredTerms) termsOnly(ctx context.Context, slug string, d date.Date) (*agreement.Terms, FacilityTerms, error) {
	return a.termsOnlyAt(ctx, slug, d, time.Time{})
}

// termsOnlyAt is termsOnly as known at knownAt (TermsAsKnown).
func (a *StoredTerms) termsOnlyAt(ctx context.Context, slug string, d date.Date, knownAt time.Time) (*agreement.Terms, FacilityTerms, error) {
	e, err := a.entryAt(ctx, slug, knownAt)
	if err != nil {
		return nil, FacilityTerms{}, err
	}
	t, err := e.termsAsOf(d)
	if err != nil {
		return nil, FacilityTerms{}, err
	}
	// The figures of the same terms are the same: kept with them (nothing
	// changes a FacilityTerms' maps and slices after FromAgreement).
	e.mu.Lock()
	ft, ok := e.fts[t]
	e.mu.Unlock()
	if ok {
		return t, ft, nil
	}
	if ft, err = FromAgreement(t, ""); err != nil {
		return t, ft, err
	}
	e.mu.Lock()
	if e.fts == nil || len(e.fts) > 4096 {
		e.fts = map[*agreement.Terms]FacilityTerms{}
	}
	e.fts[t] = ft
	e.mu.Unlock()
	return t, ft, nil
}

// Terms implements Terms. DefaultContinuing is with every fact recorded.
func (a *StoredTerms) Terms(ctx context.Context, slug string, d date.Date) (FacilityTerms, error) {
	t, ft, err := a.termsOnly(ctx, slug, d)
	if err != nil {
		return ft, err
	}
	e, err := a.entry(ctx, slug)
	if err != nil {
		return ft, err
	}
	open, err := a.continuing(ctx, slug, e, t, d, time.Time{})
	ft.DefaultContinuing = len(open) > 0
	return ft, err
}

// RegisterFacility stores a facility and its agreement files (documents
// of kind agreement and amendment, each under its file's base name). It
// is idempotent: the same files again change nothing; a facility with that
// slug and other agreement files is a conflict.
func (s *Service) RegisterFacility(ctx context.Context, slug string, files []agreement.File, settings Settings, by string) (store.Facility, error) {
	ctx = named(ctx, OpRegisterFacility)
	for i := range files {
		files[i] = agreement.NewFile(filepath.Base(files[i].Name), files[i].Data)
	}
	fac, err := agreement.Parse(files)
	if err != nil {
		return store.Facility{}, store.Errorf(store.CodeInvalid, "%v", err)
	}
	if m := settings.FieldExamMonths; m != nil {
		if err := fieldexam.CheckMonths("setting "+FieldExamSetting, *m); err != nil {
			return store.Facility{}, invalid("%v", err)
		}
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
	for _, file := range files {
		if eff, ok := changesFile(fac, file.Name); ok {
			amendFile[file.Name] = eff
		}
	}
	// The documents are stored in one transaction of the facility, with the
	// audit record of the registration.
	err = s.update(ctx, slug, func(tx store.Tx) error {
		for _, file := range files {
			d := store.Document{Facility: slug, ID: file.Name, Kind: DocAgreement, Effective: fac.Agreement.Date,
				RecordedBy: by, RecordedAt: s.now(), Content: file.Data}
			if eff, ok := amendFile[file.Name]; ok {
				d.Kind, d.Effective = DocAmendment, eff
			}
			if _, _, err := tx.PutDocument(d); err != nil {
				return err
			}
		}
		return nil
	})
	return f, err
}
