package agreement

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"revolver/date"
)

// File is an agreement or amendment file as stored: its name and bytes.
type File struct {
	Name   string `json:"name"`
	Data   []byte `json:"-"`
	SHA256 string `json:"sha256"`
}

// Facility is a facility's agreement with its amendments, loaded from files.
type Facility struct {
	Slug       string
	Name       string
	Files      []File
	Documents  []Document   // every document of the facility, in file order
	Agreement  Document     // the agreement document
	Amendments []*Amendment // amendments, restatements and waiver letters' changes, in effective order
	Waivers    []*WaiverLetter

	original *node
	docPos   map[string]Pos
}

// Amendment changes the terms from its effective date: by its Changes, or
// (Kind restatement) by replacing the whole terms.
type Amendment struct {
	ID        string
	Document  string // document id
	Effective date.Date
	Order     int
	File      string
	Changes   []Change
	// Kind: amendment, restatement, or waiver (a waiver letter's changes).
	Kind string
	Pos  Pos

	restate *node // a restatement's terms
}

// Change is one change of an amendment.
type Change struct {
	Op     string // set, replace, delete
	Path   string
	After  string // set into a list: place after this id
	Before string
	Cite   Cite
	Note   string
	Pos    Pos
	value  *node
}

// Format versions.
const (
	FormatAgreement   = "agreement/1"
	FormatAmendment   = "amendment/1"
	FormatWaiver      = "waiver/1"
	FormatRestatement = "restatement/1"
)

const formats = `"agreement/1", "amendment/1", "waiver/1" or "restatement/1"`

// Load reads agreement files: each path is a YAML file or a directory whose
// *.yaml and *.yml files are read (in name order). Exactly one file must be
// an agreement; the others are amendments.
func Load(paths ...string) (*Facility, error) {
	var files []File
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("agreement: %w", err)
		}
		names := []string{p}
		if st.IsDir() {
			names = nil
			ents, err := os.ReadDir(p)
			if err != nil {
				return nil, fmt.Errorf("agreement: %w", err)
			}
			for _, e := range ents {
				if !e.IsDir() && IsFileName(e.Name()) {
					names = append(names, filepath.Join(p, e.Name()))
				}
			}
			sort.Strings(names)
			if len(names) == 0 {
				return nil, fmt.Errorf("agreement: %s: no .yaml files in the directory", p)
			}
		}
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil {
				return nil, fmt.Errorf("agreement: %w", err)
			}
			files = append(files, NewFile(n, b))
		}
	}
	return Parse(files)
}

// NewFile wraps bytes with their SHA-256.
func NewFile(name string, data []byte) File {
	h := sha256.Sum256(data)
	return File{Name: name, Data: data, SHA256: hex.EncodeToString(h[:])}
}

