package notifications_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/config"
	"github.com/handshake-mekong/handshake/internal/i18n"
	"github.com/handshake-mekong/handshake/internal/notifications"
	"github.com/handshake-mekong/handshake/internal/referrals"
)

const (
	sender  = "handshake@example.org"
	baseURL = "https://handshake.example.org"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func (f *fixture) mailer(s *smtpServer) *notifications.Mailer {
	return notifications.NewMailer(f.db.App, config.SMTP{Host: s.host, Port: s.port, From: sender}, baseURL)
}

// read parses a delivered message and decodes its subject and body.
func read(t *testing.T, d delivery) (h mail.Header, subject, body string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(d.data))
	if err != nil {
		t.Fatalf("the email does not parse: %v\n%s", err, d.data)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject: %v", err)
	}
	b, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	return msg.Header, subject, strings.ReplaceAll(string(b), "\r\n", "\n")
}

// TestMailerSendsOneEmailInTheUsersLanguage walks the real path: PPR2
// refers a case to OUR, whose coordinator reads Thai, and the mailer tells
// them in Thai with nothing but what happened, the reference and a link.
func TestMailerSendsOneEmailInTheUsersLanguage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	srv := newSMTPServer(t)
	const recipient = "coordinator@our.example"
	if _, err := f.db.Owner.Exec(ctx, `UPDATE users SET language = 'th' WHERE email = $1`, recipient); err != nil {
		t.Fatal(err)
	}
	var our int32
	if err := f.db.Owner.QueryRow(ctx, `SELECT id FROM agencies WHERE code = 'our'`).Scan(&our); err != nil {
		t.Fatal(err)
	}
	inv := f.actor("investigator@th-ppr2.example")
	caseStore := cases.NewStore(f.db.App)
	secrets := []string{"Girls taken across at Ban Khlong Luek", "Recruiter known as Mama Lek", "Srey Mom", "ស្រីមុំ",
		"Please find her a shelter bed", "Somchai", "Wongsakul", "Mark Reynolds", "Operation Underground Railroad",
		"Royal Thai Police", "aftercare", "urgent", "TH-27"}
	caseID, reference, err := caseStore.Create(ctx, inv, cases.CaseInput{Title: secrets[0], Summary: secrets[1],
		Category: "sex_trafficking", Priority: "urgent", Country: "TH", Province: "TH-27", HandlingCode: access.Partners})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := caseStore.AddPerson(ctx, inv, caseID, cases.PersonInput{Role: access.Survivor, Names: "Srey Mom\nស្រីមុំ", Consent: true}); err != nil {
		t.Fatal(err)
	}
	referralID, err := referrals.NewStore(f.db.App).Send(ctx, inv, caseID, referrals.SendInput{ToAgency: our,
		Purpose: "aftercare", Urgency: "urgent", Message: secrets[4]})
	if err != nil {
		t.Fatal(err)
	}

	sent, failed, err := f.mailer(srv).SendPending(ctx, quiet)
	if err != nil || sent != 1 || failed != 0 {
		t.Fatalf("SendPending = %d sent, %d failed, %v; want 1 sent", sent, failed, err)
	}
	got := srv.deliveries()
	if len(got) != 1 {
		t.Fatalf("%d emails delivered, want 1", len(got))
	}
	d := got[0]
	if d.from != sender || len(d.to) != 1 || d.to[0] != recipient {
		t.Fatalf("envelope from %q to %v, want %s to %s", d.from, d.to, sender, recipient)
	}
	h, subject, body := read(t, d)
	if to, err := h.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != recipient {
		t.Errorf("To: %q", h.Get("To"))
	}
	if ct := h.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type: %q", ct)
	}
	if cl := h.Get("Content-Language"); cl != "th" {
		t.Errorf("Content-Language: %q, want th", cl)
	}
	th := i18n.For("th")
	kind := th.T("notification_kind.referral_sent", nil)
	link := baseURL + "/referrals/" + itoa(referralID)
	data := map[string]any{"Kind": kind, "Reference": reference, "Link": link}
	if want := th.T("notifications.mail_subject", data); subject != want || !strings.Contains(subject, kind) {
		t.Errorf("subject %q, want %q", subject, want)
	}
	if !regexp.MustCompile(`\p{Thai}`).MatchString(subject) {
		t.Errorf("subject %q is not in Thai", subject)
	}
	if strings.TrimSpace(body) != strings.TrimSpace(th.T("notifications.mail_body", data)) {
		t.Errorf("body is not exactly the Thai template filled in:\n%s", body)
	}
	for _, want := range []string{kind, reference, link} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q", want)
		}
	}
	for _, secret := range secrets {
		for where, text := range map[string]string{"raw message": d.data, "subject": subject, "body": body} {
			if strings.Contains(text, secret) {
				t.Errorf("the %s holds %q", where, secret)
			}
		}
	}

	var emailed bool
	var attempts int
	if err := f.db.Owner.QueryRow(ctx, `SELECT emailed_at IS NOT NULL, mail_attempts FROM notifications WHERE link = $1`,
		"/referrals/"+itoa(referralID)).Scan(&emailed, &attempts); err != nil || !emailed || attempts != 1 {
		t.Fatalf("emailed %v after %d attempts (%v)", emailed, attempts, err)
	}
	if sent, _, err := f.mailer(srv).SendPending(ctx, quiet); err != nil || sent != 0 {
		t.Fatalf("a second run sent %d (%v); want nothing", sent, err)
	}
}

