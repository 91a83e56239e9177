package agreement

import (
	"fmt"
	"sort"
	"strings"
)

// Diagnostic is one problem in agreement files: where, what was found, what
// was expected.
type Diagnostic struct {
	Pos      Pos    `json:"pos"`
	Value    string `json:"value,omitempty"`
	Expected string `json:"expected,omitempty"`
	Message  string `json:"message"`
}

func (d *Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.Pos.String())
	b.WriteString(": ")
	b.WriteString(d.Message)
	if d.Value != "" {
		fmt.Fprintf(&b, " (found %q", d.Value)
		if d.Expected != "" {
			fmt.Fprintf(&b, ", expected %s", d.Expected)
		}
		b.WriteString(")")
	} else if d.Expected != "" {
		fmt.Fprintf(&b, " (expected %s)", d.Expected)
	}
	return b.String()
}

// Errors is a list of diagnostics; as an error it prints one a line.
type Errors []*Diagnostic

func (e *Errors) add(pos Pos, value, expected, message string) {
	*e = append(*e, &Diagnostic{Pos: pos, Value: value, Expected: expected, Message: message})
}

func (e Errors) Error() string {
	lines := make([]string, len(e))
	for i, d := range e {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

func (e Errors) sorted() Errors {
	sort.SliceStable(e, func(i, j int) bool {
		a, b := e[i].Pos, e[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	// drop exact duplicates (the same problem found at two dates)
	out := e[:0]
	var last string
	for _, d := range e {
		s := d.Error()
		if s == last {
			continue
		}
		last = s
		out = append(out, d)
	}
	return out
}

func (e Errors) err() error {
	if len(e) == 0 {
		return nil
	}
	return e.sorted()
}
