// Package mail delivers orgdir's e-mail. Messages are written to the
// outbox in the transaction that causes them (an invitation, a passcode);
// the Deliverer sends the unsent ones through an SMTP server with
// STARTTLS. Without an SMTP server they stay in the outbox, which the admin
// portal shows. net/smtp is enough: no dependency beyond the standard
// library (the tests use github.com/emersion/go-smtp as a real server).
package mail
