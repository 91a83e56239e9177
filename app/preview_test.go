package app

import (
	"context"
	"strings"
	"testing"

	"revolver/date"
	"revolver/money"
	"revolver/store"
)

const commitmentDraft = `revolver: amendment/1
facility: btu-sovereign
id: second-amendment
document: first-amendment
effective: 2004-10-14
order: 2
changes:
  - op: replace
    path: commitment
    value: 1000000.00
    cite: first-amendment §1(b)
  - op: replace
    path: termination_date
    value: 2008-05-31
    cite: first-amendment §1(a)
`

// A draft's preview: its lint, the terms it changes and its effect on
// availability and the deadlines, beside the figures without it; nothing
// is stored, and the facility's figures afterwards are those before it.
func TestPreviewDraft(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		ctx := context.Background()
		c := e.mustSubmit("2004-10-03", e.recv)
		if _, err := e.approve(c, 0); err != nil {
			t.Fatal(err)
		}
		asOf := date.MustParse("2004-10-15")
		docsBefore, err := s.Documents(ctx, "btu")
		if err != nil {
			t.Fatal(err)
		}
		availBefore, err := e.svc.Availability(ctx, "btu", asOf, store.Everything)
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.svc.PreviewDraft(ctx, "btu", AmendmentFile{Name: "second-amendment.yaml", Content: commitmentDraft}, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Problems) != 0 || p.Kind != "amendment" || p.Effective != date.MustParse("2004-10-14") || p.SHA256 != DraftSHA256(commitmentDraft) {
			t.Fatalf("preview: problems %q, kind %q, effective %s, sha %s", p.Problems, p.Kind, p.Effective, p.SHA256)
		}
		changed := map[string]bool{}
		for _, d := range p.Terms {
			changed[d.Path] = d.Change == "changed" && len(d.By) == 1 && d.By[0] == "second-amendment"
		}
		if len(p.Terms) != 2 || !changed["commitment"] || !changed["termination_date"] {
			t.Errorf("terms changed: %+v, want commitment and termination_date by second-amendment", p.Terms)
		}
		if p.Availability.Before == nil || p.Availability.After == nil {
			t.Fatalf("availability: %+v", p.Availability)
		}
		if p.Availability.Before.Available != availBefore.Available || p.Availability.Before.Commitment != 14_000_000_00 {
			t.Errorf("availability before: %s (commitment %s), want %s as the use case answers it", p.Availability.Before.Available, p.Availability.Before.Commitment, availBefore.Available)
		}
		if a := p.Availability.After; a.Commitment != money.Amount(1_000_000_00) || a.Available > 1_000_000_00 || a.Binding != "commitment" {
			t.Errorf("availability with the draft: commitment %s, available %s, binding %s; want the commitment of 1,000,000.00 binding", a.Commitment, a.Available, a.Binding)
		}
		var termination *DeadlinePreview
		for i := range p.Deadlines {
			if strings.Contains(p.Deadlines[i].ID, "termination") && p.Deadlines[i].Changed {
				termination = &p.Deadlines[i]
			}
		}
		if termination == nil || termination.After == nil || termination.After.Date != date.MustParse("2008-05-31") {
			t.Errorf("deadlines: no changed termination deadline on 2008-05-31: %+v", p.Deadlines)
		}
		// Nothing stored, and the figures without the draft are unchanged.
		docsAfter, _ := s.Documents(ctx, "btu")
		if len(docsAfter) != len(docsBefore) {
			t.Errorf("documents: %d after the preview, %d before", len(docsAfter), len(docsBefore))
		}
		if a, err := e.svc.Availability(ctx, "btu", asOf, store.Everything); err != nil || a.Available != availBefore.Available || a.Commitment != 14_000_000_00 {
			t.Errorf("availability after the preview: %s (commitment %s) %v, want %s as before", a.Available, a.Commitment, err, availBefore.Available)
		}
		// A draft that does not pass lint: its problems, nothing computed.
		bad := strings.Replace(commitmentDraft, "path: commitment", "path: commitmnet", 1)
		p, err = e.svc.PreviewDraft(ctx, "btu", AmendmentFile{Name: "second-amendment.yaml", Content: bad}, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Problems) == 0 || !strings.Contains(strings.Join(p.Problems, "\n"), "second-amendment.yaml:") || p.Availability.After != nil || len(p.Terms) != 0 {
			t.Errorf("a draft with a wrong path: problems %q, availability %+v, terms %d; want its problem at its line, nothing computed", p.Problems, p.Availability.After, len(p.Terms))
		}
		if _, err := e.svc.PreviewDraft(ctx, "btu", AmendmentFile{Name: "../x.yaml", Content: commitmentDraft}, asOf); store.ErrorCode(err) != store.CodeInvalid {
			t.Errorf("a draft named ../x.yaml: %v, want invalid", err)
		}
	})
}

// Recording a previewed draft records exactly what was previewed: a
// request naming the preview's SHA-256 with other content is refused.
func TestRecordPreviewed(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		ctx := context.Background()
		p, err := e.svc.PreviewDraft(ctx, "btu", AmendmentFile{Name: "second-amendment.yaml", Content: commitmentDraft}, date.MustParse("2004-10-15"))
		if err != nil || len(p.Problems) != 0 {
			t.Fatalf("preview: %v %q", err, p.Problems)
		}
		changed := strings.Replace(commitmentDraft, "1000000.00", "2000000.00", 1)
		if _, err := e.svc.RequestAmendment(ctx, "btu", AmendmentFile{Name: "second-amendment.yaml", Content: changed, Previewed: p.SHA256}, "officer@bank"); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "not the draft previewed") {
			t.Fatalf("a request whose content is not the draft previewed: %v, want invalid", err)
		}
		pend, err := e.svc.RequestAmendment(ctx, "btu", AmendmentFile{Name: "second-amendment.yaml", Content: commitmentDraft, Previewed: p.SHA256}, "officer@bank")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(pend.Payload), p.SHA256) {
			t.Errorf("the pending amendment does not keep the preview's SHA-256: %s", pend.Payload)
		}
	})
}
