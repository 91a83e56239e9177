package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// Message is one notification as sent: the event's fields, the delivery's
// id (receivers deduplicate by it) and the page's full address.
type Message struct {
	Delivery int64     `json:"delivery"`
	Event    int64     `json:"event"`
	Kind     string    `json:"kind"`
	Facility string    `json:"facility,omitempty"`
	Subject  string    `json:"subject,omitempty"`
	At       time.Time `json:"at"`
	Text     string    `json:"text"`
	Link     string    `json:"link,omitempty"`
	URL      string    `json:"url,omitempty"`
}

// Body is the JSON body of a webhook.
func (m Message) Body() []byte {
	b, _ := json.Marshal(m)
	return b
}

// SMTP sends email through an SMTP server. The connection is upgraded
// with STARTTLS whenever the server offers it; with Username set it
// authenticates (PLAIN, which net/smtp sends only over TLS or to
// localhost).
type SMTP struct {
	Host string
	Port int
	From string
	// Username and Password authenticate (optional).
	Username, Password string
	// RequireTLS refuses to send when the server offers no STARTTLS.
	RequireTLS bool
	// TLS configures STARTTLS (nil: verify the server as Host).
	TLS *tls.Config
	// Timeout bounds one sending (default 30 s).
	Timeout time.Duration
	// Hello is the name given in EHLO (default "localhost").
	Hello string
}

// CodeOf is the SMTP reply code of a refusal (0 for other errors).
func CodeOf(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

// Email builds the message for to: headers (From, To, Subject, Date,
// Message-ID, MIME and X-Revolver-Event) and a plain-text body.
func (s *SMTP) Email(to string, m Message) []byte {
	var b bytes.Buffer
	subject := "[revolver] " + m.Text
	if m.Facility != "" {
		subject = "[revolver " + m.Facility + "] " + m.Text
	}
	host := s.Hello
	if host == "" {
		host = "localhost"
	}
	hdr := [][2]string{
		{"From", s.From}, {"To", to},
		{"Subject", mime.QEncoding.Encode("utf-8", subject)},
		{"Date", m.At.UTC().Format(time.RFC1123Z)},
		{"Message-ID", "<delivery-" + strconv.FormatInt(m.Delivery, 10) + "@" + host + ">"},
		{"MIME-Version", "1.0"}, {"Content-Type", "text/plain; charset=utf-8"}, {"Content-Transfer-Encoding", "8bit"},
		{"X-Revolver-Event", m.Kind},
	}
	for _, h := range hdr {
		b.WriteString(h[0] + ": " + strings.NewReplacer("\r", " ", "\n", " ").Replace(h[1]) + "\r\n")
	}
	b.WriteString("\r\n")
	lines := []string{m.Text, ""}
	if label := Label(m.Kind); label != "" {
		lines = append(lines, "Event: "+label)
	}
	if m.Facility != "" {
		lines = append(lines, "Facility: "+m.Facility)
	}
	lines = append(lines, "At: "+m.At.UTC().Format(time.RFC3339))
	if m.URL != "" {
		lines = append(lines, "", "Open: "+m.URL)
	}
	lines = append(lines, "", "You receive this because of your notification preferences in revolver.")
	for _, l := range lines {
		// Dot-stuffing is the DATA writer's; lines end in CRLF.
		b.WriteString(l + "\r\n")
	}
	return b.Bytes()
}

// Send sends m to the address to. It returns the server's reply code of
// a refusal in the error (CodeOf).
func (s *SMTP) Send(ctx context.Context, to string, m Message) error {
	if s.Host == "" || s.From == "" {
		return errors.New("smtp: no server or no sender configured")
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	addr := net.JoinHostPort(s.Host, strconv.Itoa(cmpPort(s.Port)))
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("smtp: dial %s: %w", addr, err)
	}
	_ = conn.SetDeadline(time.Now().Add(timeout))
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: %s: %w", addr, err)
	}
	defer c.Close()
	hello := s.Hello
	if hello == "" {
		hello = "localhost"
	}
	if err := c.Hello(hello); err != nil {
		return fmt.Errorf("smtp: EHLO: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := s.TLS
		if cfg == nil {
			cfg = &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("smtp: STARTTLS: %w", err)
		}
	} else if s.RequireTLS {
		return fmt.Errorf("smtp: %s offers no STARTTLS and TLS is required", addr)
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("smtp: AUTH: %w", err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return fmt.Errorf("smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("smtp: RCPT TO %s: %w", to, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if _, err := w.Write(s.Email(to, m)); err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp: end of DATA: %w", err)
	}
	return c.Quit()
}

func cmpPort(p int) int {
	if p == 0 {
		return 587
	}
	return p
}

// Poster POSTs webhooks.
type Poster struct {
	// Client sends the requests (nil: one with a 10-second timeout).
	Client *http.Client
	// Now is the clock the signature's timestamp is read from.
	Now func() time.Time
}

// Post sends m's body to url signed with secret. It returns the HTTP
// status (0 when no response came) and an error unless the status is
// 2xx.
func (p *Poster) Post(ctx context.Context, url, secret string, m Message) (int, error) {
	c := p.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	body := m.Body()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("webhook %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "revolver-webhooks/1")
	req.Header.Set(SignatureHeader, Sign(secret, now(), body))
	req.Header.Set("X-Revolver-Event", m.Kind)
	req.Header.Set("X-Revolver-Delivery", strconv.FormatInt(m.Delivery, 10))
	resp, err := c.Do(req)
	if err != nil {
		return 0, fmt.Errorf("webhook %s: %w", url, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("webhook %s: %s", url, resp.Status)
	}
	return resp.StatusCode, nil
}
