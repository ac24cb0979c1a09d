package mail

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/orgdir/orgdir/internal/directory"
)

// received is one message the test server accepted.
type received struct {
	user, from string
	to         []string
	data       []byte
	tls        bool
}

// smtpServer is a real SMTP server (go-smtp) on 127.0.0.1 with STARTTLS and
// PLAIN auth, that keeps what it receives.
type smtpServer struct {
	mu    sync.Mutex
	msgs  []received
	port  int
	roots *x509.CertPool
	der   []byte // the server's certificate
	// holdTo, when set, makes the first message to that address hang in
	// DATA (never accepted) after it is announced on held.
	holdTo  string
	held    chan string
	release chan struct{}
}

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

type session struct {
	srv  *smtpServer
	conn *smtp.Conn
	cur  received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != "orgdir" || pass != "s3cret" {
			return errors.New("invalid credentials")
		}
		s.cur.user = user
		return nil
	}), nil
}
func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "nobody@") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	if strings.HasPrefix(to, "busy@") {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 2, 1}, Message: "mailbox busy, try later"}
	}
	s.cur.to = append(s.cur.to, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = b
	_, s.cur.tls = s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	if hold := s.srv.holdTo; hold != "" && len(s.cur.to) == 1 && s.cur.to[0] == hold {
		s.srv.holdTo = "" // the first time only
		s.srv.mu.Unlock()
		s.srv.held <- hold
		<-s.srv.release
		return errors.New("held until the server closed")
	}
	s.srv.msgs = append(s.srv.msgs, s.cur)
	s.srv.mu.Unlock()
	s.cur = received{user: s.cur.user}
	return nil
}

// startSMTP starts the server with a fresh self-signed certificate for
// 127.0.0.1 and stops it when the test ends.
func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	roots := x509.NewCertPool()
	roots.AddCert(cert)

	srv := &smtpServer{roots: roots, der: der, held: make(chan string, 1), release: make(chan struct{})}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: srv, conn: c}, nil
	}))
	s.Domain = "localhost"
	s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.port = l.Addr().(*net.TCPAddr).Port
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { close(srv.release); s.Close() })
	return srv
}

func (s *smtpServer) config() Config {
	return Config{
		Host: "127.0.0.1", Port: s.port, User: "orgdir", Password: "s3cret", From: "orgdir@contoso.example",
		TLS: &tls.Config{ServerName: "127.0.0.1", RootCAs: s.roots, MinVersion: tls.VersionTLS12},
	}
}

func TestSenderDeliversThroughSTARTTLS(t *testing.T) {
	srv := startSMTP(t)
	snd := &Sender{Config: srv.config()}
	m := &directory.OutboxMessage{ID: "m1", To: "ada@fabrikam.example", Subject: "Välkommen to Contoso", Body: "Hello Ada,\nopen the link.\n"}
	if err := snd.Send(context.Background(), m, time.Now()); err != nil {
		t.Fatal(err)
	}
	got := srv.messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	r := got[0]
	if !r.tls || r.user != "orgdir" || r.from != "orgdir@contoso.example" || len(r.to) != 1 || r.to[0] != "ada@fabrikam.example" {
		t.Fatalf("received %+v: want TLS, user orgdir, from orgdir@contoso.example, to ada", r)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(r.data))
	if err != nil {
		t.Fatal(err)
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subj != "Välkommen to Contoso" {
		t.Fatalf("subject = %q (%v)", subj, err)
	}
	body, _ := io.ReadAll(msg.Body)
	if string(body) != "Hello Ada,\r\nopen the link.\r\n\r\n" && string(body) != "Hello Ada,\r\nopen the link.\r\n" {
		t.Fatalf("body = %q", body)
	}
}

func TestSenderRefusesWrongCredentials(t *testing.T) {
	srv := startSMTP(t)
	cfg := srv.config()
	cfg.Password = "wrong"
	err := (&Sender{Config: cfg}).Send(context.Background(), &directory.OutboxMessage{ID: "m", To: "a@b.example", Subject: "s", Body: "b"}, time.Now())
	if err == nil || !strings.Contains(err.Error(), "AUTH") {
		t.Fatalf("err = %v, want an AUTH failure", err)
	}
	if len(srv.messages()) != 0 {
		t.Fatal("nothing may be delivered without authentication")
	}
}

func TestSenderRefusesUntrustedCertificate(t *testing.T) {
	srv := startSMTP(t)
	cfg := srv.config()
	cfg.TLS = &tls.Config{ServerName: "127.0.0.1"} // system roots: the test CA is unknown
	err := (&Sender{Config: cfg}).Send(context.Background(), &directory.OutboxMessage{ID: "m", To: "a@b.example", Subject: "s", Body: "b"}, time.Now())
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("err = %v, want a STARTTLS failure", err)
	}
}

func TestFormatRefusesHeaderInjection(t *testing.T) {
	_, err := Format("orgdir@x.example", &directory.OutboxMessage{ID: "m", To: "a@b.example", Subject: "hi\r\nBcc: evil@x.example"}, time.Now())
	if err == nil || !strings.Contains(err.Error(), "Subject") {
		t.Fatalf("err = %v, want the Subject header refused", err)
	}
}

func TestConfigValidateNamesTheFlag(t *testing.T) {
	cases := map[string]struct {
		c    Config
		want string
	}{
		"MissingFrom":       {Config{Host: "h"}, "--smtp-from"},
		"UserWithoutPass":   {Config{Host: "h", From: "a@b.example", User: "u"}, "--smtp-password"},
		"PortOutOfRange":    {Config{Host: "h", From: "a@b.example", Port: 70000}, "--smtp-port"},
		"FromWithLineBreak": {Config{Host: "h", From: "a@b.example\r\nX: y"}, "--smtp-from"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			err := c.c.Validate()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to name %s", err, c.want)
			}
		})
	}
	if err := (Config{}).Validate(); err != nil {
		t.Fatalf("no SMTP at all is valid: %v", err)
	}
}
