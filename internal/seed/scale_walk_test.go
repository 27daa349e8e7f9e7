package seed

import (
	"fmt"
	"testing"
)

func TestReferenceAsSprintf(t *testing.T) {
	for _, n := range []int32{1, 9, 10, 42, 99, 100, 999, 1000, 4711, 9999, 10000, 123456} {
		if got, want := reference("KH", "AHTJP", 2024, n), fmt.Sprintf("%s-%s-%d-%04d", "KH", "AHTJP", 2024, n); got != want {
			t.Errorf("reference(%d) = %q, want %q", n, got, want)
		}
	}
}
