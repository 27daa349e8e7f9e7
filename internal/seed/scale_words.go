package seed

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// search_words (migration 0022) lists every word of every name, lowered
// as lower() does and split at spaces, as the trigger on
// person_identities writes it. The load turns the trigger off and fills
// the table from the identities it copies in (identitiesTable).

// wordSet is the words of the names copied in so far.
type wordSet map[string]struct{}

// add puts in the words of an identity's search_text.
func (ws wordSet) add(searchText string) {
	for _, w := range strings.Split(lowerAsPostgres(searchText), " ") {
		if w != "" {
			ws[w] = struct{}{}
		}
	}
}

// lowerAsPostgres is lower() in a database whose ctype is C.UTF-8 or
// another UTF-8 locale, as signer.add lowers: every character by itself,
// to its Unicode lowercase. The dataset's letters are Latin without
// accents, Thai and Khmer (which have no case), on which every locale
// agrees.
func lowerAsPostgres(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// wordsTable copies in the words of the identities copied in before it.
func (g *generator) wordsTable() copyTable {
	words := make([]string, 0, len(g.words))
	for w := range g.words {
		words = append(words, w)
	}
	slices.Sort(words)
	var word string
	rows := &indexRows{n: len(words), values: []any{&word}}
	rows.fill = func(i int) { word = words[i] }
	return copyTable{"search_words", []string{"word"}, rows}
}
