package web

import (
	"net/http"
	"testing"

	"revolver/app"
)

// Regression (security sweep): next=/%09/evil after sign-in redirected to
// "/\t/evil", which a browser follows as //evil. Only same-site paths are
// kept, after decoding.
func TestSafeNextDecoded(t *testing.T) {
	for in, want := range map[string]string{
		"/facilities/btu": "/facilities/btu", "/facilities/btu?as_of=2004-10-04": "/facilities/btu?as_of=2004-10-04",
		"/\t/evil": "/", "/\n/evil": "/", "//evil": "/", "/\\evil": "/", "/%2F/evil": "/", "/%09/evil": "/", "/%5Cevil": "/",
		"https://evil.example/": "/", "evil": "/", "": "/", "/ok%20path": "/ok%20path",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// Regression (security sweep): /static/ listed its directory.
func TestStaticListsNoDirectory(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		for _, p := range []string{"/static/", "/static"} {
			resp, err := http.Get(e.srv.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMovedPermanently {
				t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
			}
		}
		resp, err := http.Get(e.srv.URL + "/static/style.css")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET /static/style.css: %d", resp.StatusCode)
		}
	})
}

// Regression (security sweep): borrower-supplied values starting with =,
// +, -, @, a tab or a carriage return came out verbatim in the CSV exports.
func TestCSVCellsCarryNoFormula(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1+1": "'+1+1", "-2+3": "'-2+3", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"-1,250.00": "-1,250.00", "+42": "+42", "ACME Corp": "ACME Corp", "": "",
	} {
		if got := app.CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}