func TestFailingServerLeavesTheNotificationForRetry(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	srv := newSMTPServer(t)
	srv.setRefuse(true)
	id := f.notify(pprCoordinator, "referral.accepted", "TH-PPR2-2026-0007", "/referrals/7")
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))

	sent, failed, err := f.mailer(srv).SendPending(ctx, log)
	if err != nil || sent != 0 || failed != 1 {
		t.Fatalf("SendPending = %d sent, %d failed, %v; want 1 failed", sent, failed, err)
	}
	if !strings.Contains(logs.String(), "notification email not sent") || !strings.Contains(logs.String(), "notification="+itoa(id)) ||
		!strings.Contains(logs.String(), "451") {
		t.Errorf("the failure is not logged with the notification and the server's answer:\n%s", logs.String())
	}
	state := func() (emailed bool, attempts int, waiting bool) {
		t.Helper()
		if err := f.db.Owner.QueryRow(ctx, `SELECT emailed_at IS NOT NULL, mail_attempts, mail_retry_at > now()
			FROM notifications WHERE id = $1`, id).Scan(&emailed, &attempts, &waiting); err != nil {
			t.Fatal(err)
		}
		return
	}
	if emailed, attempts, waiting := state(); emailed || attempts != 1 || !waiting {
		t.Fatalf("after a refusal: emailed %v, attempts %d, waiting %v; want unsent, 1 attempt, waiting", emailed, attempts, waiting)
	}
	// It waits before the next attempt rather than hammer the server.
	if sent, failed, _ := f.mailer(srv).SendPending(ctx, quiet); sent+failed != 0 {
		t.Fatalf("retried at once: %d sent, %d failed", sent, failed)
	}
	// An unreachable server fails the same way.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	unreachable := notifications.NewMailer(f.db.App, config.SMTP{Host: "127.0.0.1", Port: port, From: sender}, baseURL)
	f.db.Owner.Exec(ctx, `UPDATE notifications SET mail_retry_at = now() - interval '1 second' WHERE id = $1`, id)
	if sent, failed, err := unreachable.SendPending(ctx, quiet); err != nil || sent != 0 || failed != 1 {
		t.Fatalf("unreachable server: %d sent, %d failed, %v", sent, failed, err)
	}
	if emailed, attempts, _ := state(); emailed || attempts != 2 {
		t.Fatalf("after an unreachable server: emailed %v, attempts %d", emailed, attempts)
	}

	// The server recovers; the next attempt goes through.
	srv.setRefuse(false)
	f.db.Owner.Exec(ctx, `UPDATE notifications SET mail_retry_at = now() - interval '1 second' WHERE id = $1`, id)
	if sent, _, err := f.mailer(srv).SendPending(ctx, quiet); err != nil || sent != 1 {
		t.Fatalf("retry: %d sent, %v", sent, err)
	}
	if emailed, attempts, _ := state(); !emailed || attempts != 3 || len(srv.deliveries()) != 1 {
		t.Fatalf("after the retry: emailed %v, attempts %d, %d delivered", emailed, attempts, len(srv.deliveries()))
	}
}

