package harness

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestSettingsDefaultToBothSizesAndFiftyUsers(t *testing.T) {
	s, err := ReadSettings(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Sizes, []int{10_000, 1_000_000}) || s.Duration != 10*time.Second || s.Users != 50 ||
		s.Think != time.Second || s.Only != nil || s.Warmup() != time.Second {
		t.Errorf("defaults: %+v", s)
	}
}

func TestSettingsReadEveryKnob(t *testing.T) {
	s, err := ReadSettings(env(map[string]string{"BENCH_SIZES": "10_000, 200000", "BENCH_DURATION": "3s",
		"BENCH_USERS": "8", "BENCH_THINK": "500ms", "BENCH_ENDPOINTS": "cases,desk", "BENCH_CPUPROFILE": "/tmp/p"}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Sizes, []int{10_000, 200_000}) || s.Duration != 3*time.Second || s.Users != 8 ||
		s.Think != 500*time.Millisecond || !slices.Equal(s.Only, []string{"cases", "desk"}) || s.Profile != "/tmp/p" ||
		s.Warmup() != 600*time.Millisecond {
		t.Errorf("settings: %+v", s)
	}
}

func TestBadSettingsAreAllReported(t *testing.T) {
	_, err := ReadSettings(env(map[string]string{"BENCH_SIZES": "10k", "BENCH_DURATION": "10", "BENCH_USERS": "0",
		"BENCH_THINK": "-1s", "BENCH_ENDPOINTS": "cases,dashboard"}))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"BENCH_SIZES", "BENCH_DURATION", "BENCH_USERS", "BENCH_THINK", `"dashboard"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not name %s: %v", want, err)
		}
	}
}

func TestACachedDatasetIsReusedOnlyWhenItsMarkMatches(t *testing.T) {
	want := Mark{Dataset: "seed scale --cases 10000 --seed 1", Migration: 12, Migrations: "abc", Version: 1}
	got, ok := parseMark(Mark{Dataset: want.Dataset, Migration: 12, Migrations: "abc", Version: 1, Cases: 10_000,
		Loaded: "2026-11-22"}.comment())
	if !ok || !got.Matches(want) || got.Cases != 10_000 {
		t.Errorf("the same dataset: %+v, %v", got, ok)
	}
	for _, stale := range []Mark{
		{Dataset: "seed scale --cases 10000 --seed 2", Migration: 12, Migrations: "abc", Version: 1},
		{Dataset: want.Dataset, Migration: 11, Migrations: "abc", Version: 1},
		{Dataset: want.Dataset, Migration: 12, Migrations: "abd", Version: 1},
		{Dataset: want.Dataset, Migration: 12, Migrations: "abc", Version: 2},
	} {
		if stale.Matches(want) {
			t.Errorf("%+v matches %+v", stale, want)
		}
	}
	for _, comment := range []string{"", "the production copy", markPrefix + "{not json"} {
		if _, ok := parseMark(comment); ok {
			t.Errorf("%q read as a mark", comment)
		}
	}
}

func TestMigrationsHashChangesWithAnyMigration(t *testing.T) {
	fsys := fstest.MapFS{"0001_a.up.sql": {Data: []byte("CREATE TABLE a ();")}, "0001_a.down.sql": {Data: []byte("DROP TABLE a;")}}
	a, err := migrationsHash(fsys)
	if err != nil {
		t.Fatal(err)
	}
	fsys["0001_a.down.sql"] = &fstest.MapFile{Data: []byte("DROP TABLE a; -- edited")}
	b, _ := migrationsHash(fsys)
	if a == b || len(a) != 64 {
		t.Errorf("hashes %s and %s", a, b)
	}
}
