package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/seed"
)

// TestReferralCountReachesAUserOnAnotherServer runs Handshake as two
// server processes on one database: a referral sent through the first
// reaches, as a live count, a coordinator connected to the second.
func TestReferralCountReachesAUserOnAnotherServer(t *testing.T) {
	first := newApp(t)
	// The second server is another OS process; only the database joins them.
	second := &app{t: t, db: first.db, srv: &httptest.Server{URL: serveProcess(t, first.db)}}
	ctx := context.Background()

	users := agencies.NewStore(first.db.App)
	acc, err := users.Authenticate(ctx, "investigator@th-ppr2.example", seed.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	caseID, _, err := cases.NewStore(first.db.App).Create(ctx, acc.Actor(), cases.CaseInput{Title: "Transfer expected on Friday",
		Category: "sex_trafficking", Priority: "urgent", Country: "TH", HandlingCode: access.Partners})
	if err != nil {
		t.Fatal(err)
	}

	coordinator := second.signedIn("coordinator@kh-ahtjp.example")
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, second.srv.URL+"/events", nil)
	res, err := coordinator.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	counts := make(chan int, 10)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var c struct{ Waiting int }
				if json.Unmarshal([]byte(data), &c) == nil {
					counts <- c.Waiting
				}
			}
		}
		close(counts)
	}()
	if n := <-counts; n != 0 {
		t.Fatalf("first count %d, want 0", n)
	}

	sender := first.signedIn("investigator@th-ppr2.example")
	start := time.Now()
	sent := sender.post("/cases/"+itoa(caseID)+"/refer", url.Values{"to_agency": {agencyID(t, first, "kh-ahtjp")},
		"purpose": {"rescue"}, "urgency": {"urgent"}, "message": {"Girls held at a karaoke bar; transfer on Friday"}})
	wantStatus(t, "send", sent, http.StatusSeeOther)
	select {
	case n := <-counts:
		if n != 1 {
			t.Fatalf("count after the referral: %d, want 1", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second server never told its user about the referral")
	}
	delay := time.Since(start)
	// From sending the form on server 1 to the new count on server 2.
	t.Logf("live update from server 1 to a user on server 2 took %v", delay)
	dir := filepath.Join(repoRoot(t), "artifacts")
	if os.MkdirAll(dir, 0o755) == nil {
		os.WriteFile(filepath.Join(dir, "live-delay.txt"), []byte("live update between two server processes: "+delay.String()+"\n"), 0o644)
	}

	// Without JavaScript the count arrives with the next page.
	page := coordinator.get("/referrals")
	page.mustContain(t, `data-live="waiting"`, ">1</span>")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