// Parse reads agreement files from bytes and validates the terms at every
// date an amendment takes effect. The error, if any, is an Errors listing
// every problem with file:line:column.
func Parse(files []File) (*Facility, error) {
	f := &Facility{Files: files, docPos: map[string]Pos{}}
	var errs Errors
	var agreementFile string
	for _, file := range files {
		var root yaml.Node
		dec := yaml.NewDecoder(bytes.NewReader(file.Data))
		if err := dec.Decode(&root); err != nil {
			errs.add(yamlErrPos(file.Name, err), "", "valid YAML", strings.TrimPrefix(err.Error(), "yaml: "))
			continue
		}
		if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
			errs.add(Pos{file.Name, 1, 1}, "", "a YAML mapping at the top", "not an agreement or amendment file")
			continue
		}
		top := root.Content[0]
		m := mapOf(top)
		ver := m["revolver"]
		if ver == nil {
			errs.add(Pos{file.Name, top.Line, top.Column}, "", "`revolver:` "+formats, "missing format line `revolver:`")
			continue
		}
		switch ver.Value {
		case FormatAgreement:
			if agreementFile != "" {
				errs.add(Pos{file.Name, ver.Line, ver.Column}, ver.Value, "one agreement file per facility", "a second agreement file (the first is "+agreementFile+")")
				continue
			}
			agreementFile = file.Name
			f.parseAgreement(file.Name, top, &errs)
		case FormatAmendment:
			if a := f.parseAmendment(file.Name, top, &errs); a != nil {
				f.Amendments = append(f.Amendments, a)
			}
		case FormatRestatement:
			f.Amendments = append(f.Amendments, f.parseRestatement(file.Name, top, &errs))
		case FormatWaiver:
			l := f.parseWaiver(file.Name, top, &errs)
			f.Waivers = append(f.Waivers, l)
			if l.Amendment != nil {
				f.Amendments = append(f.Amendments, l.Amendment)
			}
		default:
			errs.add(Pos{file.Name, ver.Line, ver.Column}, ver.Value, formats, "unknown format")
		}
	}
	if agreementFile == "" && len(errs) == 0 {
		errs.add(Pos{File: fileNames(files), Line: 1, Column: 1}, "", "one file with `revolver: agreement/1`", "no agreement file")
	}
	if len(errs) > 0 {
		return nil, errs.err()
	}
	sort.SliceStable(f.Amendments, func(i, j int) bool {
		a, b := f.Amendments[i], f.Amendments[j]
		if a.Effective != b.Effective {
			return a.Effective < b.Effective
		}
		return a.Order < b.Order
	})
	sort.SliceStable(f.Waivers, func(i, j int) bool {
		a, b := f.Waivers[i], f.Waivers[j]
		if a.Effective != b.Effective {
			return a.Effective < b.Effective
		}
		return a.Order < b.Order
	})
	errs = append(errs, f.validate()...)
	if len(errs) > 0 {
		return nil, errs.err()
	}
	return f, nil
}

func fileNames(files []File) string {
	if len(files) == 0 {
		return "(no files)"
	}
	return files[0].Name
}

func yamlErrPos(file string, err error) Pos {
	// go-yaml errors read "yaml: line N: ...".
	s := err.Error()
	if i := strings.Index(s, "line "); i >= 0 {
		rest := s[i+5:]
		j := strings.IndexAny(rest, ":")
		if j > 0 {
			if n, e := strconv.Atoi(rest[:j]); e == nil {
				return Pos{file, n, 1}
			}
		}
	}
	return Pos{file, 1, 1}
}

func mapOf(y *yaml.Node) map[string]*yaml.Node {
	m := map[string]*yaml.Node{}
	for i := 0; i+1 < len(y.Content); i += 2 {
		m[y.Content[i].Value] = y.Content[i+1]
	}
	return m
}

func checkKeys(file string, y *yaml.Node, allowed []string, what string, errs *Errors) {
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	for i := 0; i+1 < len(y.Content); i += 2 {
		k := y.Content[i]
		if !ok[k.Value] {
			errs.add(Pos{file, k.Line, k.Column}, k.Value, "one of "+strings.Join(allowed, ", "), "unknown key in "+what)
		}
	}
}

func (f *Facility) parseAgreement(file string, top *yaml.Node, errs *Errors) {
	checkKeys(file, top, []string{"revolver", "facility", "name", "document", "documents", "terms"}, "agreement file", errs)
	m := mapOf(top)
	f.Slug = f.reqString(file, top, m, "facility", errs)
	if f.Slug != "" && !validSlug(f.Slug) {
		n := m["facility"]
		errs.add(Pos{file, n.Line, n.Column}, f.Slug, "lower-case letters, digits and '-'", "bad facility slug")
	}
	if n := m["name"]; n != nil {
		f.Name = n.Value
	}
	if n := m["document"]; n != nil {
		if d, ok := f.parseDocument(file, n, errs); ok {
			if d.Kind == "" {
				d.Kind = "agreement"
			}
			f.Agreement = d
			f.Documents = append(f.Documents, d)
		}
	} else {
		errs.add(Pos{file, top.Line, top.Column}, "", "`document:` with id, title and date", "the agreement file names no document")
	}
	if n := m["documents"]; n != nil {
		if n.Kind != yaml.SequenceNode {
			errs.add(Pos{file, n.Line, n.Column}, "", "a list of documents", "`documents` must be a list")
		} else {
			for _, d := range n.Content {
				if doc, ok := f.parseDocument(file, d, errs); ok {
					f.Documents = append(f.Documents, doc)
				}
			}
		}
	}
	t := m["terms"]
	if t == nil || t.Kind != yaml.MappingNode {
		errs.add(Pos{file, top.Line, top.Column}, "", "`terms:` with the agreement's terms", "the agreement file has no terms")
		return
	}
	f.original = fromYAML(file, t, errs)
	if f.Agreement.ID != "" && f.original.cite == nil {
		f.original.cite = &Cite{Document: f.Agreement.ID}
	}
}

