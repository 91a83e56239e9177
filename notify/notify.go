// Package notify owns what revolver tells people and programs of: the
// kinds of events, the webhook signature (Sign, Verify), the webhook body
// and the email message, and the two senders that reach outside the
// process: an SMTP client (SMTP) and a webhook poster (Poster). Which
// events are emitted, to whom they go and how deliveries are retried
// belong to package app (the use cases) and package jobs (the workers).
package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kinds of events.
const (
	CertificateSubmitted = "certificate_submitted"
	CertificateDecided   = "certificate_decided"
	AdvanceRequested     = "advance_requested"
	AdvanceDecided       = "advance_decided"
	DeadlineComing       = "deadline_coming"
	DeadlineOverdue      = "deadline_overdue"
	DefaultRecorded      = "default_recorded"
	DominionStarted      = "dominion_started"
	DominionEnded        = "dominion_ended"
	DataQualityWarning   = "data_quality_warning"
)

// Kinds lists every kind of event, in the order pages show them.
var Kinds = []string{
	CertificateSubmitted, CertificateDecided, AdvanceRequested, AdvanceDecided,
	DeadlineComing, DeadlineOverdue, DefaultRecorded, DominionStarted, DominionEnded, DataQualityWarning,
}

// labels name the kinds for people.
var labels = map[string]string{
	CertificateSubmitted: "Certificate submitted",
	CertificateDecided:   "Certificate approved or rejected",
	AdvanceRequested:     "Advance requested",
	AdvanceDecided:       "Advance funded, rejected or cancelled",
	DeadlineComing:       "Deadline coming",
	DeadlineOverdue:      "Deadline overdue",
	DefaultRecorded:      "Event of default recorded",
	DominionStarted:      "Dominion period started",
	DominionEnded:        "Dominion period ended",
	DataQualityWarning:   "Data-quality warning",
}

// Label names a kind for people ("" for an unknown kind).
func Label(kind string) string { return labels[kind] }

// Known reports whether kind is a kind of event.
func Known(kind string) bool { return slices.Contains(Kinds, kind) }

// CheckKinds refuses an empty list and names the first unknown kind.
func CheckKinds(kinds []string) error {
	if len(kinds) == 0 {
		return fmt.Errorf("kinds: none given, expected one or more of %s", strings.Join(Kinds, ", "))
	}
	for i, k := range kinds {
		if !Known(k) {
			return fmt.Errorf("kinds[%d]: %q is not a kind of event, expected one of %s", i, k, strings.Join(Kinds, ", "))
		}
	}
	return nil
}

// SignatureHeader is the header a webhook's signature travels in.
const SignatureHeader = "X-Revolver-Signature"

// Sign is the value of the X-Revolver-Signature header of a webhook body
// sent at t with secret: "t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<unix seconds>.<body>" keyed with the secret>".
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Errors of Verify.
var (
	ErrSignatureFormat = errors.New("signature: expected t=<unix seconds>,v1=<hex>")
	ErrSignatureStale  = errors.New("signature: timestamp outside the tolerance")
	ErrSignature       = errors.New("signature: no v1 value matches the body")
)

// Verify checks a webhook's X-Revolver-Signature header against the body
// received and the secret: the HMAC must match (compared in constant
// time) and the timestamp be within tolerance of now (a replayed old
// request is refused; tolerance 0: five minutes). Several v1 values may
// be given (a secret being rotated): one matching is enough.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = 5 * time.Minute
	}
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return ErrSignatureFormat
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrSignatureFormat
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrSignatureStale
	}
	want := []byte(mac(secret, ts, body))
	for _, s := range sigs {
		if hmac.Equal([]byte(s), want) {
			return nil
		}
	}
	return ErrSignature
}
