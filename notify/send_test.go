package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"revolver/notify"
	"revolver/notify/smtptest"
)

var msg = notify.Message{Delivery: 7, Event: 3, Kind: notify.CertificateSubmitted, Facility: "btu", Subject: "12",
	At: time.Date(2006, 1, 31, 15, 4, 5, 0, time.UTC), Text: "Certificate 12 as of 2006-01-31 submitted by controller@btu.example",
	Link: "/facilities/btu/certificates/12", URL: "https://revolver.bank.example/facilities/btu/certificates/12"}

// The message reaches a real SMTP server: over STARTTLS when offered,
// authenticated, with its headers and body; without STARTTLS a client
// that requires it refuses to send; a refusal carries the reply code.
func TestSMTPSend(t *testing.T) {
	ctx := context.Background()
	srv := smtptest.Start(t, smtptest.Options{StartTLS: true, User: "revolver", Password: "pw"})
	c := &notify.SMTP{Host: srv.Host, Port: srv.Port, From: "revolver@bank.example", Username: "revolver", Password: "pw", TLS: srv.ClientTLS, Hello: "revolver.bank.example"}
	if err := c.Send(ctx, "officer@bank.example", msg); err != nil {
		t.Fatal(err)
	}
	ms := srv.Messages()
	if len(ms) != 1 {
		t.Fatalf("%d messages received", len(ms))
	}
	m := ms[0]
	if !m.TLS || m.User != "revolver" || m.From != "revolver@bank.example" || len(m.To) != 1 || m.To[0] != "officer@bank.example" {
		t.Errorf("envelope %+v", m)
	}
	for h, want := range map[string]string{
		"From": "revolver@bank.example", "To": "officer@bank.example",
		"Subject":          "[revolver btu] Certificate 12 as of 2006-01-31 submitted by controller@btu.example",
		"Date":             "Tue, 31 Jan 2006 15:04:05 +0000",
		"Message-Id":       "<delivery-7@revolver.bank.example>",
		"Content-Type":     "text/plain; charset=utf-8",
		"X-Revolver-Event": "certificate_submitted",
	} {
		if got := m.Header.Get(h); got != want {
			t.Errorf("header %s: %q, want %q", h, got, want)
		}
	}
	for _, want := range []string{"Certificate 12 as of 2006-01-31 submitted", "Event: Certificate submitted", "Facility: btu",
		"Open: https://revolver.bank.example/facilities/btu/certificates/12"} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, m.Body)
		}
	}

	plain := smtptest.Start(t, smtptest.Options{})
	strict := &notify.SMTP{Host: plain.Host, Port: plain.Port, From: "revolver@bank.example", RequireTLS: true}
	if err := strict.Send(ctx, "officer@bank.example", msg); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("no STARTTLS offered, TLS required: %v", err)
	}
	plain.FailNext(1)
	loose := &notify.SMTP{Host: plain.Host, Port: plain.Port, From: "revolver@bank.example"}
	err := loose.Send(ctx, "officer@bank.example", msg)
	if notify.CodeOf(err) != 451 {
		t.Errorf("refused: %v (code %d), want 451", err, notify.CodeOf(err))
	}
	if err := loose.Send(ctx, "officer@bank.example", msg); err != nil {
		t.Fatal(err)
	}
	if got := plain.Messages(); len(got) != 1 || got[0].TLS {
		t.Errorf("plain server received %+v", got)
	}
	bad := &notify.SMTP{Host: srv.Host, Port: srv.Port, From: "revolver@bank.example", Username: "revolver", Password: "wrong", TLS: srv.ClientTLS}
	if err := bad.Send(ctx, "officer@bank.example", msg); notify.CodeOf(err) != 535 {
		t.Errorf("wrong password: %v, want 535", err)
	}
}
