package bench

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 10_000: "10,000", 1_000_000: "1,000,000", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestWriteSizeMarksWhatIsOverBudget(t *testing.T) {
	s := Size{Cases: 1_000_000, Dataset: "seed scale --cases 1000000 --seed 1", Users: 50, Think: "0s", Duration: "10s",
		Endpoints: []Endpoint{
			{Name: "baseline", Example: "GET /bench/baseline", Requests: 20000, RPS: 2000, P50: 10, P95: 20, P99: 30, VsBaseline: 1},
			{Name: "desk", Example: "GET /desk", Requests: 3000, RPS: 300, P50: 100, P95: 160.04, P99: 200, Errors: 2, VsBaseline: 8},
		},
		Pages: []PageWeight{
			{Page: "/cases", Bytes: 3_850, Total: 7_172},
			{Page: "/hotspots", Bytes: 3_774, Total: 101_000, Data: []Asset{{URL: "/hotspots/map.geojson?&bbox=1,2,3,4", Bytes: 831}}},
			{Page: "/desk", Error: "GET /desk: status 404"},
		}}
	var out bytes.Buffer
	WriteSize(&out, s, Default)
	text := out.String()
	for _, want := range []string{
		"1,000,000 cases (seed scale --cases 1000000 --seed 1), 50 users pausing 0s between requests, 10s per endpoint",
		"  baseline             2000     10.0    20.0      30.0       0    1.0  GET /bench/baseline\n",
		"  desk                  300    100.0   160.0!    200.0       2    8.0  GET /desk\n",
		"  /cases              3,850    3,322    7,172  \n",
		"  /hotspots           3,774   97,226  101,000! 831 /hotspots/map.geojson?&bbox=1,2,3,4\n",
		"  /desk            GET /desk: status 404\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the table lacks %q:\n%s", want, text)
		}
	}

	// At a size the p95 budget does not apply to, nothing is marked.
	out.Reset()
	s.Cases, s.Pages = 10_000, nil
	WriteSize(&out, s, Default)
	if strings.Contains(out.String(), "!") || strings.Contains(out.String(), "first visit") {
		t.Errorf("10,000 cases marks a p95 or prints pages:\n%s", out.String())
	}
}

func TestWriteGrowthAndMisses(t *testing.T) {
	var out bytes.Buffer
	WriteGrowth(&out, []Growth{{Endpoint: "search-km", From: 10_000, To: 1_000_000, FromP95: 10, ToP95: 25, Factor: 2.5},
		{Endpoint: "cases", From: 10_000, To: 1_000_000, FromP95: 10, ToP95: 12, Factor: 1.2}}, Default)
	for _, want := range []string{
		"p95 growth from 10,000 to 1,000,000 cases (budget ≤ ×2)",
		"  search-km              10.0       25.0    2.50!\n",
		"  cases                  10.0       12.0    1.20 \n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the growth table lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	WriteGrowth(&out, nil, Default)
	if out.Len() != 0 {
		t.Errorf("growth of one size printed %q", out.String())
	}

	out.Reset()
	WriteMisses(&out, nil)
	if !strings.Contains(out.String(), "every budget met") {
		t.Errorf("no misses: %q", out.String())
	}
	out.Reset()
	WriteMisses(&out, []Miss{{Cases: 1_000_000, What: "desk", Budget: "p95", Detail: "p95 160.0 ms, budget < 50 ms"}})
	if want := "1 budget(s) missed:\n  - 1,000,000 cases, desk: p95 160.0 ms, budget < 50 ms\n"; !strings.Contains(out.String(), want) {
		t.Errorf("misses: %q, want %q", out.String(), want)
	}
}

func TestWriteJSONHasOneObjectPerSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "artifacts", "bench.json")
	r := Report{Machine: Machine{Cores: 2, GoVersion: "go1.26", PostgreSQL: "15.20", Date: "2026-01-01T00:00:00Z"},
		Sizes:  []Size{{Cases: 10_000, Endpoints: []Endpoint{{Name: "cases", P95: 12.5, RPS: 400, VsBaseline: 2}}}, {Cases: 1_000_000}},
		Misses: []Miss{}}
	if err := WriteJSON(path, r); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Machine map[string]any `json:"machine"`
		Sizes   []struct {
			Cases     int              `json:"cases"`
			Endpoints []map[string]any `json:"endpoints"`
		} `json:"sizes"`
		Misses []any `json:"misses"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Machine["cores"] != 2.0 || got.Machine["postgresql"] != "15.20" || len(got.Sizes) != 2 || got.Misses == nil {
		t.Fatalf("report: %s", b)
	}
	e := got.Sizes[0].Endpoints[0]
	if e["name"] != "cases" || e["p95_ms"] != 12.5 || e["requests_per_second"] != 400.0 || e["p95_vs_baseline"] != 2.0 {
		t.Errorf("endpoint: %v", e)
	}
}
