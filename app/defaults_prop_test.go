package app

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"revolver/date"
	"revolver/defaults"
	"revolver/store"
)

// Property: building facts from any sequence of append-only records keeps
// one policy and one debt per id, each as its last record said; the
// continuations of a filing are the union of those recorded, in order; a
// notice carries its last confirmation.
func TestFactsFromSupersedes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 40).Draw(t, "n")
		var recs []store.FactRecord
		lastPolicy := map[string]defaults.Policy{}
		lastDebt := map[string]defaults.OtherDebt{}
		conts := map[date.Date]bool{}
		var notices []int64
		lastConf := map[string]time.Time{}
		base := date.MustParse("2004-01-01")
		for i := 0; i < n; i++ {
			id := int64(i + 1)
			r := store.FactRecord{ID: id}
			switch rapid.IntRange(0, 4).Draw(t, "kind") {
			case 0:
				p := defaults.Policy{ID: rapid.SampledFrom([]string{"A", "B", "C"}).Draw(t, "policy"), Insurer: "I",
					Effective: base, Expires: base.AddDays(rapid.IntRange(1, 900).Draw(t, "days"))}
				r.Kind, r.Subject = store.FactPolicy, p.ID
				r.Body, _ = json.Marshal(p)
				lastPolicy[p.ID] = p
			case 1:
				o := defaults.OtherDebt{ID: rapid.SampledFrom([]string{"x", "y"}).Draw(t, "debt"), Creditor: "c",
					Amount: 1, Disputed: rapid.Bool().Draw(t, "disputed")}
				r.Kind, r.Subject = store.FactOtherDebt, o.ID
				r.Body, _ = json.Marshal(o)
				lastDebt[o.ID] = o
			case 2:
				c := base.AddDays(rapid.IntRange(0, 3000).Draw(t, "cont"))
				r.Kind, r.Subject = store.FactFiling, "ucc1"
				r.Body, _ = json.Marshal(defaults.FilingRecord{Filing: "ucc1", Continuations: []date.Date{c}})
				conts[c] = true
			case 3:
				r.Kind = store.FactNotice
				r.Body, _ = json.Marshal(NoticeBody{Notice: defaults.Notice{Method: "fax", Sent: time.Date(2006, 1, 2, 10, 0, 0, 0, time.UTC)}})
				notices = append(notices, id)
			case 4:
				if len(notices) == 0 {
					continue
				}
				nid := noticeID(rapid.SampledFrom(notices).Draw(t, "notice"))
				c := time.Date(2006, 1, 2, 10, rapid.IntRange(0, 59).Draw(t, "min"), 0, 0, time.UTC)
				r.Kind, r.Subject = store.FactNoticeConfirmation, nid
				r.Body, _ = json.Marshal(ConfirmationBody{Notice: nid, Confirmed: &c})
				lastConf[nid] = c
			}
			recs = append(recs, r)
		}
		f := FactsFrom(recs)
		if len(f.Policies) != len(lastPolicy) {
			t.Fatalf("policies %d, want %d", len(f.Policies), len(lastPolicy))
		}
		for _, p := range f.Policies {
			if w := lastPolicy[p.ID]; w.Expires != p.Expires {
				t.Fatalf("policy %s expires %s, want %s", p.ID, p.Expires, w.Expires)
			}
		}
		if len(f.OtherDebts) != len(lastDebt) {
			t.Fatalf("debts %d, want %d", len(f.OtherDebts), len(lastDebt))
		}
		for _, o := range f.OtherDebts {
			if lastDebt[o.ID] != o {
				t.Fatalf("debt %+v, want %+v", o, lastDebt[o.ID])
			}
		}
		var want []date.Date
		for c := range conts {
			want = append(want, c)
		}
		slices.Sort(want)
		var got []date.Date
		if len(f.Filings) > 0 {
			got = f.Filings[0].Continuations
		}
		if !slices.Equal(got, want) {
			t.Fatalf("continuations %v, want %v", got, want)
		}
		if len(f.Notices) != len(notices) {
			t.Fatalf("notices %d, want %d", len(f.Notices), len(notices))
		}
		for _, n := range f.Notices {
			c, ok := lastConf[n.ID]
			if ok != (n.Confirmed != nil) || ok && !n.Confirmed.Equal(c) {
				t.Fatalf("notice %s confirmed %v, want %v (%v)", n.ID, n.Confirmed, c, ok)
			}
		}
	})
}
