package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// Config says how to reach the SMTP server (serve's --smtp-* flags).
type Config struct {
	Host     string // empty: no SMTP, mail stays in the outbox
	Port     int    // default 587
	User     string // optional; with it, PLAIN auth (only over TLS)
	Password string
	From     string // the sender address, e.g. orgdir@example.com
	// TLS is used for STARTTLS; nil means verify Host with the system
	// roots. Tests set RootCAs to their own certificate.
	TLS *tls.Config
	// AllowPlaintext lets the sender talk to a server without STARTTLS
	// (a local relay). Off by default: credentials and codes would travel
	// in clear.
	AllowPlaintext bool
	Timeout        time.Duration // per message, default 30s
}

// Enabled reports whether an SMTP server is configured.
func (c Config) Enabled() bool { return c.Host != "" }

// Validate names what is missing or wrong.
func (c Config) Validate() error {
	if !c.Enabled() {
		return nil
	}
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("--smtp-port %d is not a port number", c.Port)
	}
	if c.From == "" || strings.ContainsAny(c.From, "\r\n<>") || !strings.Contains(c.From, "@") {
		return fmt.Errorf("--smtp-from must be an e-mail address when --smtp-host is set (got %q)", c.From)
	}
	if (c.User == "") != (c.Password == "") {
		return errors.New("--smtp-user and --smtp-password go together")
	}
	return nil
}

// Sender sends messages through an SMTP server.
type Sender struct {
	Config Config
}

// Send delivers one message: connect, STARTTLS, authenticate, send, quit.
func (s *Sender) Send(ctx context.Context, m *directory.OutboxMessage, now time.Time) error {
	c := s.Config
	if err := c.Validate(); err != nil {
		return err
	}
	msg, err := Format(c.From, m, now)
	if err != nil {
		return &RejectedError{Err: err}
	}
	port := c.Port
	if port == 0 {
		port = 587
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(c.Host, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("smtp: connect: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	cl, err := smtp.NewClient(conn, c.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: greeting: %w", err)
	}
	defer cl.Close()
	if err := cl.Hello("localhost"); err != nil {
		return fmt.Errorf("smtp: EHLO: %w", err)
	}
	if ok, _ := cl.Extension("STARTTLS"); ok {
		cfg := c.TLS
		if cfg == nil {
			cfg = &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
		}
		if err := cl.StartTLS(cfg); err != nil {
			return fmt.Errorf("smtp: STARTTLS: %w", err)
		}
	} else if !c.AllowPlaintext {
		return fmt.Errorf("smtp: %s does not offer STARTTLS; refusing to send in clear", c.Host)
	}
	if c.User != "" {
		// PlainAuth itself refuses to send the password without TLS.
		if err := cl.Auth(smtp.PlainAuth("", c.User, c.Password, c.Host)); err != nil {
			return fmt.Errorf("smtp: AUTH: %w", err)
		}
	}
	if err := cl.Mail(c.From); err != nil {
		return fmt.Errorf("smtp: MAIL FROM: %w", err)
	}
	if err := cl.Rcpt(m.To); err != nil {
		return rejected(fmt.Errorf("smtp: RCPT TO %s: %w", m.To, err))
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("smtp: write: %w", err)
	}
	if err := w.Close(); err != nil {
		return rejected(fmt.Errorf("smtp: end of data: %w", err))
	}
	// The server took the message: a failing QUIT must not send it twice.
	_ = cl.Quit()
	return nil
}

// RejectedError is a failure of one message that trying again will not
// cure: the server refused this recipient or this content for good (a 5xx
// reply), or the message cannot be formatted. Other messages can still
// go.
type RejectedError struct{ Err error }

func (e *RejectedError) Error() string { return e.Err.Error() }
func (e *RejectedError) Unwrap() error { return e.Err }

// rejected marks err as a RejectedError when the server's reply was a
// permanent (5xx) one.
func rejected(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 && te.Code < 600 {
		return &RejectedError{Err: err}
	}
	return err
}

// Format renders m as an RFC 5322 message: UTF-8 plain text, the subject
// encoded, lines ending in CRLF. A header with a line break is refused, so
// no input can add headers.
func Format(from string, m *directory.OutboxMessage, now time.Time) ([]byte, error) {
	for name, v := range map[string]string{"From": from, "To": m.To, "Subject": m.Subject} {
		if strings.ContainsAny(v, "\r\n") {
			return nil, fmt.Errorf("mail: the %s header contains a line break", name)
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", from)
	fmt.Fprintf(&b, "To: %s\r\n", m.To)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", m.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now.UTC().Format(time.RFC1123Z))
	domain := "orgdir.local"
	if i := strings.LastIndex(from, "@"); i >= 0 {
		domain = from[i+1:]
	}
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", m.ID, domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	body := strings.ReplaceAll(m.Body, "\r\n", "\n")
	for line := range strings.SplitSeq(body, "\n") {
		b.WriteString(line)
		b.WriteString("\r\n")
	}
	return b.Bytes(), nil
}
