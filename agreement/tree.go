package agreement

import (
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// node is one node of the generic terms tree: a group (map), an id-keyed
// list of groups, or a leaf (a scalar, a list of scalars, or an unknown).
// Amendments operate on this tree by path; the typed Terms are decoded from it.
type node struct {
	kind  nodeKind
	keys  []string         // group: keys in written order
	kids  map[string]*node // group children
	kpos  map[string]Pos   // group: where each key is written
	items []*node          // list: groups, each with an "id"
	id    string           // list item id

	scalar  string   // leaf scalar as written
	scalars []string // leaf list of scalars
	isList  bool     // leaf is a list of scalars

	unknown    string // leaf: unknown, and why
	assumption string // an assumption, not the documents' text
	note       string
	cite       *Cite // explicit citation on this node
	amendment  string
	pos        Pos
}

type nodeKind int

const (
	leafNode nodeKind = iota
	groupNode
	listNode
)

// reserved keys in a group.
var reserved = map[string]bool{"cite": true, "assumption": true, "note": true, "value": true, "unknown": true}

func (n *node) clone() *node {
	c := *n
	if n.kids != nil {
		c.kids = make(map[string]*node, len(n.kids))
		for k, v := range n.kids {
			c.kids[k] = v.clone()
		}
		c.keys = append([]string(nil), n.keys...)
	}
	if n.items != nil {
		c.items = make([]*node, len(n.items))
		for i, v := range n.items {
			c.items[i] = v.clone()
		}
	}
	c.scalars = append([]string(nil), n.scalars...)
	return &c
}

// child returns the child named seg of a group or list (by id).
func (n *node) child(seg string) *node {
	switch n.kind {
	case groupNode:
		return n.kids[seg]
	case listNode:
		for _, it := range n.items {
			if it.id == seg {
				return it
			}
		}
	}
	return nil
}

func (n *node) set(seg string, v *node, after, before string) error {
	switch n.kind {
	case groupNode:
		if _, ok := n.kids[seg]; !ok {
			n.keys = append(n.keys, seg)
		}
		n.kids[seg] = v
		return nil
	case listNode:
		if v.kind != groupNode {
			return fmt.Errorf("items of this list are groups with an id")
		}
		v.id = seg
		for i, it := range n.items {
			if it.id == seg {
				n.items[i] = v
				return nil
			}
		}
		at := len(n.items)
		for i, it := range n.items {
			if after != "" && it.id == after {
				at = i + 1
			}
			if before != "" && it.id == before {
				at = i
			}
		}
		n.items = append(n.items, nil)
		copy(n.items[at+1:], n.items[at:])
		n.items[at] = v
		return nil
	}
	return fmt.Errorf("a leaf has no parts")
}

func (n *node) remove(seg string) {
	switch n.kind {
	case groupNode:
		delete(n.kids, seg)
		for i, k := range n.keys {
			if k == seg {
				n.keys = append(n.keys[:i], n.keys[i+1:]...)
				break
			}
		}
	case listNode:
		for i, it := range n.items {
			if it.id == seg {
				n.items = append(n.items[:i], n.items[i+1:]...)
				return
			}
		}
	}
}

// lookup walks a dotted path; it returns the node and its parent.
func (n *node) lookup(path string) (parent, found *node) {
	cur := n
	segs := strings.Split(path, ".")
	for i, s := range segs {
		next := cur.child(s)
		if next == nil {
			if i == len(segs)-1 {
				return cur, nil
			}
			return nil, nil
		}
		parent, cur = cur, next
	}
	return parent, cur
}

// stampAmendment marks a subtree as set by an amendment with a citation.
func (n *node) stamp(amendment string, cite Cite) {
	n.amendment = amendment
	if n.cite == nil {
		c := cite
		n.cite = &c
	} else if n.cite.Amendment == "" {
		n.cite.Amendment = amendment
	}
	for _, k := range n.kids {
		k.stamp(amendment, *n.cite)
	}
	for _, it := range n.items {
		it.stamp(amendment, *n.cite)
	}
}

// fromYAML converts a YAML node into a tree node. inherited is not applied
// here; citations are resolved when the tree is read.
func fromYAML(file string, y *yaml.Node, errs *Errors) *node {
	pos := Pos{File: file, Line: y.Line, Column: y.Column}
	switch y.Kind {
	case yaml.AliasNode:
		errs.add(pos, "", "no YAML aliases", "aliases are not allowed in agreement files")
		return &node{kind: leafNode, pos: pos}
	case yaml.ScalarNode:
		if y.Tag == "!!null" {
			errs.add(pos, y.Value, "a value", "empty value; write `unknown: <reason>` for a term that is not known")
		}
		return &node{kind: leafNode, scalar: y.Value, pos: pos}
	case yaml.SequenceNode:
		if len(y.Content) == 0 {
			return &node{kind: leafNode, isList: true, pos: pos}
		}
		if y.Content[0].Kind != yaml.MappingNode {
			leaf := &node{kind: leafNode, isList: true, pos: pos}
			for _, c := range y.Content {
				if c.Kind != yaml.ScalarNode {
					errs.add(Pos{file, c.Line, c.Column}, "", "a plain value", "a list of values must hold only plain values")
					continue
				}
				leaf.scalars = append(leaf.scalars, c.Value)
			}
			return leaf
		}
		list := &node{kind: listNode, pos: pos}
		seen := map[string]Pos{}
		for _, c := range y.Content {
			it := fromYAML(file, c, errs)
			if it.kind != groupNode {
				errs.add(it.pos, "", "a group with an id", "items of this list must all be groups with an `id`")
				continue
			}
			idn := it.kids["id"]
			if idn == nil || idn.kind != leafNode || idn.scalar == "" {
				errs.add(it.pos, "", "an `id` key", "list item has no id")
				continue
			}
			it.id = idn.scalar
			if strings.Contains(it.id, ".") {
				errs.add(idn.pos, it.id, "an id without dots", "ids are path segments and may not contain '.'")
			}
			if p, dup := seen[it.id]; dup {
				errs.add(idn.pos, it.id, "a unique id", "duplicate id, first at "+p.String())
			}
			seen[it.id] = idn.pos
			list.items = append(list.items, it)
		}
		return list
	case yaml.MappingNode:
		g := &node{kind: groupNode, kids: map[string]*node{}, pos: pos}
		var value *node
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			kp := Pos{file, k.Line, k.Column}
			key := k.Value
			if _, dup := g.kids[key]; dup || (reserved[key] && key != "value" && g.hasMeta(key)) {
				errs.add(kp, key, "a unique key", "duplicate key")
				continue
			}
			switch key {
			case "cite":
				c, err := parseCite(v)
				if err != nil {
					errs.add(Pos{file, v.Line, v.Column}, v.Value, `a citation "document-id §section" or {document: id, section: "§…"}`, err.Error())
					continue
				}
				g.cite = &c
				g.cite.Section = strings.TrimSpace(g.cite.Section)
				continue
			case "assumption":
				g.assumption = v.Value
				continue
			case "note":
				g.note = v.Value
				continue
			case "unknown":
				if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
					errs.add(Pos{file, v.Line, v.Column}, v.Value, "the reason the term is not known", "`unknown:` needs a reason")
				}
				g.unknown = v.Value
				continue
			case "value":
				value = fromYAML(file, v, errs)
				continue
			}
			if strings.Contains(key, ".") {
				errs.add(kp, key, "a key without dots", "keys are path segments and may not contain '.'")
			}
			g.keys = append(g.keys, key)
			g.kids[key] = fromYAML(file, v, errs)
			if g.kpos == nil {
				g.kpos = map[string]Pos{}
			}
			g.kpos[key] = kp
		}
		if value != nil || g.unknown != "" {
			if len(g.keys) > 0 {
				errs.add(pos, "", "either a term (value/unknown with cite) or a group", "a term with `value` or `unknown` may not have other keys: "+strings.Join(g.keys, ", "))
			}
			if value != nil && g.unknown != "" {
				errs.add(pos, "", "value or unknown", "a term is either known (`value`) or unknown, not both")
			}
			leaf := &node{kind: leafNode, pos: pos, unknown: g.unknown, assumption: g.assumption, note: g.note, cite: g.cite}
			if value != nil {
				if value.kind != leafNode {
					errs.add(value.pos, "", "a plain value or a list of values", "`value` must be a plain value")
				}
				leaf.scalar, leaf.scalars, leaf.isList = value.scalar, value.scalars, value.isList
				leaf.pos = value.pos
			}
			return leaf
		}
		return g
	}
	errs.add(pos, "", "a YAML value", "unexpected YAML node")
	return &node{kind: leafNode, pos: pos}
}

