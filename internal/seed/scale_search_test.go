package seed

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
)

// searchTestStrings are a few hundred strings in Thai, Khmer and Latin
// script, as the dataset writes them and cut at every length, so that
// each of hash_bytes' tails (0 to 11 bytes after each 12) comes up.
func searchTestStrings() []string {
	var words []string
	for _, list := range [][]spelling{thaiFemale, thaiMale, thaiSurnameTail, khmerFemale, khmerMale, khmerNicknames} {
		for _, s := range list {
			words = append(words, s.local, s.latin)
		}
	}
	words = append(words, westGiven...)
	for _, t := range thaiTitles {
		words = append(words, t)
	}
	for _, t := range khmerTitles {
		words = append(words, t)
	}
	words = append(words, titles["sex_trafficking"]...)
	words = append(words, thaiSummary, khmerSummary, "TH-PPR2-2024-0042", "KH-AHTJP-2021-0054", "ÀÉÎ Ωmega Straße", "")

	r := rand.New(rand.NewPCG(1, 2))
	var out []string
	for len(out) < 400 {
		// A word, two words on lines of their own, or a piece of either,
		// in upper case now and then, as lower() must undo.
		s := words[r.IntN(len(words))]
		if r.IntN(3) == 0 {
			s += "\n" + words[r.IntN(len(words))]
		}
		runes := []rune(s)
		from := r.IntN(len(runes) + 1)
		to := from + r.IntN(len(runes)-from+1)
		if r.IntN(2) == 0 {
			from, to = 0, len(runes)
		}
		s = string(runes[from:to])
		if r.IntN(4) == 0 {
			s = strings.ToUpper(s)
		}
		out = append(out, s)
	}
	// Every run of three characters of the texts, as the signature hashes.
	for _, t := range []string{thaiSummary, khmerSummary, "Karaoke venue employing underage girls"} {
		runes := []rune(t)
		for i := 0; i+3 <= len(runes); i++ {
			out = append(out, string(runes[i:i+3]))
		}
	}
	return out
}

func TestSignatureAsPostgres(t *testing.T) {
	db := pgtest.New(t)
	strs := searchTestStrings()
	lengths := map[int]bool{}
	for _, s := range strs {
		lengths[len(s)%12] = true
	}
	if len(lengths) != 12 || len(strs) < 300 {
		t.Fatalf("%d strings cover %d of the 12 tails", len(strs), len(lengths))
	}

	type result struct {
		S    string
		Hash int32
		Sig  string
	}
	rows, _ := db.Owner.Query(t.Context(), `SELECT s, hashtext(s), search_signature(s)::text FROM unnest($1::text[]) AS s`, strs)
	want, err := pgx.CollectRows(rows, pgx.RowToStructByPos[result])
	if err != nil {
		t.Fatal(err)
	}
	var s signer
	sig := make([]byte, sigBytes)
	for _, w := range want {
		if got := int32(hashBytes([]byte(w.S))); got != w.Hash {
			t.Errorf("hashBytes(%q) = %d, hashtext %d", w.S, got, w.Hash)
		}
		clear(sig)
		s.reset()
		s.add(w.S)
		s.sign(sig)
		var b strings.Builder
		for _, x := range sig {
			fmt.Fprintf(&b, "%08b", x)
		}
		if b.String() != w.Sig {
			t.Errorf("the signature of %q differs from search_signature's", w.S)
		}
	}

	// A text of several parts, as case_search_signature joins them: an
	// empty part still adds its line.
	var got string
	s.reset()
	clear(sig)
	for _, p := range []string{"", "Karaoke", "", "สมชาย", "ស្រីពៅ"} {
		s.add(p)
	}
	s.sign(sig)
	if err := db.Owner.QueryRow(t.Context(), `SELECT search_signature(concat_ws(E'\n', '', 'Karaoke', '', 'สมชาย', 'ស្រីពៅ'))::text`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, x := range sig {
		fmt.Fprintf(&b, "%08b", x)
	}
	if b.String() != got {
		t.Errorf("the signature of parts differs from search_signature's")
	}
}
