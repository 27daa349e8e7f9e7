package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Report is what make bench prints and writes to artifacts/bench.json.
type Report struct {
	Machine Machine `json:"machine"`
	Sizes   []Size  `json:"sizes"`
	// Growth compares the smallest and the largest size, when more than
	// one ran.
	Growth []Growth `json:"growth,omitempty"`
	Misses []Miss   `json:"misses"`
}

// Machine says where the figures were measured.
type Machine struct {
	Cores      int    `json:"cores"`
	CPU        string `json:"cpu,omitempty"`
	OS         string `json:"os"`
	GoVersion  string `json:"go"`
	PostgreSQL string `json:"postgresql"`
	Date       string `json:"date"`
	// LoadAverage is the 1-minute load average before the run: other work
	// on the machine shows in the figures.
	LoadAverage string `json:"load_average,omitempty"`
	// Note says how the server and the load shared the machine.
	Note string `json:"note,omitempty"`
}

// Size is one dataset's run: every endpoint under load, and the weight of
// each main page's first visit.
type Size struct {
	Cases int `json:"cases"`
	// InDatabase is how many cases the loaded database holds.
	InDatabase int64  `json:"cases_in_database"`
	Dataset    string `json:"dataset"`
	Users      int    `json:"users"`
	Think      string `json:"think_time"`
	Duration   string `json:"duration_per_endpoint"`
	// LoadBefore is the machine's 1-minute load average before this
	// size's load began: other work on the machine shows in the figures.
	LoadBefore string       `json:"load_average_before,omitempty"`
	Endpoints  []Endpoint   `json:"endpoints"`
	Pages      []PageWeight `json:"pages"`
}

// Endpoint is one endpoint's figures under load.
type Endpoint struct {
	Name string `json:"name"`
	// Example is one of its requests, e.g. "GET /cases?status=investigating".
	Example  string  `json:"example"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	RPS      float64 `json:"requests_per_second"`
	P50      Millis  `json:"p50_ms"`
	P95      Millis  `json:"p95_ms"`
	P99      Millis  `json:"p99_ms"`
	Max      Millis  `json:"max_ms"`
	// VsBaseline is P95 as a multiple of the baseline page's p95.
	VsBaseline float64 `json:"p95_vs_baseline,omitempty"`
	// ErrorSamples are the first few distinct failures.
	ErrorSamples []string `json:"error_samples,omitempty"`
}

// Growth is how an endpoint's p95 grew from a smaller dataset to a larger.
type Growth struct {
	Endpoint string  `json:"endpoint"`
	From     int     `json:"from_cases"`
	To       int     `json:"to_cases"`
	FromP95  Millis  `json:"from_p95_ms"`
	ToP95    Millis  `json:"to_p95_ms"`
	Factor   float64 `json:"factor"`
}

// GrowthOf compares the endpoints two sizes have in common.
func GrowthOf(from, to Size) []Growth {
	var out []Growth
	for _, a := range from.Endpoints {
		for _, b := range to.Endpoints {
			if a.Name != b.Name {
				continue
			}
			g := Growth{Endpoint: a.Name, From: from.Cases, To: to.Cases, FromP95: a.P95, ToP95: b.P95}
			if a.P95 > 0 {
				g.Factor = float64(b.P95 / a.P95)
			}
			out = append(out, g)
		}
	}
	return out
}

// WriteJSON writes the report to path, creating its folder.
func WriteJSON(path string, r Report) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// WriteSize prints one size's endpoints and page weights as tables.
func WriteSize(w io.Writer, s Size, b Budgets) {
	held := ""
	if s.InDatabase != 0 && s.InDatabase != int64(s.Cases) {
		held = fmt.Sprintf(", %s in the database", thousands(int(s.InDatabase)))
	}
	fmt.Fprintf(w, "\n%s cases (%s%s), %d users pausing %s between requests, %s per endpoint",
		thousands(s.Cases), s.Dataset, held, s.Users, s.Think, s.Duration)
	if s.LoadBefore != "" {
		fmt.Fprintf(w, ", load average %s before", s.LoadBefore)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  %-16s %8s %8s %8s %8s %7s %6s  %s\n", "endpoint", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "×base", "example")
	for _, e := range s.Endpoints {
		mark := " "
		if s.Cases >= b.AtCases && e.P95.Duration() >= b.P95 {
			mark = "!"
		}
		ratio := "-"
		if e.VsBaseline > 0 {
			ratio = strconv.FormatFloat(e.VsBaseline, 'f', 1, 64)
		}
		fmt.Fprintf(w, "  %-16s %8.0f %8.1f %7.1f%s %8.1f %7d %6s  %s\n",
			e.Name, e.RPS, float64(e.P50), float64(e.P95), mark, float64(e.P99), e.Errors, ratio, e.Example)
	}
	if len(s.Pages) == 0 {
		return
	}
	fmt.Fprintf(w, "\n  first visit, bytes on the wire (gzip), page + assets; budget < %s per page\n", thousands(b.PageBytes))
	fmt.Fprintf(w, "  %-16s %8s %8s %8s  %s\n", "page", "page", "assets", "total", "not counted: data fetched by script")
	for _, p := range s.Pages {
		if p.Error != "" {
			fmt.Fprintf(w, "  %-16s %s\n", p.Page, p.Error)
			continue
		}
		mark := " "
		if p.Total >= b.PageBytes {
			mark = "!"
		}
		var data []string
		for _, d := range p.Data {
			data = append(data, fmt.Sprintf("%s %s", thousands(d.Bytes), d.URL))
		}
		fmt.Fprintf(w, "  %-16s %8s %8s %8s%s %s\n", p.Page, thousands(p.Bytes), thousands(p.Total-p.Bytes), thousands(p.Total), mark, strings.Join(data, ", "))
	}
}

// WriteGrowth prints how each endpoint's p95 grew between two sizes.
func WriteGrowth(w io.Writer, gs []Growth, b Budgets) {
	if len(gs) == 0 {
		return
	}
	fmt.Fprintf(w, "\np95 growth from %s to %s cases (budget ≤ ×%g)\n", thousands(gs[0].From), thousands(gs[0].To), b.Growth)
	fmt.Fprintf(w, "  %-16s %10s %10s %8s\n", "endpoint", "from ms", "to ms", "growth")
	for _, g := range gs {
		mark := " "
		if g.Factor > b.Growth {
			mark = "!"
		}
		fmt.Fprintf(w, "  %-16s %10.1f %10.1f %7.2f%s\n", g.Endpoint, float64(g.FromP95), float64(g.ToP95), g.Factor, mark)
	}
}

// WriteMisses prints every missed budget, or that none was.
func WriteMisses(w io.Writer, misses []Miss) {
	if len(misses) == 0 {
		fmt.Fprintln(w, "\nevery budget met")
		return
	}
	fmt.Fprintf(w, "\n%d budget(s) missed:\n", len(misses))
	for _, m := range misses {
		fmt.Fprintln(w, "  -", m)
	}
}

// thousands writes n with commas: 1000000 → 1,000,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
