package notifications_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpServer is a small SMTP server on 127.0.0.1 that keeps what it is
// sent: enough of RFC 5321 for net/smtp, with STARTTLS, implicit TLS and
// AUTH PLAIN when asked for.
type smtpServer struct {
	t    *testing.T
	ln   net.Listener
	host string
	port string

	tls         *tls.Config // offers STARTTLS when set (unless implicit)
	implicitTLS bool
	user, pass  string // demands AUTH PLAIN when set

	mu       sync.Mutex
	received []delivery
	refuse   bool          // answers MAIL with 451
	delay    time.Duration // before accepting a message's data
}

// delivery is one accepted message.
type delivery struct {
	from string
	to   []string
	data string
	tls  bool   // the message came over TLS
	user string // who signed in, or ""
}

// serverOption changes a smtpServer before it starts listening.
type serverOption func(*smtpServer)

func withSTARTTLS(cfg *tls.Config) serverOption { return func(s *smtpServer) { s.tls = cfg } }
func withImplicitTLS(cfg *tls.Config) serverOption {
	return func(s *smtpServer) { s.tls, s.implicitTLS = cfg, true }
}
func withAuth(user, pass string) serverOption {
	return func(s *smtpServer) { s.user, s.pass = user, pass }
}

func newSMTPServer(t *testing.T, opts ...serverOption) *smtpServer {
	t.Helper()
	s := &smtpServer{t: t}
	for _, o := range opts {
		o(s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if s.implicitTLS {
		ln = tls.NewListener(ln, s.tls)
	}
	s.ln = ln
	s.host, s.port, _ = net.SplitHostPort(ln.Addr().String())
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { s.serve(conn) })
		}
	})
	return s
}

func (s *smtpServer) setRefuse(refuse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = refuse
}

func (s *smtpServer) setDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

func (s *smtpServer) deliveries() []delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]delivery(nil), s.received...)
}

func (s *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	tp := textproto.NewConn(conn)
	secure := s.implicitTLS
	var user string
	var d delivery
	reply := func(format string, args ...any) bool { return tp.PrintfLine(format, args...) == nil }
	if !reply("220 127.0.0.1 ESMTP test") {
		return
	}
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			lines := []string{"127.0.0.1 hello", "8BITMIME"}
			if s.tls != nil && !secure {
				lines = append(lines, "STARTTLS")
			}
			if s.user != "" {
				lines = append(lines, "AUTH PLAIN")
			}
			for i, l := range lines {
				sep := "-"
				if i == len(lines)-1 {
					sep = " "
				}
				if !reply("250%s%s", sep, l) {
					return
				}
			}
		case "STARTTLS":
			if s.tls == nil || secure {
				reply("502 5.5.1 no")
				continue
			}
			reply("220 2.0.0 go ahead")
			tc := tls.Server(conn, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, secure = tc, true
			tp = textproto.NewConn(conn)
			user, d = "", delivery{}
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			raw, err := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(raw), "\x00")
			if !strings.EqualFold(mech, "PLAIN") || err != nil || len(parts) != 3 || parts[1] != s.user || parts[2] != s.pass {
				reply("535 5.7.8 authentication failed")
				continue
			}
			user = parts[1]
			reply("235 2.7.0 ok")
		case "MAIL":
			s.mu.Lock()
			refuse := s.refuse
			s.mu.Unlock()
			switch {
			case refuse:
				reply("451 4.3.0 mail server busy, try later")
			case s.user != "" && user == "":
				reply("530 5.7.0 authentication required")
			default:
				d = delivery{from: addrOf(arg), tls: secure, user: user}
				reply("250 2.1.0 ok")
			}
		case "RCPT":
			d.to = append(d.to, addrOf(arg))
			reply("250 2.1.5 ok")
		case "DATA":
			if d.from == "" || len(d.to) == 0 {
				reply("503 5.5.1 MAIL and RCPT first")
				continue
			}
			reply("354 go ahead")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			s.mu.Lock()
			delay := s.delay
			s.mu.Unlock()
			time.Sleep(delay)
			d.data = string(data)
			s.mu.Lock()
			s.received = append(s.received, d)
			s.mu.Unlock()
			d = delivery{tls: secure, user: user}
			reply("250 2.0.0 queued")
		case "RSET":
			d = delivery{tls: secure, user: user}
			reply("250 2.0.0 ok")
		case "NOOP":
			reply("250 2.0.0 ok")
		case "QUIT":
			reply("221 2.0.0 bye")
			return
		default:
			reply("502 5.5.2 not implemented")
		}
	}
}

// addrOf reads the address out of "FROM:<a@b> BODY=8BITMIME".
func addrOf(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}

// selfSigned returns a server TLS configuration for 127.0.0.1 and the pool
// a client needs to trust it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, roots
}
