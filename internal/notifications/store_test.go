package notifications_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/notifications"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
	"github.com/handshake-mekong/handshake/internal/seed"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type fixture struct {
	t     *testing.T
	db    *pgtest.DB
	store *notifications.Store
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.New(t)
	if err := seed.Accounts(context.Background(), db.App); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, db: db, store: notifications.NewStore(db.App)}
}

func (f *fixture) userID(email string) int64 {
	f.t.Helper()
	var id int64
	if err := f.db.Owner.QueryRow(context.Background(), `SELECT id FROM users WHERE email = $1`, email).Scan(&id); err != nil {
		f.t.Fatalf("%s: %v", email, err)
	}
	return id
}

func (f *fixture) actor(email string) access.Actor {
	f.t.Helper()
	a, err := agencies.NewStore(f.db.App).Account(context.Background(), f.userID(email))
	if err != nil {
		f.t.Fatal(err)
	}
	return a.Actor()
}

// notify writes a notification for email as the owner, as if a referral
// step had.
func (f *fixture) notify(email, kind, reference, link string) int64 {
	f.t.Helper()
	var id int64
	if err := f.db.Owner.QueryRow(context.Background(), `INSERT INTO notifications (user_id, kind, reference, link)
		VALUES ($1, $2, $3, $4) RETURNING id`, f.userID(email), kind, reference, link).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}

const (
	pprCoordinator = "coordinator@th-ppr2.example"
	aimCoordinator = "coordinator@aim.example"
)

func TestUserListsOnlyTheirOwnNotificationsNewestFirst(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	first := f.notify(pprCoordinator, "referral.accepted", "TH-PPR2-2026-0001", "/referrals/1")
	second := f.notify(pprCoordinator, "referral.declined", "TH-PPR2-2026-0002", "/referrals/2")
	theirs := f.notify(aimCoordinator, "referral.sent", "TH-PPR2-2026-0003", "/referrals/3")

	list, err := f.store.List(ctx, f.actor(pprCoordinator), notifications.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Notifications) != 2 || list.Notifications[0].ID != second || list.Notifications[1].ID != first || list.Next != 0 {
		t.Fatalf("PPR2's coordinator lists %+v, want %d then %d and no next page", list, second, first)
	}
	n := list.Notifications[0]
	if n.Kind != "referral.declined" || n.Reference != "TH-PPR2-2026-0002" || n.Link != "/referrals/2" || !n.Unread() {
		t.Errorf("listed %+v", n)
	}
	list, err = f.store.List(ctx, f.actor(aimCoordinator), notifications.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Notifications) != 1 || list.Notifications[0].ID != theirs {
		t.Fatalf("AIM's coordinator lists %+v, want only %d", list.Notifications, theirs)
	}
	// No actor, no rows.
	list, err = f.store.List(ctx, access.Actor{}, notifications.Page{})
	if err != nil || len(list.Notifications) != 0 {
		t.Fatalf("the zero actor lists %+v, %v", list.Notifications, err)
	}
}