func (g *node) hasMeta(key string) bool {
	switch key {
	case "cite":
		return g.cite != nil
	case "assumption":
		return g.assumption != ""
	case "note":
		return g.note != ""
	case "unknown":
		return g.unknown != ""
	}
	return false
}

// parseCite reads "doc-id §1(b)" or {document: doc-id, section: "§1(b)"}.
func parseCite(y *yaml.Node) (Cite, error) {
	switch y.Kind {
	case yaml.ScalarNode:
		s := strings.TrimSpace(y.Value)
		if s == "" {
			return Cite{}, fmt.Errorf("empty citation")
		}
		doc, sec, _ := strings.Cut(s, " ")
		return Cite{Document: doc, Section: strings.TrimSpace(sec)}, nil
	case yaml.MappingNode:
		var c Cite
		for i := 0; i+1 < len(y.Content); i += 2 {
			switch y.Content[i].Value {
			case "document", "doc":
				c.Document = y.Content[i+1].Value
			case "section":
				c.Section = y.Content[i+1].Value
			default:
				return Cite{}, fmt.Errorf("unknown citation key %q (expected document, section)", y.Content[i].Value)
			}
		}
		if c.Document == "" {
			return Cite{}, fmt.Errorf("citation without a document")
		}
		return c, nil
	}
	return Cite{}, fmt.Errorf("a citation is a string or a map")
}

