package app_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/handshake-mekong/handshake/internal/app"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
)

func TestAuditVerifyReportsIntactAndBrokenChains(t *testing.T) {
	db := pgtest.New(t)
	if _, err := db.App.Exec(t.Context(), `INSERT INTO audit_events (action) SELECT 'agency.update' FROM generate_series(1, 5)`); err != nil {
		t.Fatal(err)
	}
	env, out := testEnv(map[string]string{"DATABASE_URL": db.URL}, "")
	if err := app.Run(t.Context(), []string{"audit", "verify"}, env); err != nil {
		t.Fatalf("verify an intact chain: %v\n%s", err, out)
	}
	if !strings.Contains(out.String(), "audit chain intact: 5 events") {
		t.Errorf("intact chain:\n%s", out)
	}

	var third int64
	if err := db.Owner.QueryRow(t.Context(), `UPDATE audit_events SET action = 'agency.view'
		WHERE id = (SELECT id FROM audit_events ORDER BY id OFFSET 2 LIMIT 1) RETURNING id`).Scan(&third); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err := app.Run(t.Context(), []string{"audit", "verify"}, env)
	if !errors.Is(err, app.ErrAuditBroken) {
		t.Fatalf("verify a changed chain: %v, want ErrAuditBroken\n%s", err, out)
	}
	want := "audit chain broken at event " + strconv.FormatInt(third, 10) + ": hash does not match its content"
	if !strings.Contains(out.String(), want) {
		t.Errorf("broken chain: got\n%s\nwant %q", out, want)
	}

	for _, args := range [][]string{{"audit"}, {"audit", "repair"}, {"audit", "verify", "now"}} {
		if err := app.Run(t.Context(), args, env); !errors.Is(err, app.ErrUsage) {
			t.Errorf("%v: %v, want ErrUsage", args, err)
		}
	}
}