func TestListPagesByKeyset(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var ids []int64
	for range 5 {
		ids = append(ids, f.notify(pprCoordinator, "referral.completed", "TH-PPR2-2026-0001", "/referrals/1"))
	}
	actor := f.actor(pprCoordinator)
	page1, err := f.store.List(ctx, actor, notifications.Page{Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	// A notification arriving between pages must not shift the next one.
	f.notify(pprCoordinator, "referral.completed", "TH-PPR2-2026-0001", "/referrals/1")
	page2, err := f.store.List(ctx, actor, notifications.Page{Before: page1.Next, Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	page3, err := f.store.List(ctx, actor, notifications.Page{Before: page2.Next, Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, p := range []notifications.List{page1, page2, page3} {
		for _, n := range p.Notifications {
			got = append(got, n.ID)
		}
	}
	want := []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}
	if len(got) != len(want) || page3.Next != 0 {
		t.Fatalf("pages hold %v (last next %d), want %v", got, page3.Next, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("pages hold %v, want %v", got, want)
		}
	}
}

// TestRowLevelSecurityHidesOtherUsersNotifications asks PostgreSQL
// directly, as another actor, without the store's own user_id condition.
func TestRowLevelSecurityHidesOtherUsersNotifications(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := f.notify(pprCoordinator, "referral.sent", "TH-PPR2-2026-0001", "/referrals/1")
	for _, other := range []string{aimCoordinator, "investigator@th-ppr2.example"} {
		err := postgres.AsActor(ctx, f.db.App, f.actor(other), func(tx pgx.Tx) error {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM notifications`).Scan(&n); err != nil {
				return err
			}
			if n != 0 {
				t.Errorf("%s sees %d notifications of another user", other, n)
			}
			tag, err := tx.Exec(ctx, `UPDATE notifications SET read_at = now() WHERE id = $1`, id)
			if err != nil {
				return err
			}
			if tag.RowsAffected() != 0 {
				t.Errorf("%s marked another user's notification read", other)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Without an actor the application role sees nothing either: the
	// mailer needs claim_notification_mail.
	var n int
	if err := f.db.App.QueryRow(ctx, `SELECT count(*) FROM notifications`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the application role without an actor sees %d notifications (%v)", n, err)
	}
	var readAt *string
	if err := f.db.Owner.QueryRow(ctx, `SELECT read_at::text FROM notifications WHERE id = $1`, id).Scan(&readAt); err != nil || readAt != nil {
		t.Fatalf("read_at = %v, %v: want still unread", readAt, err)
	}
}

func TestUnreadCountAndMarkRead(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.notify(pprCoordinator, "referral.accepted", "TH-PPR2-2026-0001", "/referrals/1")
	f.notify(pprCoordinator, "referral.declined", "TH-PPR2-2026-0002", "/referrals/2")
	f.notify(pprCoordinator, "referral.completed", "TH-PPR2-2026-0003", "/referrals/3")
	f.notify(aimCoordinator, "referral.sent", "TH-PPR2-2026-0004", "/referrals/4")
	me := f.actor(pprCoordinator)
	count := func(actor access.Actor, want int) {
		t.Helper()
		n, err := f.store.UnreadCount(ctx, actor)
		if err != nil || n != want {
			t.Fatalf("unread = %d, %v; want %d", n, err, want)
		}
	}
	count(me, 3)
	n, err := f.store.MarkRead(ctx, me, a)
	if err != nil || n.ID != a || n.Link != "/referrals/1" || n.Unread() {
		t.Fatalf("MarkRead = %+v, %v", n, err)
	}
	count(me, 2)
	// Again: still read, the time of the first reading kept.
	again, err := f.store.MarkRead(ctx, me, a)
	if err != nil || !again.ReadAt.Equal(*n.ReadAt) {
		t.Fatalf("second MarkRead = %+v, %v; want read at %v", again, err, n.ReadAt)
	}
	marked, err := f.store.MarkAllRead(ctx, me)
	if err != nil || marked != 2 {
		t.Fatalf("MarkAllRead = %d, %v; want 2", marked, err)
	}
	count(me, 0)
	count(f.actor(aimCoordinator), 1)
}

func TestMarkingAnotherUsersNotificationIsNotFound(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	theirs := f.notify(aimCoordinator, "referral.sent", "TH-PPR2-2026-0001", "/referrals/1")
	me := f.actor(pprCoordinator)
	for _, id := range []int64{theirs, theirs + 1000} {
		if _, err := f.store.MarkRead(ctx, me, id); !errors.Is(err, notifications.ErrNotFound) {
			t.Errorf("MarkRead(%d) = %v, want ErrNotFound", id, err)
		}
	}
	if n, err := f.store.UnreadCount(ctx, f.actor(aimCoordinator)); err != nil || n != 1 {
		t.Fatalf("the owner's unread count = %d, %v; want 1", n, err)
	}
	var denied int
	f.db.Owner.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'notification.read.denied'
		AND actor_user_id = $1`, me.UserID).Scan(&denied)
	if denied != 2 {
		t.Errorf("%d denied attempts audited, want 2", denied)
	}
	// Marking all read touches only the actor's own.
	if _, err := f.store.MarkAllRead(ctx, me); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.store.UnreadCount(ctx, f.actor(aimCoordinator)); n != 1 {
		t.Fatalf("another user's MarkAllRead changed AIM's unread count to %d", n)
	}
}