// TestMailerSkipsWhatItMustNotSend: five failed attempts, a notification
// older than a day, a deactivated user.
func TestMailerSkipsWhatItMustNotSend(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	srv := newSMTPServer(t)
	exhausted := f.notify(pprCoordinator, "referral.declined", "TH-PPR2-2026-0001", "/referrals/1")
	old := f.notify(pprCoordinator, "referral.declined", "TH-PPR2-2026-0002", "/referrals/2")
	f.notify(aimCoordinator, "referral.sent", "TH-PPR2-2026-0003", "/referrals/3")
	for _, sql := range []string{
		`UPDATE notifications SET mail_attempts = 5 WHERE id = ` + itoa(exhausted),
		`UPDATE notifications SET created_at = now() - interval '25 hours' WHERE id = ` + itoa(old),
		`UPDATE users SET active = false WHERE email = '` + aimCoordinator + `'`,
	} {
		if _, err := f.db.Owner.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	if sent, failed, err := f.mailer(srv).SendPending(ctx, quiet); err != nil || sent+failed != 0 || len(srv.deliveries()) != 0 {
		t.Fatalf("sent %d, failed %d (%v): want nothing", sent, failed, err)
	}
}

func TestTwoMailersSendEachNotificationOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	srv := newSMTPServer(t)
	srv.setDelay(2 * time.Millisecond)
	users := []string{pprCoordinator, aimCoordinator, "investigator@th-ppr2.example", "coordinator@kh-ahtjp.example"}
	const total = 40
	for i := range total {
		f.notify(users[i%len(users)], notifications.Kinds[i%len(notifications.Kinds)], "TH-PPR2-2026-0001", "/referrals/"+itoa(int64(i+1)))
	}
	mailers := []*notifications.Mailer{f.mailer(srv), f.mailer(srv)}
	var mu sync.Mutex
	sentBy := make([]int, len(mailers))
	var wg sync.WaitGroup
	for i, m := range mailers {
		m.SetBatch(3)
		wg.Go(func() {
			for range 3 {
				sent, failed, err := m.SendPending(ctx, quiet)
				if err != nil || failed != 0 {
					t.Errorf("mailer %d: %d failed, %v", i, failed, err)
				}
				mu.Lock()
				sentBy[i] += sent
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	// SKIP LOCKED may send a mailer home early while the other holds rows;
	// whatever is left goes now.
	for {
		sent, _, err := mailers[0].SendPending(ctx, quiet)
		if err != nil {
			t.Fatal(err)
		}
		if sent == 0 {
			break
		}
		sentBy[0] += sent
	}
	t.Logf("the mailers sent %v", sentBy)
	if sentBy[0]+sentBy[1] != total {
		t.Errorf("sent %v in all, want %d", sentBy, total)
	}
	seen := map[string]int{}
	idRE := regexp.MustCompile(`^<notification-(\d+)\.`)
	for _, d := range srv.deliveries() {
		msg, err := mail.ReadMessage(strings.NewReader(d.data))
		if err != nil {
			t.Fatal(err)
		}
		m := idRE.FindStringSubmatch(msg.Header.Get("Message-ID"))
		if m == nil {
			t.Fatalf("Message-ID %q names no notification", msg.Header.Get("Message-ID"))
		}
		seen[m[1]]++
	}
	if len(seen) != total {
		t.Errorf("%d notifications emailed, want %d", len(seen), total)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("notification %s emailed %d times", id, n)
		}
	}
	var attempts int
	f.db.Owner.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE emailed_at IS NULL OR mail_attempts <> 1`).Scan(&attempts)
	if attempts != 0 {
		t.Errorf("%d notifications unsent or claimed more than once", attempts)
	}
}

// TestMailerUsesTLSAndSignsIn: STARTTLS when offered, TLS from the start
// for smtps://, and the password only inside TLS.
func TestMailerUsesTLSAndSignsIn(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	serverTLS, roots := selfSigned(t)
	for name, opt := range map[string]serverOption{"starttls": withSTARTTLS(serverTLS), "smtps": withImplicitTLS(serverTLS)} {
		t.Run(name, func(t *testing.T) {
			srv := newSMTPServer(t, opt, withAuth("mailer", "s3cret pass"))
			f.notify(pprCoordinator, "referral.completed", "TH-PPR2-2026-0009", "/referrals/9")
			m := notifications.NewMailer(f.db.App, config.SMTP{Host: srv.host, Port: srv.port, From: sender,
				Username: "mailer", Password: "s3cret pass", ImplicitTLS: name == "smtps"}, baseURL)
			m.SetRootCAs(roots)
			var logs bytes.Buffer
			sent, failed, err := m.SendPending(ctx, slog.New(slog.NewTextHandler(&logs, nil)))
			if err != nil || sent != 1 || failed != 0 {
				t.Fatalf("SendPending = %d sent, %d failed, %v\n%s", sent, failed, err, logs.String())
			}
			d := srv.deliveries()
			if len(d) != 1 || !d[0].tls || d[0].user != "mailer" {
				t.Fatalf("delivered %+v, want one message over TLS from the signed-in mailer", d)
			}
		})
	}
}

// TestSMTPURLIsReadAndChecked: the mailer's settings as config reads them.
// A bad value is refused without repeating it, as it may hold a password.
func TestSMTPURLIsReadAndChecked(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := config.FromEnv(env(map[string]string{"SMTP_URL": "smtp://mailer:pa%20ss@mail.example.org?from=handshake@example.org",
		"BASE_URL": "https://handshake.example.org/"}))
	if err != nil {
		t.Fatal(err)
	}
	want := config.SMTP{Host: "mail.example.org", Port: "587", Username: "mailer", Password: "pa ss", From: "handshake@example.org"}
	if c.SMTP != want || c.BaseURL != "https://handshake.example.org" || !c.SMTP.Enabled() {
		t.Fatalf("read %+v and %q", c.SMTP, c.BaseURL)
	}
	if strings.Contains(c.SMTP.String(), "pa ss") || strings.Contains(c.SMTP.String(), "pa%20ss") {
		t.Errorf("String() shows the password: %s", c.SMTP)
	}
	c, _ = config.FromEnv(env(map[string]string{"SMTP_URL": "smtps://mail.example.org?from=h@example.org"}))
	if !c.SMTP.ImplicitTLS || c.SMTP.Port != "465" || c.BaseURL != "http://localhost:8080" {
		t.Errorf("smtps: %+v, base %q", c.SMTP, c.BaseURL)
	}
	if c, err := config.FromEnv(env(nil)); err != nil || c.SMTP.Enabled() {
		t.Errorf("unset: %+v, %v", c.SMTP, err)
	}
	for _, bad := range []map[string]string{
		{"SMTP_URL": "http://secret-pass@mail.example.org?from=h@example.org"},
		{"SMTP_URL": "smtp://u:secret-pass@mail.example.org"},
		{"SMTP_URL": "smtp://u:secret-pass@mail.example.org?from=not-an-address"},
		{"SMTP_URL": "smtp://u:secret-pass@mail.example.org:99999?from=h@example.org"},
		{"SMTP_URL": "smtp://u:secret-pass@?from=h@example.org"},
		{"BASE_URL": "handshake.example.org"},
		{"BASE_URL": "ftp://handshake.example.org"},
		{"BASE_URL": "https://handshake.example.org/?x=secret-pass"},
	} {
		_, err := config.FromEnv(env(bad))
		for name := range bad {
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("%v: error %v does not name %s", bad, err, name)
			} else if name == "SMTP_URL" && strings.Contains(err.Error(), "secret-pass") {
				t.Errorf("the error repeats the URL: %v", err)
			}
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
