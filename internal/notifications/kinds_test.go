package notifications_test

import (
	"strings"
	"testing"

	"github.com/handshake-mekong/handshake/internal/i18n"
	"github.com/handshake-mekong/handshake/internal/notifications"
)

func TestMessageIDReplacesDotsWithUnderscores(t *testing.T) {
	for kind, want := range map[string]string{
		"referral.sent":     "notification_kind.referral_sent",
		"referral.assigned": "notification_kind.referral_assigned",
		"aftercare.due.now": "notification_kind.aftercare_due_now",
	} {
		if got := notifications.MessageID(kind); got != want {
			t.Errorf("MessageID(%q) = %q, want %q", kind, got, want)
		}
	}
}

// TestEveryKindIsTranslated: each kind the application writes, and the
// email's subject and body, have a real message in every language.
func TestEveryKindIsTranslated(t *testing.T) {
	wantKinds := []string{"referral.sent", "referral.accepted", "referral.declined", "referral.withdrawn",
		"referral.completed", "referral.assigned"}
	for _, k := range wantKinds {
		if notifications.KindMessageID(k) != notifications.MessageID(k) {
			t.Errorf("kind %s is not in notifications.Kinds", k)
		}
	}
	ids := []string{"notifications.kind_unknown", "notifications.mail_subject", "notifications.mail_body"}
	for _, k := range notifications.Kinds {
		ids = append(ids, notifications.MessageID(k))
	}
	data := map[string]any{"Kind": "K", "Reference": "TH-PPR2-2026-0001", "Link": "https://h.example/referrals/1"}
	for _, id := range ids {
		english := i18n.For("en").T(id, data)
		for _, lang := range i18n.Languages {
			got := i18n.For(lang).T(id, data)
			switch {
			case got == id || strings.TrimSpace(got) == "":
				t.Errorf("%s: %s has no message", lang, id)
			case lang != "en" && got == english && id != "notifications.mail_subject":
				t.Errorf("%s: %s is the English text %q", lang, id, got)
			}
		}
	}
	if got := notifications.KindMessageID("case.something_new"); got != "notifications.kind_unknown" {
		t.Errorf("an unknown kind is named by %s", got)
	}
}
