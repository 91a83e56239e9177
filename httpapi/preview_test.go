package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"revolver/store"
)

// POST …/amendments/preview answers the draft's effect with each side's
// availability under the API's names, and stores nothing; a draft that
// does not pass lint answers its problems.
func TestPreviewDraftRoute(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		as := e.email[store.RoleLenderOfficer]
		before := e.snapshot()
		draft := strings.Replace(amendmentYAML, "2005-06-01", "2004-10-14", 1)
		r := e.do(as, jsonReq("POST", "/api/v1/facilities/"+own+"/amendments/preview", map[string]string{"name": "draft.yaml", "content": draft, "as_of": "2004-10-15"}))
		if r.status != 200 {
			t.Fatalf("preview: %d %s", r.status, r.body)
		}
		m := r.json(t)
		av := m["availability"].(map[string]any)
		b, a := av["before"].(map[string]any), av["after"].(map[string]any)
		if b["commitment"] != "14000000.00" || a["commitment"] != "16000000.00" {
			t.Errorf("commitment before %v, after %v; want 14000000.00 and 16000000.00", b["commitment"], a["commitment"])
		}
		if terms := m["terms"].([]any); len(terms) != 1 || terms[0].(map[string]any)["path"] != "commitment" {
			t.Errorf("terms changed: %v", terms)
		}
		if m["sha256"] == "" || len(m["problems"].([]any)) != 0 {
			t.Errorf("sha256 %v, problems %v", m["sha256"], m["problems"])
		}
		if after := e.snapshot(); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("a preview stored something: %v before, %v after", before, after)
		}
		bad := e.do(as, jsonReq("POST", "/api/v1/facilities/"+own+"/amendments/preview", map[string]string{"name": "draft.yaml", "content": strings.Replace(draft, "path: commitment", "path: commitmnet", 1)}))
		if bad.status != 200 || !strings.Contains(string(bad.body), "draft.yaml:") {
			t.Errorf("a draft with a wrong path: %d %s, want 200 with its problem at its line", bad.status, bad.body)
		}
	})
}
