// Package smtptest is a small SMTP server for tests, over net/textproto:
// it listens on a loopback port, speaks enough of RFC 5321 for a client
// to send mail (EHLO, optional STARTTLS and AUTH PLAIN, MAIL, RCPT, DATA,
// RSET, NOOP, QUIT) and keeps every message it received. It can refuse
// the first messages with a temporary failure, to exercise retries.
package smtptest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one message received: the envelope, whether it came over
// TLS and who authenticated, and the message parsed.
type Message struct {
	From   string
	To     []string
	TLS    bool
	User   string
	Data   []byte
	Header mail.Header
	Body   string
}

// Server is a running test SMTP server.
type Server struct {
	Addr string
	Host string
	Port int
	// TLS is the server's STARTTLS configuration (nil: not offered);
	// ClientTLS trusts its certificate.
	TLS       *tls.Config
	ClientTLS *tls.Config
	// User and Password, when set, are the credentials AUTH PLAIN takes.
	User, Password string

	ln       net.Listener
	mu       sync.Mutex
	msgs     []Message
	arrived  chan struct{}
	failNext int
}

// Options configure a server.
type Options struct {
	// StartTLS offers STARTTLS with a certificate made for 127.0.0.1.
	StartTLS bool
	// User and Password require AUTH PLAIN with them.
	User, Password string
}

// Start starts a server on a loopback port; it stops when t ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), ln: ln, arrived: make(chan struct{}, 100), User: o.User, Password: o.Password}
	host, port, _ := net.SplitHostPort(s.Addr)
	s.Host = host
	s.Port, _ = strconv.Atoi(port)
	if o.StartTLS {
		s.TLS, s.ClientTLS = selfSigned(t)
	}
	go s.serve()
	t.Cleanup(func() { ln.Close() })
	return s
}

// FailNext makes the next n messages be refused at the end of DATA with
// 451 (a temporary failure).
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// Messages returns the messages received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Wait waits until n messages were received or the timeout passes, and
// returns those received.
func (s *Server) Wait(n int, timeout time.Duration) []Message {
	deadline := time.After(timeout)
	for {
		if m := s.Messages(); len(m) >= n {
			return m
		}
		select {
		case <-s.arrived:
		case <-deadline:
			return s.Messages()
		}
	}
}

func (s *Server) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.session(c)
	}
}

func (s *Server) session(c net.Conn) {
	defer func() { c.Close() }()
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	tp := textproto.NewConn(c)
	reply := func(code int, lines ...string) {
		for i, l := range lines {
			sep := " "
			if i < len(lines)-1 {
				sep = "-"
			}
			_ = tp.PrintfLine("%d%s%s", code, sep, l)
		}
	}
	reply(220, "smtptest ESMTP ready")
	var m Message
	var tlsOn bool
	var user string
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"smtptest", "8BITMIME", "SIZE 10485760"}
			if s.TLS != nil && !tlsOn {
				ext = append(ext, "STARTTLS")
			}
			if s.User != "" && (tlsOn || s.TLS == nil) {
				ext = append(ext, "AUTH PLAIN")
			}
			reply(250, ext...)
		case "STARTTLS":
			if s.TLS == nil || tlsOn {
				reply(502, "not offered")
				continue
			}
			reply(220, "go ahead")
			tc := tls.Server(c, s.TLS)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, tlsOn = tc, true
			tp = textproto.NewConn(tc)
			m = Message{}
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			if !strings.EqualFold(mech, "PLAIN") || s.User == "" {
				reply(504, "unsupported")
				continue
			}
			b, err := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(b), "\x00")
			if err != nil || len(parts) != 3 || parts[1] != s.User || parts[2] != s.Password {
				reply(535, "authentication failed")
				continue
			}
			user = parts[1]
			reply(235, "authenticated")
		case "MAIL":
			if s.User != "" && user == "" {
				reply(530, "authentication required")
				continue
			}
			m = Message{From: addr(arg), TLS: tlsOn, User: user}
			reply(250, "ok")
		case "RCPT":
			m.To = append(m.To, addr(arg))
			reply(250, "ok")
		case "DATA":
			if m.From == "" || len(m.To) == 0 {
				reply(503, "MAIL and RCPT first")
				continue
			}
			reply(354, "end with <CRLF>.<CRLF>")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			s.mu.Lock()
			fail := s.failNext > 0
			if fail {
				s.failNext--
			}
			s.mu.Unlock()
			if fail {
				reply(451, "try again later")
				continue
			}
			m.Data = data
			if pm, err := mail.ReadMessage(bufio.NewReader(strings.NewReader(string(data)))); err == nil {
				m.Header = pm.Header
				var sb strings.Builder
				_, _ = bufio.NewReader(pm.Body).WriteTo(&sb)
				m.Body = sb.String()
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			s.mu.Unlock()
			select {
			case s.arrived <- struct{}{}:
			default:
			}
			reply(250, "queued")
			m = Message{TLS: tlsOn, User: user}
		case "RSET":
			m = Message{TLS: tlsOn, User: user}
			reply(250, "ok")
		case "NOOP":
			reply(250, "ok")
		case "QUIT":
			reply(221, "bye")
			return
		default:
			reply(502, "not implemented")
		}
	}
}

// addr is the address of "FROM:<a@b>" or "TO:<a@b>".
func addr(arg string) string {
	_, a, _ := strings.Cut(arg, ":")
	a = strings.TrimSpace(a)
	if i := strings.IndexByte(a, ' '); i >= 0 {
		a = a[:i]
	}
	return strings.Trim(a, "<>")
}

// selfSigned makes a certificate for 127.0.0.1 and a client configuration
// trusting it.
func selfSigned(t testing.TB) (*tls.Config, *tls.Config) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "smtptest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12},
		&tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}
