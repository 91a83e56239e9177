package defaults

import (
	"strings"

	"revolver/date"
)

// ICS writes the deadlines that have a due date as an iCalendar (RFC 5545)
// calendar: one all-day VEVENT per deadline, CRLF line ends, lines folded at
// 75 octets. The UID is the deadline's ID at the facility, so re-importing an
// updated export updates events instead of duplicating them; DTSTAMP is the
// as-of date (the engine has no clock), so the same input gives the same bytes.
func ICS(facility string, asOf date.Date, ds []Deadline) []byte {
	var b strings.Builder
	line := func(s string) { foldLine(&b, s) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//revolver//deadlines//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + escapeText(facility+" deadlines"))
	stamp := icsDate(asOf) + "T000000Z"
	for _, d := range ds {
		if d.Due == 0 {
			continue
		}
		line("BEGIN:VEVENT")
		line("UID:" + escapeText(d.ID+"@"+facility+".revolver"))
		line("DTSTAMP:" + stamp)
		line("DTSTART;VALUE=DATE:" + icsDate(d.Due))
		line("DTEND;VALUE=DATE:" + icsDate(d.Due+1))
		line("SUMMARY:" + escapeText("["+d.Status+"] "+d.Label))
		desc := d.Rule
		if cite := citeText(d.Cite); cite != "" {
			desc = cite + ". " + desc
		}
		if d.Reason != "" {
			desc += ". " + d.Reason
		}
		if d.Consequence != "" {
			desc += ". If not done: " + d.Consequence
		}
		line("DESCRIPTION:" + escapeText(desc))
		line("CATEGORIES:" + escapeText(d.Kind))
		if d.Status == StatusMet || d.Status == StatusLate {
			line("STATUS:CONFIRMED")
		} else {
			line("STATUS:TENTATIVE")
		}
		line("TRANSP:TRANSPARENT")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return []byte(b.String())
}

func icsDate(d date.Date) string {
	return strings.ReplaceAll(d.String(), "-", "")
}

// escapeText escapes a TEXT value (RFC 5545 §3.3.11).
func escapeText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// foldLine writes s with CRLF, folding at 75 octets without splitting a
// UTF-8 sequence (RFC 5545 §3.1).
func foldLine(b *strings.Builder, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
