package covenant

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"revolver/explain"
)

// jsonTest is a test as written in JSON. Figures are decimal strings
// (amounts with two decimals, ratios with RatioDecimals); "" when not known.
type jsonTest struct {
	Covenant  string         `json:"covenant"`
	PeriodEnd string         `json:"period_end"`
	Actual    string         `json:"actual"`
	Required  string         `json:"required"`
	Result    string         `json:"result"`
	Headroom  string         `json:"headroom"`
	Reason    string         `json:"reason"`
	Waiver    *jsonWaiver    `json:"waiver,omitempty"`
	Cites     []explain.Cite `json:"cites"`
	Explain   *explain.Node  `json:"explain,omitempty"`
}

func (t *Test) json(withExplain bool) jsonTest {
	j := jsonTest{
		Covenant: t.Covenant, PeriodEnd: t.PeriodEnd.String(),
		Actual: t.Actual.String(), Required: t.Required.String(),
		Result: t.Result, Headroom: t.Headroom.String(), Reason: t.Reason,
		Cites: t.Cites,
	}
	if j.Cites == nil {
		j.Cites = []explain.Cite{}
	}
	if w := t.Waiver; w != nil {
		j.Waiver = &jsonWaiver{Letter: w.Letter, Document: w.Document, Effective: w.Effective.String(), Cite: w.Cite, Conditions: w.Conditions, Text: w.Text()}
	}
	if withExplain {
		j.Explain = t.Explain
	}
	return j
}

// jsonWaiver is the waiver of a failing test: the result stays "fail".
type jsonWaiver struct {
	Letter     string       `json:"letter"`
	Document   string       `json:"document"`
	Effective  string       `json:"effective"`
	Cite       explain.Cite `json:"cite"`
	Conditions []string     `json:"conditions,omitempty"`
	Text       string       `json:"text"`
}

// MarshalJSON writes {"tests": [{"covenant", "period_end", "actual",
// "required", "result", "headroom", "reason", "cites"}, …]} in the result's
// order.
func (r Result) MarshalJSON() ([]byte, error) { return r.JSON(false) }

// JSON writes the result as MarshalJSON does; with withExplain each test also
// carries its explanation under "explain".
func (r *Result) JSON(withExplain bool) ([]byte, error) {
	out := struct {
		Tests []jsonTest `json:"tests"`
	}{Tests: make([]jsonTest, 0, len(r.Tests))}
	for i := range r.Tests {
		out.Tests = append(out.Tests, r.Tests[i].json(withExplain))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// Table renders the result as a text table, one test a row, numbers right
// aligned (amounts with thousands separators), and the reason of every test
// that did not pass under it.
func (r *Result) Table() string {
	header := []string{"Period end", "FY/Q", "Covenant", "Actual", "Required", "Headroom", "Result"}
	right := []bool{false, false, false, true, true, true, false}
	rows := [][]string{header}
	var notes [][]string
	for i := range r.Tests {
		t := &r.Tests[i]
		hr := t.Headroom.Grouped()
		if t.LineHeadroom != nil {
			hr += " (" + t.HeadroomLine + " " + t.LineHeadroom.Grouped() + ")"
		}
		rows = append(rows, []string{
			t.PeriodEnd.String(), fyq(t), t.Covenant,
			dash(t.Actual.Grouped()), dash(t.Required.Grouped()), dash(hr), t.ResultText(),
		})
		if t.Reason != "" {
			reason := t.Reason
			if t.Waiver != nil {
				reason += "; " + t.Waiver.Text()
			}
			notes = append(notes, []string{t.PeriodEnd.String(), t.Covenant, t.Result, reason})
		}
	}
	width := make([]int, len(header))
	for _, row := range rows {
		for c, v := range row {
			if n := utf8.RuneCountInString(v); n > width[c] {
				width[c] = n
			}
		}
	}
	var b strings.Builder
	for ri, row := range rows {
		for c, v := range row {
			if c > 0 {
				b.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[c]-utf8.RuneCountInString(v))
			if right[c] {
				b.WriteString(pad + v)
			} else if c == len(row)-1 {
				b.WriteString(v)
			} else {
				b.WriteString(v + pad)
			}
		}
		b.WriteByte('\n')
		if ri == 0 {
			total := 0
			for _, w := range width {
				total += w
			}
			b.WriteString(strings.Repeat("-", total+2*(len(width)-1)) + "\n")
		}
	}
	if len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			b.WriteString(n[0] + " " + n[1] + " " + n[2] + ": " + n[3] + "\n")
		}
	}
	return b.String()
}

func fyq(t *Test) string {
	return itoa(t.FiscalYear) + "/Q" + itoa(t.FiscalQuarter)
}

func itoa(n int) string { return strconv.Itoa(n) }

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
