// Package explain owns the explanation tree that every engine returns beside
// its figures: figure → formula → clause → amendment → input rows.
//
// A Node is plain data (JSON-friendly, deterministic); engines build it, the
// CLI, API and web application only display it.
package explain

import (
	"fmt"
	"strings"
)

// Cite names where a term comes from: a document of the facility and a
// section of it, and the amendment (if any) that last changed it.
type Cite struct {
	Document  string `json:"document"`            // document id, e.g. "first-amendment"
	Section   string `json:"section,omitempty"`   // e.g. "§1(b)", "¶13(h)", "Exhibit A"
	Amendment string `json:"amendment,omitempty"` // amendment id that set the term, "" if original
	Title     string `json:"title,omitempty"`     // the document's title, filled in for display
}

// String gives "First Amendment §1(b)" when the title is known, else "first-amendment §1(b)".
func (c Cite) String() string {
	name := c.Title
	if name == "" {
		name = c.Document
	}
	if c.Section == "" {
		return name
	}
	return name + " " + c.Section
}

// IsZero reports a missing citation.
func (c Cite) IsZero() bool { return c.Document == "" && c.Section == "" }

// Rows says which input rows a figure covers.
type Rows struct {
	File  string `json:"file"`           // the input's name, e.g. "receivables.csv"
	Count int    `json:"count"`          // how many rows
	Lines []int  `json:"rows,omitempty"` // their line numbers in the file (header = line 1), when asked for
}

// Node is one figure of a result and where it comes from.
type Node struct {
	Key        string  `json:"key"`                  // stable id, e.g. "receivables.ineligible.past_due"
	Label      string  `json:"label"`                // for people, e.g. "Past due (> 90 days)"
	Value      string  `json:"value"`                // the figure as shown, e.g. "1234.56"
	Formula    string  `json:"formula,omitempty"`    // how it is computed, in words and symbols
	Cites      []Cite  `json:"cites,omitempty"`      // the clauses behind the formula
	Assumption string  `json:"assumption,omitempty"` // set when a term used is an assumption, not a document's text
	Rows       *Rows   `json:"input_rows,omitempty"` // input rows covered
	Children   []*Node `json:"children,omitempty"`
}

// Add appends children and returns n.
func (n *Node) Add(children ...*Node) *Node {
	n.Children = append(n.Children, children...)
	return n
}

// Find returns the node with the key, searching depth first, or nil.
func (n *Node) Find(key string) *Node {
	if n == nil {
		return nil
	}
	if n.Key == key {
		return n
	}
	for _, c := range n.Children {
		if f := c.Find(key); f != nil {
			return f
		}
	}
	return nil
}

// Text renders the tree as indented text, one node a paragraph.
func (n *Node) Text() string { return n.TextWithClauses(nil) }

// TextWithClauses renders the tree as Text does, with the text of each
// clause cited (clauseText's answer; "" for a clause whose text is not
// held) under the first line that cites it, as the web pages show it;
// later lines citing it refer back to it.
func (n *Node) TextWithClauses(clauseText func(Cite) string) string {
	var b strings.Builder
	n.text(&b, 0, clauseText, map[Cite]bool{})
	return b.String()
}

func (n *Node) text(b *strings.Builder, depth int, clauseText func(Cite) string, shown map[Cite]bool) {
	ind := strings.Repeat("  ", depth)
	fmt.Fprintf(b, "%s%s: %s\n", ind, n.Label, n.Value)
	if n.Formula != "" {
		fmt.Fprintf(b, "%s  formula: %s\n", ind, n.Formula)
	}
	for _, c := range n.Cites {
		s := c.String()
		if c.Amendment != "" {
			s += " (as amended by " + c.Amendment + ")"
		}
		if clauseText != nil {
			key := Cite{Document: c.Document, Section: c.Section}
			if t := clauseText(c); t != "" {
				if shown[key] {
					s += " (text above)"
				} else {
					shown[key] = true
					fmt.Fprintf(b, "%s  clause: %s\n", ind, s)
					for _, line := range strings.Split(strings.TrimSpace(t), "\n") {
						fmt.Fprintln(b, strings.TrimRight(ind+"    | "+line, " "))
					}
					continue
				}
			}
		}
		fmt.Fprintf(b, "%s  clause: %s\n", ind, s)
	}
	if n.Assumption != "" {
		fmt.Fprintf(b, "%s  assumption: %s\n", ind, n.Assumption)
	}
	if n.Rows != nil {
		fmt.Fprintf(b, "%s  input: %d row(s) of %s", ind, n.Rows.Count, n.Rows.File)
		if len(n.Rows.Lines) > 0 {
			fmt.Fprintf(b, ": lines %s", lineList(n.Rows.Lines))
		}
		b.WriteByte('\n')
	}
	for _, c := range n.Children {
		c.text(b, depth+1, clauseText, shown)
	}
}

func lineList(lines []int) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprint(l)
	}
	return strings.Join(parts, ", ")
}
