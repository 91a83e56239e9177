package web

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"revolver/store"
)

// TestWebDoesNotImportTheAPI: the pages call the use cases of package app
// directly; no file of package web (tests aside) imports revolver/httpapi,
// nor sends a request to the API handler it mounts under /api/: none
// imports net/http/httptest, builds a request (http.NewRequest…), writes
// answers into a recorder of its own (a WriteHeader method), or uses the
// API handler for anything but mounting it (the Handle of its route).
func TestWebDoesNotImportTheAPI(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files: %v", err)
	}
	fset := token.NewFileSet()
	mounted := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "revolver/httpapi" || p == "net/http/httptest" {
				t.Errorf("%s imports %s", name, p)
			}
		}
		// The API handler (the server's field api, and the Config's API)
		// may appear only as the handler of a Handle call.
		handled := map[ast.Node]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
					switch sel.Sel.Name {
					case "Handle":
						for _, a := range n.Args {
							handled[a] = true
						}
					case "NewRequest", "NewRequestWithContext":
						t.Errorf("%s: %s builds a request (the pages call the use cases)", fset.Position(n.Pos()), sel.Sel.Name)
					}
				}
			case *ast.FuncDecl:
				if n.Recv != nil && n.Name.Name == "WriteHeader" {
					t.Errorf("%s: %s writes answers into a recorder of its own", fset.Position(n.Pos()), n.Name.Name)
				}
			case *ast.SelectorExpr:
				if n.Sel.Name == "api" {
					if handled[n] {
						mounted++
					} else {
						t.Errorf("%s: the API handler is used for more than mounting it under /api/", fset.Position(n.Pos()))
					}
				}
			}
			return true
		})
	}
	if mounted != 1 {
		t.Errorf("the API handler is mounted %d times, want once (under /api/)", mounted)
	}
}

// auditOf returns the audit records whose route is route.
func (e *env) auditOf(t *testing.T, route string) []store.AuditRecord {
	t.Helper()
	recs, err := e.acc.AuditRecords(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.AuditRecord
	for _, r := range recs {
		if r.Route == route {
			out = append(out, r)
		}
	}
	return out
}

// TestWebChangesAreTheUseCases: a change made on a page is the use case's,
// with the signed-in user as its actor: the audit record is appended by
// the use case's store transaction, naming the user and the page's route;
// the same form sent twice (its idempotency key) is one change.
func TestWebChangesAreTheUseCases(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b := e.signIn(t, "controller@btu.example")
	mustStatus(t, "upload", b.upload("btu", "2004-10-03", e.exampleUpload()).StatusCode, http.StatusSeeOther)
	subs := e.auditOf(t, "web POST /facilities/{slug}/certificates")
	if len(subs) != 1 || subs[0].Actor != "controller@btu.example" || subs[0].Facility != "btu" || !strings.Contains(string(subs[0].After), `"what":"certificate"`) {
		t.Fatalf("audit records of the upload: %+v", subs)
	}

	l := e.signIn(t, "officer@bank.example")
	for i := 0; i < 2; i++ {
		resp := l.post("/facilities/btu/certificates/1/approve", url.Values{"comment": {"checked"}, "idempotency_key": {"same-a"}})
		mustStatus(t, fmt.Sprintf("approve %d", i+1), resp.StatusCode, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); !strings.Contains(Flash(loc), "is approved") {
			t.Errorf("approve %d: redirected to %s", i+1, loc)
		}
	}
	if got := e.auditOf(t, "web POST /facilities/{slug}/certificates/{id}/{decision}"); len(got) != 1 || got[0].Actor != "officer@bank.example" {
		t.Errorf("audit records of the approval sent twice: %+v", got)
	}

	// An advance form sent twice is one request and one posting.
	for i := 0; i < 2; i++ {
		resp := b.post("/facilities/btu/advances", url.Values{"amount": {"100,000.00"}, "value_date": {"2004-10-05"}, "idempotency_key": {"same-k"}})
		mustStatus(t, fmt.Sprintf("advance %d", i+1), resp.StatusCode, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); !strings.Contains(Flash(loc), "was funded") {
			t.Errorf("advance %d: redirected to %s", i+1, loc)
		}
	}
	rs, _ := e.st.AdvanceRequests(ctx, "btu")
	txs, _ := e.st.Transactions(ctx, "btu")
	if len(rs) != 1 || len(txs) != 1 {
		t.Errorf("the advance form sent twice stored %d requests and %d transactions", len(rs), len(txs))
	}
	adv := e.auditOf(t, "web POST /facilities/{slug}/advances")
	if len(adv) != 1 || adv[0].Actor != "controller@btu.example" || !strings.Contains(string(adv[0].After), `"what":"transaction"`) {
		t.Errorf("audit records of the advance: %+v", adv)
	}
	// Another form (another key) is another request.
	mustStatus(t, "second advance", b.post("/facilities/btu/advances", url.Values{"amount": {"1,000.00"}, "value_date": {"2004-10-05"}, "idempotency_key": {"other-k"}}).StatusCode, http.StatusSeeOther)
	if rs, _ := e.st.AdvanceRequests(ctx, "btu"); len(rs) != 2 {
		t.Errorf("a second form stored %d requests in all, want 2", len(rs))
	}
}

// TestWebRefusalsAreTheUseCases: what the role matrix or the maker-checker
// rule refuses is refused on the page with the use case's reason, and
// nothing is stored.
func TestWebRefusalsAreTheUseCases(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	o := e.signIn(t, "officer@bank.example")
	mustStatus(t, "officer uploads", o.upload("btu", "2004-10-03", e.exampleUpload()).StatusCode, http.StatusSeeOther)
	resp, page := o.postPage("/facilities/btu/certificates/1/approve", url.Values{"idempotency_key": {"own"}})
	mustStatus(t, "officer approves their own certificate", resp.StatusCode, http.StatusForbidden)
	if !strings.Contains(page, "Refused, and nothing was changed: certificate 1 was submitted by officer@bank.example: someone else must approve or reject it") {
		t.Errorf("refusal page: %s", page[strings.Index(page, "<main"):min(len(page), strings.Index(page, "<main")+600)])
	}
	if c, _ := e.st.Certificate(ctx, 1); c.Status != store.Submitted {
		t.Errorf("the certificate is %s", c.Status)
	}
	an := e.signIn(t, "analyst@bank.example")
	resp, page = an.postPage("/facilities/btu/advances", url.Values{"amount": {"1.00"}, "value_date": {"2004-10-05"}})
	mustStatus(t, "analyst requests an advance", resp.StatusCode, http.StatusForbidden)
	if !strings.Contains(page, "Your role (lender analyst) cannot request advances") {
		t.Errorf("analyst's refusal: %s", page[strings.Index(page, "<main"):min(len(page), strings.Index(page, "<main")+600)])
	}
	resp, page = o.postPage("/facilities/btu/advances", url.Values{"amount": {"12x"}, "value_date": {"2004-10-05"}})
	mustStatus(t, "an amount that is not one", resp.StatusCode, http.StatusBadRequest)
	if !strings.Contains(page, `The amount &#34;12x&#34; is not an amount`) {
		t.Errorf("bad amount: %s", page[strings.Index(page, "<main"):min(len(page), strings.Index(page, "<main")+600)])
	}
	if rs, _ := e.st.AdvanceRequests(ctx, "btu"); len(rs) != 0 {
		t.Errorf("refused requests stored %v", rs)
	}
}
