package app

import (
	"bytes"
	"encoding/json"
	"fmt"

	"revolver/money"
)

// CertificateComponent is one component of a certificate as it was
// submitted: its eligible amount, advance rate, advance, cap, reserves and
// availability and, with a last-out tranche, its last-out increment and
// what the increment adds (its share of the last-out borrowing base).
// Figures are decimal strings; "" when the component has none (no cap, no
// reserves), "undetermined" when a term they need is unknown.
type CertificateComponent struct {
	Class        string `json:"class"`
	ID           string `json:"id"`
	Eligible     string `json:"eligible,omitempty"`
	AdvanceRate  string `json:"advance_rate"` // a percentage, e.g. "85%"
	Advance      string `json:"advance,omitempty"`
	Cap          string `json:"cap,omitempty"`
	Reserves     string `json:"reserves,omitempty"`
	Availability string `json:"availability"`
	// LastOutRate is the last-out increment ("5%"), LastOut what it adds.
	LastOutRate string `json:"last_out_rate,omitempty"`
	LastOut     string `json:"last_out,omitempty"`
}

// CertificateTranches are a certificate's borrowing bases by tranche:
// the first-out borrowing base (the certificate's borrowing base), the
// last-out one (Σ of the components' last-out figures, at most Cap) and
// their total.
type CertificateTranches struct {
	FirstOut string `json:"first_out"`
	Sum      string `json:"sum"`
	Cap      string `json:"cap,omitempty"`
	LastOut  string `json:"last_out"`
	Margin   string `json:"margin,omitempty"`
	Total    string `json:"total"`
}

// CertificateSummary is what the certificate pages show above its lines:
// each component, and the tranches when the terms have a last-out tranche.
type CertificateSummary struct {
	Components []CertificateComponent `json:"components"`
	Tranches   *CertificateTranches   `json:"tranches,omitempty"`
}

// SummarizeCertificate reads the summary from a certificate's stored body
// (borrowingbase.Certificate's JSON, as submitted: never a recomputation).
func SummarizeCertificate(body json.RawMessage) (CertificateSummary, error) {
	var out CertificateSummary
	if len(body) == 0 {
		return out, nil
	}
	top, err := orderedObject(body)
	if err != nil {
		return out, fmt.Errorf("certificate body: %w", err)
	}
	var bb string
	for _, kv := range top {
		switch kv.key {
		case "receivables", "inventory", "fixed_assets":
			var sec map[string]json.RawMessage
			if err := json.Unmarshal(kv.val, &sec); err != nil {
				return out, fmt.Errorf("certificate body %s: %w", kv.key, err)
			}
			if comps, ok := sec["components"]; ok {
				parts, err := orderedObject(comps)
				if err != nil {
					return out, fmt.Errorf("certificate body %s components: %w", kv.key, err)
				}
				for _, p := range parts {
					c, err := componentOf(kv.key, p.key, p.val)
					if err != nil {
						return out, err
					}
					out.Components = append(out.Components, c)
				}
				continue
			}
			if _, ok := sec["advance_rate"]; ok {
				c, err := componentOf(kv.key, kv.key, kv.val)
				if err != nil {
					return out, err
				}
				out.Components = append(out.Components, c)
			}
		case "borrowing_base":
			bb = figureText(kv.val)
		case "last_out":
			var lo struct {
				Sum, Cap, BorrowingBase, Margin json.RawMessage
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(kv.val, &m); err != nil {
				return out, fmt.Errorf("certificate body last_out: %w", err)
			}
			lo.Sum, lo.Cap, lo.BorrowingBase, lo.Margin = m["sum"], m["cap"], m["borrowing_base"], m["margin"]
			out.Tranches = &CertificateTranches{FirstOut: bb, Sum: figureText(lo.Sum), LastOut: figureText(lo.BorrowingBase), Margin: percentText(lo.Margin)}
			if lo.Cap != nil {
				out.Tranches.Cap = figureText(lo.Cap)
			}
		case "total_borrowing_base":
			if out.Tranches != nil {
				out.Tranches.Total = figureText(kv.val)
			}
		}
	}
	return out, nil
}

func componentOf(class, id string, raw json.RawMessage) (CertificateComponent, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return CertificateComponent{}, fmt.Errorf("certificate body component %s: %w", id, err)
	}
	c := CertificateComponent{Class: class, ID: id, AdvanceRate: percentText(m["advance_rate"]), Availability: figureText(m["availability"])}
	if v, ok := m["eligible"]; ok {
		c.Eligible = figureText(v)
	}
	if v, ok := m["advance"]; ok {
		c.Advance = figureText(v)
	}
	if v, ok := m["cap"]; ok {
		c.Cap = figureText(v)
	}
	if v, ok := m["reserves"]; ok {
		var rs map[string]*money.Amount
		if err := json.Unmarshal(v, &rs); err != nil {
			return c, fmt.Errorf("certificate body component %s reserves: %w", id, err)
		}
		var sum money.Amount
		c.Reserves = ""
		for _, r := range rs {
			if r == nil {
				c.Reserves = undeterminedText
				break
			}
			sum += *r
		}
		if c.Reserves == "" {
			c.Reserves = sum.String()
		}
	}
	if v, ok := m["last_out"]; ok {
		var lo map[string]json.RawMessage
		if err := json.Unmarshal(v, &lo); err != nil {
			return c, fmt.Errorf("certificate body component %s last_out: %w", id, err)
		}
		c.LastOutRate, c.LastOut = percentText(lo["increment"]), figureText(lo["tranche"])
	}
	return c, nil
}

const undeterminedText = "undetermined"

// figureText is an amount of the body: its decimal string, "undetermined"
// for null.
func figureText(v json.RawMessage) string {
	var s *string
	if json.Unmarshal(v, &s) != nil || s == nil {
		return undeterminedText
	}
	return *s
}

// percentText is a rate of the body as a percentage ("0.85" → "85%").
func percentText(v json.RawMessage) string {
	var s *string
	if json.Unmarshal(v, &s) != nil || s == nil {
		return "unknown"
	}
	r, err := money.ParseRate(*s)
	if err != nil {
		return *s
	}
	return r.Percent()
}

type keyVal struct {
	key string
	val json.RawMessage
}

// orderedObject reads a JSON object's members in their written order.
func orderedObject(b json.RawMessage) ([]keyVal, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("not an object")
	}
	var out []keyVal
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, keyVal{k, v})
	}
	return out, nil
}
