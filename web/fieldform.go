package web

import (
	"net/http"
	"strings"
)

// A fieldForm is a form of the pages drawn from its fields (the
// "fieldform" template of the layout): each field with its label, hint,
// the value sent back after a refusal and the refusal beside it.
type fieldForm struct {
	ID     string // the form's name, and the prefix of its fields' ids
	Title  string
	Level  int // its heading's level: 3 (the default) or 4 (a form inside a section's article)
	Hint   string
	Action string // where it posts
	Button string
	Fields []formField
	// Filled by the page: CSRF, Key (its idempotency key), and after a
	// refusal of this form, Err beside ErrField ("" the form) and Sent.
	CSRF, Key, ErrField, Err string
	Sent                     map[string]string
}

// formField is a field of a fieldForm.
type formField struct {
	Name, Label, Hint string
	Kind              string // "" text, date, time, amount, check, select
	Required          bool
	Options           []string
	// Match: words of a use case's refusal that name this field.
	Match []string
}

// ErrAt is the refusal beside field.
func (f fieldForm) ErrAt(field string) string {
	if f.Err != "" && f.ErrField == field {
		return f.Err
	}
	return ""
}

// Value is what was sent in field after a refusal.
func (f fieldForm) Value(field string) string { return f.Sent[field] }

// fill readies forms for the page: the CSRF token, keys, and the refusal
// of the form the request posted (by its ID in rq.formErr).
func (rq *req) fill(forms ...*fieldForm) {
	key := newKey()
	for _, f := range forms {
		f.CSRF, f.Key, f.Sent = rq.sess.CSRF, key+"-"+f.ID, map[string]string{}
		if rq.r.Method == http.MethodPost && rq.formErr != nil && rq.formErr.form == f.ID {
			f.ErrField, f.Err = rq.formErr.field, rq.errMsg
			for _, x := range f.Fields {
				f.Sent[x.Name] = rq.r.PostFormValue(x.Name)
			}
		}
	}
}

// fieldOf is the field of f a use case's refusal names (by the words of
// each field's Match), "" (the form) if none.
func (f fieldForm) fieldOf(err error) string {
	msg := err.Error()
	for _, x := range f.Fields {
		for _, m := range x.Match {
			if strings.Contains(msg, m) {
				return x.Name
			}
		}
	}
	return ""
}
