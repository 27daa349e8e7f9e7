package notifications

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"

	"github.com/handshake-mekong/handshake/internal/i18n"
)

// pending is a notification claimed for email: exactly what the claim
// returns, and all an email may say.
type pending struct {
	ID        int64
	Email     string
	Language  string
	Kind      string
	Reference string
	Link      string
}

// email is one message ready for the SMTP DATA command.
type email struct {
	to   string
	data []byte
}

// compose writes the email for p in its user's language: the kind, the
// case reference and the link, and nothing else, for a message that may be
// read on a lock screen or by whoever holds the mailbox.
func compose(p pending, from, baseURL string, now time.Time) (email, error) {
	to, err := mail.ParseAddress(p.Email)
	if err != nil {
		return email{}, fmt.Errorf("notification %d: recipient: %w", p.ID, err)
	}
	l := i18n.For(p.Language)
	reference := oneLine(p.Reference)
	if reference == "" {
		reference = "—"
	}
	data := map[string]any{
		"Kind":      l.T(KindMessageID(p.Kind), nil),
		"Reference": reference,
		"Link":      strings.TrimRight(baseURL, "/") + oneLine(p.Link),
	}
	subject := oneLine(l.T("notifications.mail_subject", data))
	body := strings.ReplaceAll(l.T("notifications.mail_body", data), "\r\n", "\n")

	var b bytes.Buffer
	header := func(name, value string) { fmt.Fprintf(&b, "%s: %s\r\n", name, value) }
	header("From", (&mail.Address{Name: "Handshake", Address: from}).String())
	header("To", (&mail.Address{Address: to.Address}).String())
	// Encoded words longer than a line are folded onto the next.
	header("Subject", strings.ReplaceAll(mime.QEncoding.Encode("utf-8", subject), "?= =?", "?=\r\n =?"))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", messageID(p.ID, from))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Content-Language", l.Lang)
	// RFC 3834: no out-of-office replies to a machine.
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(body)); err != nil {
		return email{}, err
	}
	if err := qp.Close(); err != nil {
		return email{}, err
	}
	return email{to: to.Address, data: b.Bytes()}, nil
}

// oneLine drops control characters, so that no value can start a header of
// its own.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// messageID is unique per notification and attempt, in the sender's
// domain.
func messageID(id int64, from string) string {
	domain := "handshake.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 && at < len(from)-1 {
		domain = from[at+1:]
	}
	nonce := make([]byte, 8)
	rand.Read(nonce)
	return fmt.Sprintf("<notification-%d.%s@%s>", id, hex.EncodeToString(nonce), domain)
}