// Flat is one leaf term of the tree, for listing and diffing.
type Flat struct {
	Path       string `json:"path"`
	Value      string `json:"value,omitempty"`
	Unknown    string `json:"unknown,omitempty"`
	Assumption string `json:"assumption,omitempty"`
	Cite       Cite   `json:"cite"`
	Amendment  string `json:"amendment,omitempty"`
}

// flatten lists the leaves of the tree in written order, with the
// citation inherited from the nearest ancestor that has one.
func (n *node) flatten(prefix string, inherited Cite, assumption string, out *[]Flat) {
	c := inherited
	if n.cite != nil {
		c = *n.cite
	}
	if n.assumption != "" {
		assumption = n.assumption
	}
	switch n.kind {
	case leafNode:
		v := n.scalar
		if n.isList {
			v = "[" + strings.Join(n.scalars, ", ") + "]"
		}
		if n.unknown != "" {
			v = ""
		}
		*out = append(*out, Flat{Path: prefix, Value: v, Unknown: n.unknown, Assumption: assumption, Cite: c, Amendment: c.Amendment})
	case groupNode:
		for _, k := range n.keys {
			if k == "id" && n.id != "" {
				continue
			}
			n.kids[k].flatten(join(prefix, k), c, assumption, out)
		}
	case listNode:
		for _, it := range n.items {
			it.flatten(join(prefix, it.id), c, assumption, out)
		}
	}
}

func join(prefix, seg string) string {
	if prefix == "" {
		return seg
	}
	return prefix + "." + seg
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
