package httpapi

import (
	"encoding/json"
	"strconv"
	"time"

	"revolver/date"
	"revolver/money"
)

// appendJSON appends a's JSON, byte for byte what encoding/json writes
// for the struct (TestAvailabilityJSON compares them), without reflection:
// availability is the hottest answer of the API. The nested values
// (reasons, defaults, overadvance, hindsight, tranches) are encoding/json's.
func (a Availability) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"as_of":`...)
	b = appendDate(b, a.AsOf)
	b = append(b, `,"known_at":`...)
	var err error
	if b, err = appendTime(b, a.KnownAt); err != nil {
		return nil, err
	}
	b = append(b, `,"business_date":`...)
	b = appendDate(b, a.BusinessDate)
	b = append(b, `,"commitment":`...)
	b = appendAmount(b, a.Commitment)
	if a.AdvanceCap != nil {
		b = append(b, `,"advance_cap":`...)
		b = appendAmount(b, *a.AdvanceCap)
	}
	if a.TerminationDate != 0 {
		b = append(b, `,"termination_date":`...)
		b = appendDate(b, a.TerminationDate)
	}
	if a.Certificate != 0 {
		b = append(b, `,"certificate":`...)
		b = strconv.AppendInt(b, a.Certificate, 10)
	}
	if a.CertificateAsOf != 0 {
		b = append(b, `,"certificate_as_of":`...)
		b = appendDate(b, a.CertificateAsOf)
	}
	for _, f := range []struct {
		name string
		v    money.Amount
	}{{`,"certificate_borrowing_base":`, a.CertificateBorrowingBase}, {`,"exclusions":`, a.Exclusions},
		{`,"borrowing_base":`, a.BorrowingBase}, {`,"letters_of_credit":`, a.LettersOfCredit}} {
		b = appendAmount(append(b, f.name...), f.v)
	}
	b = append(b, `,"letters_of_credit_treatment":`...)
	if b, err = appendString(b, a.LettersOfCreditTreatment); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		v    money.Amount
	}{{`,"lc_outstanding":`, a.LCOutstanding}, {`,"lc_drawn":`, a.LCDrawn}, {`,"limit":`, a.Limit}} {
		b = appendAmount(append(b, f.name...), f.v)
	}
	b = append(b, `,"binding_limit":`...)
	if b, err = appendString(b, a.BindingLimit); err != nil {
		return nil, err
	}
	b = append(b, `,"loans_outstanding":`...)
	b = appendAmount(b, a.LoansOutstanding)
	b = append(b, `,"availability":`...)
	if a.Availability == nil {
		b = append(b, "null"...)
	} else {
		b = appendAmount(b, *a.Availability)
	}
	b = append(b, `,"available_to_advance":`...)
	b = appendAmount(b, a.AvailableToAdvance)
	b = append(b, `,"lowest_on":`...)
	b = appendDate(b, a.LowestOn)
	if a.Formula != "" {
		b = append(b, `,"formula":`...)
		if b, err = appendString(b, a.Formula); err != nil {
			return nil, err
		}
	}
	for _, f := range []struct {
		name string
		v    any
	}{{`,"advances_blocked":`, a.AdvancesBlocked}, {`,"events_of_default_continuing":`, a.DefaultsContinuing},
		{`,"overadvance":`, a.Overadvance}, {`,"hindsight":`, a.Hindsight}} {
		v, err := json.Marshal(f.v)
		if err != nil {
			return nil, err
		}
		b = append(append(b, f.name...), v...)
	}
	if a.Tranches != nil {
		v, err := json.Marshal(a.Tranches)
		if err != nil {
			return nil, err
		}
		b = append(append(b, `,"tranches":`...), v...)
	}
	if a.AvailableToAdvanceLastOut != nil {
		b = appendAmount(append(b, `,"available_to_advance_last_out":`...), *a.AvailableToAdvanceLastOut)
	}
	if len(a.Reserves) > 0 {
		v, err := json.Marshal(a.Reserves)
		if err != nil {
			return nil, err
		}
		b = append(append(b, `,"reserves":`...), v...)
	}
	if a.BaseReserves != 0 {
		b = appendAmount(append(b, `,"base_reserves":`...), a.BaseReserves)
	}
	if a.LineReserves != 0 {
		b = appendAmount(append(b, `,"line_reserves":`...), a.LineReserves)
	}
	return append(b, '}'), nil
}

// appendText appends text as a JSON string: as it is when every byte
// needs no escape, else as encoding/json writes it.
func appendText(b []byte, text []byte) ([]byte, error) {
	for _, c := range text {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			v, err := json.Marshal(string(text))
			if err != nil {
				return nil, err
			}
			return append(b, v...), nil
		}
	}
	b = append(b, '"')
	b = append(b, text...)
	return append(b, '"'), nil
}

func appendString(b []byte, s string) ([]byte, error) { return appendText(b, []byte(s)) }

func appendAmount(b []byte, a money.Amount) []byte {
	var buf [32]byte
	b, _ = appendText(b, a.AppendTo(buf[:0]))
	return b
}

func appendDate(b []byte, d date.Date) []byte {
	t, _ := d.MarshalText()
	b, _ = appendText(b, t)
	return b
}

func appendTime(b []byte, t time.Time) ([]byte, error) {
	v, err := t.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return append(b, v...), nil
}
