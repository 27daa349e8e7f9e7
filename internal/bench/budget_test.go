package bench

import (
	"slices"
	"strings"
	"testing"
)

func size(cases int, eps ...Endpoint) Size { return Size{Cases: cases, Endpoints: eps} }

func ep(name string, p95 Millis) Endpoint { return Endpoint{Name: name, Requests: 100, P95: p95} }

func budgets(misses []Miss) []string {
	var out []string
	for _, m := range misses {
		out = append(out, m.String())
	}
	return out
}

func TestP95BudgetAppliesAtAMillionCasesOnly(t *testing.T) {
	misses := Default.Check([]Size{
		size(10_000, ep("cases", 80)),
		size(1_000_000, ep("cases", 49.9), ep("search-km", 50), ep("desk", 120)),
	})
	got := budgets(misses)
	want := []string{
		"1,000,000 cases, search-km: p95 50.0 ms, budget < 50 ms",
		"1,000,000 cases, desk: p95 120.0 ms, budget < 50 ms",
	}
	if !slices.Equal(got, want) {
		t.Errorf("misses:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestEveryErrorIsAMissAtEverySize(t *testing.T) {
	failing := ep("case-page", 5)
	failing.Errors = 3
	misses := Default.Check([]Size{size(10_000, failing), size(1_000_000, ep("case-page", 5), Endpoint{Name: "login"})})
	got := budgets(misses)
	want := []string{
		"10,000 cases, case-page: 3 of 100 requests failed",
		"1,000,000 cases, login: no request completed",
	}
	if !slices.Equal(got, want) {
		t.Errorf("misses:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestGrowthBudgetComparesTheSmallestAndLargestSizes(t *testing.T) {
	small := size(10_000, ep("cases", 10), ep("search-th", 10), ep("desk", 0), ep("baseline", 2))
	large := size(1_000_000, ep("cases", 20), ep("search-th", 20.1), ep("desk", 3), ep("directory", 5))
	misses := Default.Check([]Size{large, small})
	var growth []Miss
	for _, m := range misses {
		if m.Budget == "growth" {
			growth = append(growth, m)
		}
	}
	if len(growth) != 1 || growth[0].What != "search-th" || growth[0].Cases != 1_000_000 ||
		!strings.Contains(growth[0].Detail, "×2.01 from 10,000 cases (10.0 → 20.1 ms)") {
		t.Errorf("growth misses: %v, want search-th only (×2 is allowed, an endpoint in one size only is skipped)", growth)
	}
	if gs := GrowthReport([]Size{large, small}); len(gs) != 3 || gs[0].From != 10_000 || gs[0].To != 1_000_000 || gs[0].Factor != 2 {
		t.Errorf("growth report: %+v", gs)
	}
}

func TestGrowthIsSkippedWithOneSize(t *testing.T) {
	if misses := Default.Check([]Size{size(10_000, ep("cases", 10))}); len(misses) != 0 {
		t.Errorf("one size: %v", misses)
	}
	if gs := GrowthReport([]Size{size(10_000, ep("cases", 10)), size(10_000, ep("cases", 30))}); gs != nil {
		t.Errorf("two runs of one size: %v", gs)
	}
}

func TestPageWeightBudgetAtEverySize(t *testing.T) {
	s := Size{Cases: 10_000, Pages: []PageWeight{
		{Page: "/cases", Bytes: 4_000, Total: 8_000},
		{Page: "/hotspots", Bytes: 4_000, Total: 100_000},
		{Page: "/desk", Error: "GET /desk: status 404"},
	}}
	got := budgets(Default.Check([]Size{s}))
	want := []string{
		"10,000 cases, /hotspots: first visit 100,000 bytes compressed, budget < 100,000",
		"10,000 cases, /desk: not measured: GET /desk: status 404",
	}
	if !slices.Equal(got, want) {
		t.Errorf("misses:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
