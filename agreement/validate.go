package agreement

import (
	"strings"

	"revolver/date"
)

// validate checks the facility at every date its terms change and lints the
// amendments. It returns every problem found.
func (f *Facility) validate() Errors {
	var errs Errors
	for _, a := range f.Amendments {
		// A waiver letter's document and date are checked by lintWaivers.
		if a.Kind != KindWaiver && a.Document != "" && !f.hasDoc(a.Document) {
			errs.add(Pos{a.File, 1, 1}, a.Document, "a document declared in the agreement or the amendment", a.Kind+" "+a.ID+" names an unknown document")
		}
		if a.Kind != KindWaiver && a.Effective < f.Agreement.Date {
			errs.add(Pos{a.File, 1, 1}, a.Effective.String(), "on or after the agreement's date "+f.Agreement.Date.String(), a.Kind+" "+a.ID+" takes effect before the agreement")
		}
		for _, c := range a.Changes {
			if c.Cite.Document != "" && !f.hasDoc(c.Cite.Document) {
				errs.add(c.Pos, c.Cite.Document, "a declared document id ("+strings.Join(f.docIDs(), ", ")+")", "citation to an unknown document")
			}
		}
	}
	errs = append(errs, f.lintSameDate()...)
	errs = append(errs, f.lintRestatements()...)
	errs = append(errs, f.lintWaivers()...)
	// Decode the terms as of the agreement's date and each effective date:
	// every state the terms pass through must be valid.
	for _, d := range f.Dates() {
		var e Errors
		t, _ := f.treeAsOf(d, &e)
		f.decode(t, d, &e)
		errs = append(errs, e...)
	}
	return errs
}

// lintSameDate reports two changes to one term (or to a term and a part of
// it) by amendments taking effect on the same date.
func (f *Facility) lintSameDate() Errors {
	var errs Errors
	type seen struct {
		path string
		c    Change
		a    *Amendment
	}
	byDate := map[date.Date][]seen{}
	for _, a := range f.Amendments {
		for _, c := range a.Changes {
			for _, s := range byDate[a.Effective] {
				if s.path == c.Path || strings.HasPrefix(c.Path, s.path+".") || strings.HasPrefix(s.path, c.Path+".") {
					errs.add(c.Pos, c.Path, "one change per term and date",
						"two changes to one term on "+a.Effective.String()+": also changed at "+s.c.Pos.String()+" ("+s.a.ID+")")
				}
			}
			byDate[a.Effective] = append(byDate[a.Effective], seen{c.Path, c, a})
		}
	}
	return errs
}

// Lint loads the files and returns every diagnostic (nil when clean).
func Lint(files []File) Errors {
	_, err := Parse(files)
	if err == nil {
		return nil
	}
	if e, ok := err.(Errors); ok {
		return e
	}
	return Errors{{Message: err.Error()}}
}
