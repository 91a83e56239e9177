package web

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// The message shown after a change (303 See Other to a page with
// ?done=KEY and its values v=…) is one of a fixed set, written here: the
// address names the message and its figures, each of a checked form, so
// that a link cannot put words of its own on a page. An unknown key, or a
// value not of its form, shows nothing.
var (
	flashID     = regexp.MustCompile(`^[0-9]{1,19}$`)
	flashAmount = regexp.MustCompile(`^-?[0-9]{1,3}(,[0-9]{3})*\.[0-9]{2}$`)
	flashDate   = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	flashStatus = regexp.MustCompile(`^(approved|rejected|funded|requested|cancelled|withdrawn|submitted)$`)
	flashEmail  = regexp.MustCompile(`^[a-z0-9._%+\-]{1,64}@[a-z0-9.\-]{1,190}$`)
	flashSeries = regexp.MustCompile(`^[a-z0-9_]{1,40}$`)
	flashSlug   = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)
	flashRes    = regexp.MustCompile(`^(pending|approved|released)$`)
	flashFact   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_:.\-]{0,120}$`)
)

type flashMsg struct {
	text string // a format with one %s a value
	args []*regexp.Regexp
}

var flashes = map[string]flashMsg{
	"certificate_submitted":            {"Certificate %s as of %s was submitted for the lender's review.", []*regexp.Regexp{flashID, flashDate}},
	"certificate_submitted_supersedes": {"Certificate %s as of %s was submitted for the lender's review; it supersedes certificate %s once approved as such.", []*regexp.Regexp{flashID, flashDate, flashID}},
	"certificate_submitted_warning":    {"Certificate %s as of %s was submitted for the lender's review. It has a warning: read it below.", []*regexp.Regexp{flashID, flashDate}},
	"certificate_submitted_warnings":   {"Certificate %s as of %s was submitted for the lender's review. It has %s warnings: read them below.", []*regexp.Regexp{flashID, flashDate, flashID}},
	"certificate_supersedes_warning":   {"Certificate %s as of %s was submitted for the lender's review; it supersedes certificate %s once approved as such. It has a warning: read it below.", []*regexp.Regexp{flashID, flashDate, flashID}},
	"certificate_supersedes_warnings":  {"Certificate %s as of %s was submitted for the lender's review; it supersedes certificate %s once approved as such. It has %s warnings: read them below.", []*regexp.Regexp{flashID, flashDate, flashID, flashID}},
	"certificate_decided":              {"Certificate %s is %s.", []*regexp.Regexp{flashID, flashStatus}},
	"request_decided":                  {"Request %s is %s.", []*regexp.Regexp{flashID, flashStatus}},
	"reserve_set":                      {"Reserve %s is %s: a second lender approves it before it counts.", []*regexp.Regexp{flashSlug, flashRes}},
	"risk_rated":                       {"The facility is rated %s; the earlier ratings stay in its history.", []*regexp.Regexp{flashID}},
	"reserve_changed":                  {"Reserve %s is %s.", []*regexp.Regexp{flashSlug, flashRes}},
	"cash_imported":                    {"File %s was imported: %s credited to the loans, %s remitted to the borrower.", []*regexp.Regexp{flashID, flashAmount, flashAmount}},
	"cash_replayed":                    {"This file was imported before, as file %s: nothing was imported or posted again.", []*regexp.Regexp{flashID}},
	"repayment_pending":                {"The correction, a repayment of USD %s value %s, waits for a second lender’s approval (pending action %s).", []*regexp.Regexp{flashAmount, flashDate, flashID}},
	"repayment_recorded":               {"The repayment of USD %s value %s is recorded (transaction %s).", []*regexp.Regexp{flashAmount, flashDate, flashID}},
	"correction_waits":                 {"The correction, advance request %s of USD %s value %s, waits for a second lender’s approval.", []*regexp.Regexp{flashID, flashAmount, flashDate}},
	"correction_decided":               {"Correction %s is %s.", []*regexp.Regexp{flashID, flashStatus}},
	"correction_posted":                {"Correction %s is approved: the repayment is posted.", []*regexp.Regexp{flashID}},
	"statements_recorded":              {"%s period(s) recorded with their covenant tests.", []*regexp.Regexp{flashID}},
	"statements_restated":              {"%s period(s) recorded; %s restatement(s) of periods already reported wait for a lender’s acceptance (see the requests below).", []*regexp.Regexp{flashID, flashID}},
	"advance_funded":                   {"Advance request %s of USD %s value %s was funded.", []*regexp.Regexp{flashID, flashAmount, flashDate}},
	"advance_waits":                    {"Advance request %s of USD %s value %s waits for a lender's approval.", []*regexp.Regexp{flashID, flashAmount, flashDate}},
	"advance_decided":                  {"Advance request %s is %s.", []*regexp.Regexp{flashID, flashStatus}},
	"user_disabled":                    {"%s is disabled: their sessions ended and their API tokens are revoked.", []*regexp.Regexp{flashEmail}},
	"user_enabled":                     {"%s is enabled again (their API tokens stay revoked).", []*regexp.Regexp{flashEmail}},
	"token_revoked":                    {"The API token of %s is revoked.", []*regexp.Regexp{flashEmail}},
	"amendment_requested":              {"The draft previewed is asked for as pending action %s: a second lender approves it (or rejects it) among the amendments asked for on the terms page; until then no figure uses it.", []*regexp.Regexp{flashID}},
	"sessions_ended":                   {"%s session(s) of %s ended.", []*regexp.Regexp{flashID, flashEmail}},
	"rate_recorded":                    {"The value of %s from %s is recorded.", []*regexp.Regexp{flashSeries, flashDate}},
	"default_recorded":                 {"Event of default %s (occurred %s) is recorded.", []*regexp.Regexp{flashFact, flashDate}},
	"notice_recorded":                  {"Notice %s is recorded with when it takes effect.", []*regexp.Regexp{flashFact}},
	"waiver_requested":                 {"The waiver of %s is asked for as request %s: a second lender approves it (or rejects it) among the requests; until then the default continues.", []*regexp.Regexp{flashFact, flashID}},
	"fact_recorded":                    {"Recorded as fact record %s.", []*regexp.Regexp{flashID}},
	"loan_notice_given":                {"Notice %s for loan %s is given: it takes effect at the end of the loan's interest period.", []*regexp.Regexp{flashID, flashID}},
	"lc_issue":                         {"Letter of credit %s is issued; USD %s undrawn, USD %s drawn and not reimbursed.", []*regexp.Regexp{flashFact, flashAmount, flashAmount}},
	"lc_draw":                          {"The drawing under letter of credit %s is recorded; USD %s undrawn, USD %s drawn and not reimbursed.", []*regexp.Regexp{flashFact, flashAmount, flashAmount}},
	"lc_reimburse":                     {"The reimbursement under letter of credit %s is recorded; USD %s undrawn, USD %s drawn and not reimbursed.", []*regexp.Regexp{flashFact, flashAmount, flashAmount}},
	"lc_expire":                        {"The expiry of letter of credit %s is recorded; USD %s undrawn, USD %s drawn and not reimbursed.", []*regexp.Regexp{flashFact, flashAmount, flashAmount}},
	"exam_scheduled":                   {"Field exam %s is scheduled.", []*regexp.Regexp{flashID}},
	"exam_performed":                   {"Field exam %s is recorded performed: the next exam is due a frequency after its report.", []*regexp.Regexp{flashID}},
	"finding_recorded":                 {"Finding %s of field exam %s is recorded.", []*regexp.Regexp{flashID, flashID}},
	"finding_disposed":                 {"Finding %s of field exam %s is disposed of: %s.", []*regexp.Regexp{flashID, flashID, flashFact}},
	"rates_imported":                   {"%s value(s) of %s imported; %s were already recorded.", []*regexp.Regexp{flashID, flashSeries, flashID}},
}

// flashQuery is the query of a message: done=key and its values.
func flashQuery(key string, args ...string) string {
	m, ok := flashes[key]
	if !ok || len(args) != len(m.args) {
		panic(fmt.Sprintf("web: message %q with %d values", key, len(args)))
	}
	v := url.Values{"done": {key}}
	v["v"] = args
	return v.Encode()
}

// flashText is the message a query names, "" if none or not of its form.
func flashText(q url.Values) string {
	m, ok := flashes[q.Get("done")]
	if !ok || len(q["v"]) != len(m.args) {
		return ""
	}
	vals := make([]any, len(m.args))
	for i, re := range m.args {
		a := q["v"][i]
		if !re.MatchString(a) {
			return ""
		}
		vals[i] = a
	}
	return fmt.Sprintf(m.text, vals...)
}

// done answers 303 See Other to a page with a message of the set.
func (rq *req) done(path, key string, args ...string) error {
	path, frag, _ := strings.Cut(path, "#")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	path += sep + flashQuery(key, args...)
	if frag != "" {
		path += "#" + frag
	}
	return rq.redirect(path, "")
}

// Flash is the message the page at a redirect's location shows ("" none).
func Flash(location string) string {
	u, err := url.Parse(location)
	if err != nil {
		return ""
	}
	return flashText(u.Query())
}
