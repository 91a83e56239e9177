package agreement

import "revolver/date"

// Compare lists the terms in force on d that differ between two readings
// of a facility's documents — before and after a draft document is added
// (a draft's preview) — each changed, added or removed, by the draft by.
func Compare(before, after *Facility, d date.Date, by string) []Difference {
	a, b := before.Flat(d), after.Flat(d)
	am := make(map[string]Flat, len(a))
	for _, x := range a {
		am[x.Path] = x
	}
	bm := make(map[string]Flat, len(b))
	for _, x := range b {
		bm[x.Path] = x
	}
	var ids []string
	if by != "" {
		ids = []string{by}
	}
	var out []Difference
	for _, x := range a {
		x := x
		y, ok := bm[x.Path]
		switch {
		case !ok:
			out = append(out, Difference{Path: x.Path, Change: "removed", From: &x, By: ids})
		case x.Value != y.Value || x.Unknown != y.Unknown || x.Cite != y.Cite || x.Assumption != y.Assumption:
			y := y
			out = append(out, Difference{Path: x.Path, Change: "changed", From: &x, To: &y, By: ids})
		}
	}
	for _, y := range b {
		if _, ok := am[y.Path]; !ok {
			y := y
			out = append(out, Difference{Path: y.Path, Change: "added", To: &y, By: ids})
		}
	}
	return out
}
