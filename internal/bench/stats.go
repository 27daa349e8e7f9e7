package bench

import (
	"math"
	"slices"
	"time"
)

// Percentile is the nearest-rank p-th percentile (0 < p ≤ 100) of sorted,
// which must be in ascending order: the smallest value that at least p% of
// the values are at or below. It is zero for no values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Summarize turns one endpoint's recorded requests into its figures:
// latencies of every request (failed ones included) over a window of
// elapsed, and how many failed.
func Summarize(name, example string, latencies []time.Duration, errors int, elapsed time.Duration) Endpoint {
	sorted := slices.Clone(latencies)
	slices.Sort(sorted)
	e := Endpoint{Name: name, Example: example, Requests: len(sorted), Errors: errors,
		P50: ms(Percentile(sorted, 50)), P95: ms(Percentile(sorted, 95)), P99: ms(Percentile(sorted, 99))}
	if len(sorted) > 0 {
		e.Max = ms(sorted[len(sorted)-1])
	}
	if elapsed > 0 {
		e.RPS = float64(len(sorted)) / elapsed.Seconds()
	}
	return e
}

// Millis is a duration in milliseconds, as the report prints and stores it.
type Millis float64

func ms(d time.Duration) Millis { return Millis(float64(d) / float64(time.Millisecond)) }

// Duration converts back.
func (m Millis) Duration() time.Duration {
	return time.Duration(float64(m) * float64(time.Millisecond))
}

// WithBaseline sets each endpoint's p95 as a multiple of the named
// baseline endpoint's, when the baseline ran and has a p95.
func WithBaseline(eps []Endpoint, baseline string) {
	var base Millis
	for _, e := range eps {
		if e.Name == baseline {
			base = e.P95
		}
	}
	if base <= 0 {
		return
	}
	for i := range eps {
		eps[i].VsBaseline = float64(eps[i].P95 / base)
	}
}
