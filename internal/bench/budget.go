package bench

import (
	"fmt"
	"time"
)

// Budgets are DESIGN §6's limits as make bench checks them.
type Budgets struct {
	// P95 bounds every endpoint's 95th percentile at datasets of AtCases
	// cases or more.
	P95     time.Duration
	AtCases int
	// Growth bounds how many times an endpoint's p95 may grow from the
	// smallest dataset to the largest.
	Growth float64
	// PageBytes bounds a page's first visit: the page and the assets it
	// references, compressed.
	PageBytes int
}

// Default is the budget of DESIGN §6: 50 ms at the 95th percentile with a
// million cases, growth at most ×2 from ten thousand, and first visits
// under 100 KB.
var Default = Budgets{P95: 50 * time.Millisecond, AtCases: 1_000_000, Growth: 2, PageBytes: 100_000}

// Miss is one budget that a run missed.
type Miss struct {
	Cases  int    `json:"cases"`
	What   string `json:"what"`   // the endpoint or page
	Budget string `json:"budget"` // "p95", "errors", "growth" or "page weight"
	Detail string `json:"detail"`
}

func (m Miss) String() string {
	return fmt.Sprintf("%s cases, %s: %s", thousands(m.Cases), m.What, m.Detail)
}

// Check lists every miss in sizes, in order: for each size its errors,
// slow endpoints and heavy pages, then the growth from the smallest size
// to the largest.
func (b Budgets) Check(sizes []Size) []Miss {
	misses := []Miss{} // none is [] in the JSON, not null
	for _, s := range sizes {
		for _, e := range s.Endpoints {
			if e.Errors > 0 {
				misses = append(misses, Miss{s.Cases, e.Name, "errors",
					fmt.Sprintf("%d of %d requests failed", e.Errors, e.Requests)})
			}
			if e.Requests == 0 {
				misses = append(misses, Miss{s.Cases, e.Name, "errors", "no request completed"})
			}
			if s.Cases >= b.AtCases && e.P95.Duration() >= b.P95 {
				misses = append(misses, Miss{s.Cases, e.Name, "p95",
					fmt.Sprintf("p95 %.1f ms, budget < %d ms", float64(e.P95), b.P95.Milliseconds())})
			}
		}
		for _, p := range s.Pages {
			switch {
			case p.Error != "":
				misses = append(misses, Miss{s.Cases, p.Page, "page weight", "not measured: " + p.Error})
			case p.Total >= b.PageBytes:
				misses = append(misses, Miss{s.Cases, p.Page, "page weight",
					fmt.Sprintf("first visit %s bytes compressed, budget < %s", thousands(p.Total), thousands(b.PageBytes))})
			}
		}
	}
	if small, large, ok := extremes(sizes); ok {
		for _, g := range GrowthOf(small, large) {
			if g.Factor > b.Growth {
				misses = append(misses, Miss{large.Cases, g.Endpoint, "growth",
					fmt.Sprintf("p95 grew ×%.2f from %s cases (%.1f → %.1f ms), budget ≤ ×%g",
						g.Factor, thousands(g.From), float64(g.FromP95), float64(g.ToP95), b.Growth)})
			}
		}
	}
	return misses
}

// extremes returns the sizes with the fewest and the most cases, when
// there are two different ones.
func extremes(sizes []Size) (small, large Size, ok bool) {
	if len(sizes) < 2 {
		return Size{}, Size{}, false
	}
	small, large = sizes[0], sizes[0]
	for _, s := range sizes[1:] {
		if s.Cases < small.Cases {
			small = s
		}
		if s.Cases > large.Cases {
			large = s
		}
	}
	return small, large, small.Cases != large.Cases
}

// GrowthReport is the growth between the smallest and the largest size,
// or nil when only one size ran.
func GrowthReport(sizes []Size) []Growth {
	if small, large, ok := extremes(sizes); ok {
		return GrowthOf(small, large)
	}
	return nil
}
