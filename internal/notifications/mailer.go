package notifications

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/config"
)

// Mailer emails new notifications to their users through an SMTP server.
// Any number of replicas may run one: each notification is claimed by
// exactly one of them before it is sent.
type Mailer struct {
	db      *pgxpool.Pool
	smtp    config.SMTP
	baseURL string
	batch   int
	timeout time.Duration  // for the connection, and then for each message
	roots   *x509.CertPool // nil: the system's
	now     func() time.Time
}

// NewMailer returns a Mailer that sends through server, with links that
// start with baseURL (config.BaseURL).
func NewMailer(db *pgxpool.Pool, server config.SMTP, baseURL string) *Mailer {
	return &Mailer{db: db, smtp: server, baseURL: baseURL, batch: 50, timeout: 30 * time.Second, now: time.Now}
}

// SendEvery sends what is pending every interval until ctx ends, logging
// what it sent and what failed.
func (m *Mailer) SendEvery(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			sent, failed, err := m.SendPending(ctx, log)
			switch {
			case err != nil && ctx.Err() == nil:
				log.Error("notification email", "err", err)
			case sent > 0 || failed > 0:
				log.Info("notification email", "sent", sent, "failed", failed)
			}
		}
	}
}

// SendPending claims unsent notifications batch by batch and emails them,
// until none is left or a send fails. A failed one is logged and released,
// to be tried again later (at most five times in all). err is for the
// database: a mail server's refusal only counts in failed.
func (m *Mailer) SendPending(ctx context.Context, log *slog.Logger) (sent, failed int, err error) {
	for ctx.Err() == nil {
		rows, _ := m.db.Query(ctx, `SELECT id, email, language, kind, reference, link FROM claim_notification_mail($1)`, m.batch)
		batch, err := pgx.CollectRows(rows, pgx.RowToStructByName[pending])
		if err != nil {
			return sent, failed, fmt.Errorf("claim: %w", err)
		}
		s, f := m.send(ctx, batch, log)
		sent, failed = sent+s, failed+f
		// A short batch was the last; after a failure, the server is
		// given until the next tick.
		if len(batch) < m.batch || f > 0 {
			break
		}
	}
	return sent, failed, nil
}

// send emails a claimed batch over one connection, opening another after
// an error, and releases every notification it could not send.
func (m *Mailer) send(ctx context.Context, batch []pending, log *slog.Logger) (sent, failed int) {
	var conn *session
	defer func() {
		if conn != nil {
			conn.quit()
		}
	}()
	for i, p := range batch {
		if ctx.Err() != nil {
			// Shutting down: what is left goes back to the queue.
			for _, q := range batch[i:] {
				m.release(ctx, q, ctx.Err(), log)
			}
			return sent, failed + len(batch) - i
		}
		msg, err := compose(p, m.smtp.From, m.baseURL, m.now())
		if err == nil {
			if conn == nil {
				conn, err = m.dial(ctx)
			}
			if err == nil {
				err = conn.send(m.smtp.From, msg, m.timeout)
				if err != nil {
					conn.close()
					conn = nil
				}
			}
		}
		if err != nil {
			m.release(ctx, p, err, log)
			failed++
			continue
		}
		sent++
	}
	return sent, failed
}

// release logs why p was not sent and puts it back in the queue.
func (m *Mailer) release(ctx context.Context, p pending, cause error, log *slog.Logger) {
	log.Warn("notification email not sent; it will be tried again", "notification", p.ID, "err", cause)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := m.db.Exec(ctx, `SELECT release_notification_mail($1)`, p.ID); err != nil {
		log.Error("notification email: release", "notification", p.ID, "err", err)
	}
}

// session is one connection to the SMTP server.
type session struct {
	conn   net.Conn
	client *smtp.Client
}

// dial connects, turns to TLS (from the start for smtps://, else with
// STARTTLS when the server offers it) and signs in when the URL names a
// user. net/smtp refuses to send a password without TLS but to localhost.
func (m *Mailer) dial(ctx context.Context) (*session, error) {
	d := net.Dialer{Timeout: m.timeout}
	conn, err := d.DialContext(ctx, "tcp", m.smtp.Addr())
	if err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	conn.SetDeadline(time.Now().Add(m.timeout))
	tlsConfig := &tls.Config{ServerName: m.smtp.Host, RootCAs: m.roots, MinVersion: tls.VersionTLS12}
	if m.smtp.ImplicitTLS {
		conn = tls.Client(conn, tlsConfig)
	}
	c, err := smtp.NewClient(conn, m.smtp.Host)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("smtp: %w", err)
	}
	s := &session{conn: conn, client: c}
	if err := s.start(m, tlsConfig); err != nil {
		s.close()
		return nil, fmt.Errorf("smtp: %w", err)
	}
	return s, nil
}

func (s *session) start(m *Mailer, tlsConfig *tls.Config) error {
	if host, err := os.Hostname(); err == nil && host != "" {
		if err := s.client.Hello(host); err != nil {
			return err
		}
	}
	if !m.smtp.ImplicitTLS {
		if ok, _ := s.client.Extension("STARTTLS"); ok {
			if err := s.client.StartTLS(tlsConfig); err != nil {
				return err
			}
		}
	}
	if m.smtp.Username == "" {
		return nil
	}
	if ok, _ := s.client.Extension("AUTH"); !ok {
		return errors.New("the server offers no AUTH, but SMTP_URL names a user")
	}
	return s.client.Auth(smtp.PlainAuth("", m.smtp.Username, m.smtp.Password, m.smtp.Host))
}

// send delivers one message within timeout.
func (s *session) send(from string, e email, timeout time.Duration) error {
	s.conn.SetDeadline(time.Now().Add(timeout))
	if err := s.client.Mail(from); err != nil {
		return err
	}
	if err := s.client.Rcpt(e.to); err != nil {
		return err
	}
	w, err := s.client.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(e.data); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

func (s *session) quit() {
	s.conn.SetDeadline(time.Now().Add(5 * time.Second))
	if err := s.client.Quit(); err != nil {
		s.close()
	}
}

func (s *session) close() { s.client.Close() }
