package bench

import (
	"math"
	"testing"
	"time"
)

func millis(ns ...int) []time.Duration {
	var out []time.Duration
	for _, n := range ns {
		out = append(out, time.Duration(n)*time.Millisecond)
	}
	return out
}

func TestPercentileIsNearestRank(t *testing.T) {
	var hundred []time.Duration
	for i := 1; i <= 100; i++ {
		hundred = append(hundred, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		values []time.Duration
		p      float64
		want   time.Duration
	}{
		{hundred, 50, 50 * time.Millisecond},
		{hundred, 95, 95 * time.Millisecond},
		{hundred, 99, 99 * time.Millisecond},
		{hundred, 100, 100 * time.Millisecond},
		{hundred, 0.1, 1 * time.Millisecond},
		{millis(7), 95, 7 * time.Millisecond},
		{millis(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 95, 10 * time.Millisecond},
		{millis(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 50, 5 * time.Millisecond},
		{nil, 95, 0},
	} {
		if got := Percentile(tc.values, tc.p); got != tc.want {
			t.Errorf("p%g of %d values: %v, want %v", tc.p, len(tc.values), got, tc.want)
		}
	}
}

func TestSummarizeSortsCountsAndRates(t *testing.T) {
	e := Summarize("cases", "GET /cases", millis(30, 10, 20, 40), 1, 2*time.Second)
	if e.Requests != 4 || e.Errors != 1 || e.RPS != 2 {
		t.Errorf("requests %d, errors %d, rate %g; want 4, 1, 2", e.Requests, e.Errors, e.RPS)
	}
	if e.P50 != 20 || e.P95 != 40 || e.P99 != 40 || e.Max != 40 {
		t.Errorf("p50 %g p95 %g p99 %g max %g; want 20 40 40 40", e.P50, e.P95, e.P99, e.Max)
	}
	if empty := Summarize("x", "", nil, 0, time.Second); empty.Requests != 0 || empty.P95 != 0 || empty.RPS != 0 {
		t.Errorf("no requests: %+v", empty)
	}
}

func TestMillisConvertsBothWays(t *testing.T) {
	if m := ms(1500 * time.Microsecond); m != 1.5 || m.Duration() != 1500*time.Microsecond {
		t.Errorf("1.5 ms: %g, %v", m, m.Duration())
	}
}

func TestWithBaselineDividesByTheBaselineP95(t *testing.T) {
	eps := []Endpoint{{Name: "baseline", P95: 4}, {Name: "cases", P95: 10}, {Name: "desk", P95: 2}}
	WithBaseline(eps, "baseline")
	for i, want := range []float64{1, 2.5, 0.5} {
		if math.Abs(eps[i].VsBaseline-want) > 1e-9 {
			t.Errorf("%s: ×%g, want ×%g", eps[i].Name, eps[i].VsBaseline, want)
		}
	}
	none := []Endpoint{{Name: "cases", P95: 10}}
	WithBaseline(none, "baseline")
	if none[0].VsBaseline != 0 {
		t.Errorf("without a baseline: ×%g, want none", none[0].VsBaseline)
	}
}
