package keyset

import (
	"slices"
	"testing"
)

func TestCursorsComeBackAsTheirParts(t *testing.T) {
	for _, parts := range [][]string{
		{"updated", "1767225600000000", "42"},
		{"name", "สมชาย ศรีสุข", "7"},
		{"risk", "0", "ច្រកព្រំដែន", "9"},
		{"near", "", "3"},
	} {
		got, ok := Decode(Encode(parts...))
		if !ok || !slices.Equal(got, parts) {
			t.Errorf("Decode(Encode(%q)) = %q, %v", parts, got, ok)
		}
	}
	for _, bad := range []string{"not base64!", "a b", "%%"} {
		if _, ok := Decode(bad); ok {
			t.Errorf("Decode(%q) took it for a cursor", bad)
		}
	}
}
