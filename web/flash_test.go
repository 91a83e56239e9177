package web

import (
	"net/url"
	"testing"
)

// TestFlashIsOfTheSet pins the sweep's finding: ?done= put any text on
// any page. Only a message of the set shows, with values of their form.
func TestFlashIsOfTheSet(t *testing.T) {
	for q, want := range map[string]string{
		"done=Your+account+is+locked:+call+555-0100":           "",
		"done=advance_funded&v=7&v=1,000.00&v=2004-10-05":      "Advance request 7 of USD 1,000.00 value 2004-10-05 was funded.",
		"done=advance_funded&v=7&v=call+555-0100&v=2004-10-05": "",
		"done=advance_funded&v=7&v=1,000.00":                   "",
		"done=advance_decided&v=7&v=stolen":                    "",
		"done=sessions_ended&v=2&v=ann@bank.example":           "2 session(s) of ann@bank.example ended.",
		"done=sessions_ended&v=2&v=<script>@x":                 "",
		"done=certificate_decided&v=12&v=approved&v=extra":     "",
		"done=statements_restated&v=1&v=2":                     "1 period(s) recorded; 2 restatement(s) of periods already reported wait for a lender’s acceptance (see the requests below).",
	} {
		v, _ := url.ParseQuery(q)
		if got := flashText(v); got != want {
			t.Errorf("?%s shows %q, want %q", q, got, want)
		}
	}
	// Every message the pages send shows as written.
	for key, m := range flashes {
		args := make([]string, len(m.args))
		for i, re := range m.args {
			for _, c := range []string{"12", "1,250.00", "2004-10-05", "approved", "ann@bank.example"} {
				if re.MatchString(c) {
					args[i] = c
					break
				}
			}
		}
		if got := Flash("/x?" + flashQuery(key, args...)); got == "" {
			t.Errorf("message %s with %q shows nothing", key, args)
		}
	}
}