func validSlug(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func (f *Facility) reqString(file string, parent *yaml.Node, m map[string]*yaml.Node, key string, errs *Errors) string {
	n := m[key]
	if n == nil || n.Kind != yaml.ScalarNode || strings.TrimSpace(n.Value) == "" {
		errs.add(Pos{file, parent.Line, parent.Column}, "", "`"+key+":`", "missing "+key)
		return ""
	}
	return n.Value
}

func (f *Facility) parseDocument(file string, y *yaml.Node, errs *Errors) (Document, bool) {
	if y.Kind != yaml.MappingNode {
		errs.add(Pos{file, y.Line, y.Column}, y.Value, "a document with id, title, date", "bad document")
		return Document{}, false
	}
	checkKeys(file, y, []string{"id", "title", "date", "kind", "summary", "sections"}, "document", errs)
	m := mapOf(y)
	d := Document{ID: f.reqString(file, y, m, "id", errs), Title: f.reqString(file, y, m, "title", errs)}
	if n := m["kind"]; n != nil {
		d.Kind = n.Value
	}
	if n := m["summary"]; n != nil {
		d.Summary = strings.TrimSpace(n.Value)
	}
	if n := m["date"]; n != nil {
		v, err := date.Parse(n.Value)
		if err != nil {
			errs.add(Pos{file, n.Line, n.Column}, n.Value, "a date YYYY-MM-DD", "bad document date")
		}
		d.Date = v
	} else {
		errs.add(Pos{file, y.Line, y.Column}, "", "`date:`", "document "+d.ID+" has no date")
	}
	if n := m["sections"]; n != nil {
		if n.Kind != yaml.MappingNode {
			errs.add(Pos{file, n.Line, n.Column}, "", `a map of section -> text`, "bad sections")
		} else {
			d.Sections = map[string]string{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				d.Sections[n.Content[i].Value] = strings.TrimSpace(n.Content[i+1].Value)
			}
		}
	}
	if d.ID == "" {
		return d, false
	}
	if p, dup := f.docPos[d.ID]; dup {
		errs.add(Pos{file, y.Line, y.Column}, d.ID, "a unique document id", "document declared twice (first at "+p.String()+")")
		return d, false
	}
	f.docPos[d.ID] = Pos{file, y.Line, y.Column}
	return d, true
}

func (f *Facility) parseAmendment(file string, top *yaml.Node, errs *Errors) *Amendment {
	checkKeys(file, top, []string{"revolver", "facility", "id", "document", "effective", "order", "changes"}, "amendment file", errs)
	m := mapOf(top)
	a := &Amendment{File: file, ID: f.reqString(file, top, m, "id", errs), Kind: KindAmendment, Pos: Pos{file, top.Line, top.Column}}
	a.Document, a.Effective, a.Order = f.parseHeader(file, top, m, KindAmendment, errs)
	ch := m["changes"]
	if ch == nil || ch.Kind != yaml.SequenceNode {
		errs.add(Pos{file, top.Line, top.Column}, "", "`changes:` a list of set/replace/delete", "the amendment has no changes")
		return a
	}
	a.Changes = f.parseChanges(file, a.ID, ch, errs)
	return a
}

// parseChanges reads the changes of an amendment (or a waiver letter).
func (f *Facility) parseChanges(file, id string, ch *yaml.Node, errs *Errors) []Change {
	if ch.Kind != yaml.SequenceNode {
		errs.add(Pos{file, ch.Line, ch.Column}, "", "`changes:` a list of set/replace/delete", "bad changes")
		return nil
	}
	var out []Change
	for _, c := range ch.Content {
		pos := Pos{file, c.Line, c.Column}
		if c.Kind != yaml.MappingNode {
			errs.add(pos, c.Value, "a change {op, path, value, cite}", "bad change")
			continue
		}
		checkKeys(file, c, []string{"op", "path", "value", "cite", "after", "before", "note"}, "change", errs)
		cm := mapOf(c)
		chg := Change{Pos: pos}
		if n := cm["op"]; n != nil {
			chg.Op = n.Value
		}
		switch chg.Op {
		case "set", "replace", "delete":
		default:
			errs.add(pos, chg.Op, "set, replace or delete", "bad op")
		}
		if n := cm["path"]; n != nil && n.Value != "" {
			chg.Path = n.Value
		} else {
			errs.add(pos, "", "`path:` e.g. termination_date", "change without a path")
		}
		if n := cm["cite"]; n != nil {
			cite, err := parseCite(n)
			if err != nil {
				errs.add(Pos{file, n.Line, n.Column}, n.Value, `"document-id §section"`, err.Error())
			}
			chg.Cite = cite
		} else {
			errs.add(pos, "", "`cite:` the clause that makes the change", "change without a citation")
		}
		if n := cm["after"]; n != nil {
			chg.After = n.Value
		}
		if n := cm["before"]; n != nil {
			chg.Before = n.Value
		}
		if n := cm["note"]; n != nil {
			chg.Note = n.Value
		}
		v := cm["value"]
		if chg.Op == "delete" {
			if v != nil {
				errs.add(Pos{file, v.Line, v.Column}, "", "no value", "a delete takes no value")
			}
		} else if v == nil {
			errs.add(pos, "", "`value:`", chg.Op+" without a value")
		} else {
			chg.value = fromYAML(file, v, errs)
		}
		if chg.Cite.Amendment == "" {
			chg.Cite.Amendment = id
		}
		out = append(out, chg)
	}
	return out
}

// apply applies the amendment's changes to tree, reporting changes whose
// target does not exist.
func (a *Amendment) apply(tree *node, errs *Errors) {
	if a.restate != nil {
		v := a.restate.clone()
		v.stamp(a.ID, *v.cite)
		*tree = *v
		return
	}
	for _, c := range a.Changes {
		parent, target := tree.lookup(c.Path)
		segs := strings.Split(c.Path, ".")
		last := segs[len(segs)-1]
		switch c.Op {
		case "delete", "replace":
			if target == nil {
				errs.add(c.Pos, c.Path, "a path that exists on "+a.Effective.String(), c.Op+" of a term that does not exist")
				continue
			}
			if c.Op == "delete" {
				parent.remove(last)
				continue
			}
		case "set":
			if parent == nil {
				errs.add(c.Pos, c.Path, "a path whose parent exists on "+a.Effective.String(), "set under a group that does not exist")
				continue
			}
		}
		if c.value == nil || parent == nil {
			continue
		}
		v := c.value.clone()
		if v.kind == groupNode && parent.kind == listNode {
			if _, ok := v.kids["id"]; !ok {
				v.keys = append([]string{"id"}, v.keys...)
				v.kids["id"] = &node{kind: leafNode, scalar: last, pos: v.pos}
			}
		}
		v.stamp(a.ID, c.Cite)
		if err := parent.set(last, v, c.After, c.Before); err != nil {
			errs.add(c.Pos, c.Path, "a path into a group or a list", err.Error())
		}
	}
}

// treeAsOf returns the terms tree with every amendment effective on or
// before d applied in order.
func (f *Facility) treeAsOf(d date.Date, errs *Errors) (*node, []AmendmentRef) {
	t := f.original.clone()
	var refs []AmendmentRef
	for _, a := range f.Amendments {
		if a.Effective > d {
			break
		}
		a.apply(t, errs)
		if a.restate != nil {
			refs = nil // what came before is replaced
		}
		refs = append(refs, AmendmentRef{ID: a.ID, Document: a.Document, Effective: a.Effective, Kind: a.Kind})
	}
	return t, refs
}

// Flat lists every term in force on d with its citation.
func (f *Facility) Flat(d date.Date) []Flat {
	var errs Errors
	t, _ := f.treeAsOf(d, &errs)
	var out []Flat
	t.flatten("", Cite{Document: f.Agreement.ID}, "", &out)
	out = append(out, f.waiverFlats(d)...)
	f.titles(out)
	return out
}

func (f *Facility) titles(fl []Flat) {
	for i := range fl {
		fl[i].Cite.Title = f.title(fl[i].Cite.Document)
	}
}

func (f *Facility) title(doc string) string {
	for _, d := range f.Documents {
		if d.ID == doc {
			return d.Title
		}
	}
	return ""
}

// Difference is one term that differs between two dates.
type Difference struct {
	Path   string `json:"path"`
	Change string `json:"change"` // changed, added, removed
	From   *Flat  `json:"from,omitempty"`
	To     *Flat  `json:"to,omitempty"`
	// By names the amendments effective after the first date and on or
	// before the second whose changes touch the term.
	By []string `json:"by"`
}

// Diff lists the terms that differ between d1 and d2 and the amendments
// that changed them.
func (f *Facility) Diff(d1, d2 date.Date) []Difference {
	a, b := f.Flat(d1), f.Flat(d2)
	am := map[string]Flat{}
	for _, x := range a {
		am[x.Path] = x
	}
	bm := map[string]Flat{}
	for _, x := range b {
		bm[x.Path] = x
	}
	lo, hi := d1, d2
	if lo > hi {
		lo, hi = hi, lo
	}
	by := func(path string) []string {
		var ids []string
		for _, am := range f.Amendments {
			if am.Effective <= lo || am.Effective > hi {
				continue
			}
			if am.restate != nil {
				// A restatement replaces every term: what it kept, changed,
				// added or left out.
				ids = append(ids, am.ID)
				continue
			}
			for _, c := range am.Changes {
				if c.Path == path || strings.HasPrefix(path, c.Path+".") || strings.HasPrefix(c.Path, path+".") {
					ids = append(ids, am.ID)
					break
				}
			}
		}
		for _, l := range f.Waivers {
			if l.Effective > lo && l.Effective <= hi && (strings.HasPrefix(path, "waivers."+l.ID+".") || l.Fee != nil && strings.HasPrefix(path, "fees."+l.Fee.ID+".")) && !slices.Contains(ids, l.ID) {
				ids = append(ids, l.ID)
			}
		}
		return ids
	}
	var out []Difference
	for _, x := range a {
		y, ok := bm[x.Path]
		x := x
		if !ok {
			out = append(out, Difference{Path: x.Path, Change: "removed", From: &x, By: by(x.Path)})
			continue
		}
		if x.Value != y.Value || x.Unknown != y.Unknown || x.Cite != y.Cite {
			y := y
			out = append(out, Difference{Path: x.Path, Change: "changed", From: &x, To: &y, By: by(x.Path)})
		}
	}
	for _, y := range b {
		if _, ok := am[y.Path]; !ok {
			y := y
			out = append(out, Difference{Path: y.Path, Change: "added", To: &y, By: by(y.Path)})
		}
	}
	return out
}

// TermsAsOf decodes the terms in force on d.
func (f *Facility) TermsAsOf(d date.Date) (*Terms, error) {
	var errs Errors
	t, refs := f.treeAsOf(d, &errs)
	terms := f.decode(t, d, &errs)
	if len(errs) > 0 {
		return nil, errs.err()
	}
	terms.Amendments = refs
	return terms, nil
}

// Dates returns the agreement's date and every amendment's, restatement's
// and waiver letter's effective date: the dates on which the terms change.
func (f *Facility) Dates() []date.Date {
	ds := []date.Date{f.Agreement.Date}
	for _, a := range f.Amendments {
		ds = append(ds, a.Effective)
	}
	for _, l := range f.Waivers {
		ds = append(ds, l.Effective)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	out := ds[:1]
	for _, d := range ds[1:] {
		if d != out[len(out)-1] {
			out = append(out, d)
		}
	}
	return out
}

// IsFileName reports whether a file name is one of an agreement's files:
// *.yaml or *.yml, in any case. Loading a directory, registering a facility
// and the demo read the same files.
func IsFileName(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}
