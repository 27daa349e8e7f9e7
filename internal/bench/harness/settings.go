// Package harness is what make bench runs its load on: a database per
// size loaded with the scale dataset and kept between runs, and the
// server, in this process, on a free local port with the baseline page.
// internal/devenv drives it; internal/bench is the load itself.
package harness

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/handshake-mekong/handshake/internal/bench"
)

// Settings are make bench's knobs, from the environment.
type Settings struct {
	Sizes    []int         // BENCH_SIZES, e.g. 10000,1000000
	Duration time.Duration // BENCH_DURATION, per endpoint
	Users    int           // BENCH_USERS
	// Think, from BENCH_THINK, is each user's pause between requests: 1 s
	// by default, a user who reads each page for a second, which is still
	// far busier than anyone on the border. 0 makes the run a throughput
	// test, where p95 is about users ÷ throughput whatever the page.
	Think time.Duration
	Only  []string // BENCH_ENDPOINTS; empty runs every one
	// Profile, from BENCH_CPUPROFILE, is a folder for a CPU profile of
	// each size's load (server and load generator together), for go tool
	// pprof; empty takes none.
	Profile string
}

// Warmup is how long each endpoint runs before its figures count.
func (s Settings) Warmup() time.Duration { return min(time.Second, s.Duration/5) }

// ReadSettings reads the settings through getenv and reports every bad
// value at once.
func ReadSettings(getenv func(string) string) (Settings, error) {
	s := Settings{Sizes: []int{10_000, 1_000_000}, Duration: 10 * time.Second, Users: 50, Think: time.Second}
	var errs []error
	if v := getenv("BENCH_SIZES"); v != "" {
		s.Sizes = nil
		for f := range strings.SplitSeq(v, ",") {
			n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(f), "_", ""))
			if err != nil || n < 1 {
				errs = append(errs, fmt.Errorf("BENCH_SIZES: %q is not a list of case counts such as 10000,1000000", v))
				break
			}
			s.Sizes = append(s.Sizes, n)
		}
	}
	if v := getenv("BENCH_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			errs = append(errs, fmt.Errorf("BENCH_DURATION: %q is not a duration of a second or more, such as 10s", v))
		}
		s.Duration = d
	}
	if v := getenv("BENCH_THINK"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			errs = append(errs, fmt.Errorf("BENCH_THINK: %q is not a duration such as 0s or 2s", v))
		}
		s.Think = d
	}
	if v := getenv("BENCH_USERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			errs = append(errs, fmt.Errorf("BENCH_USERS: %q is not a whole number from 1 to 1000", v))
		}
		s.Users = n
	}
	if v := getenv("BENCH_ENDPOINTS"); v != "" {
		known := bench.ScenarioNames()
		for f := range strings.SplitSeq(v, ",") {
			f = strings.TrimSpace(f)
			if !slices.Contains(known, f) {
				errs = append(errs, fmt.Errorf("BENCH_ENDPOINTS: no endpoint %q (there are %s)", f, strings.Join(known, ", ")))
			}
			s.Only = append(s.Only, f)
		}
	}
	s.Profile = getenv("BENCH_CPUPROFILE")
	return s, errors.Join(errs...)
}
