package seed

import (
	"cmp"
	"context"
	"encoding/binary"
	"math/bits"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgtype"
)

// case_search (migration 0016) holds a row per case and agency in its
// visible_to, with the case's updated_at and the signature of its words.
// SQL's case_search_fill() took 80 s at a million cases, nearly all of it
// in the PL/pgSQL loop of search_signature; here the same rows are
// computed in Go (8 s, while PostgreSQL builds indexes) and copied in
// (2 s). The test of the load
// compares them with case_search_signature(), and TestSignatureAsPostgres
// the hash and the signature with hashtext and search_signature.

// sigBytes is the size of a signature: bit(1024).
const sigBytes = 1024 / 8

// searchRow is one row of case_search; its signature is the case's, the
// sig-th of caseSearch.sigs.
type searchRow struct {
	at     int64 // updated_at, in microseconds as PostgreSQL keeps it
	id     int64
	agency int32
	sig    int32 // also the case's index in caseSearch.cases
}

// caseSearch is case_search's rows in the order case_search_fill()
// inserts them: by agency, then newest first as the walk reads them.
type caseSearch struct {
	rows  []searchRow
	sigs  []byte       // sigBytes a case
	cases []caseFilter // a case's status and province (migration 0021)
	took  time.Duration
}

// caseFilter is what the filtered list walks case_search by.
type caseFilter struct{ status, province string }

// caseSearchRows walks every case and computes its rows: the signature of
// the text case_search_signature() puts together, its title, summary,
// reference and every name on it in the order the people were added, a
// line each. It gives up, returning nil, once ctx is done.
func (g *generator) caseSearchRows(ctx context.Context) *caseSearch {
	start := time.Now()
	cs := &caseSearch{sigs: make([]byte, g.cases*sigBytes), cases: make([]caseFilter, g.cases)}
	var visible []int32
	var s signer
	w := g.walk(needPeople)
	for w.Next() {
		if w.i%4096 == 0 && ctx.Err() != nil {
			return nil
		}
		p := &w.p
		w.stream(streamCaseDetails)
		title, summary := w.caseText(p)
		s.reset()
		s.add(title)
		s.add(summary)
		s.add(p.reference)
		w.stream(streamIdentityDetails)
		for k := range p.people {
			names, aliases, _, _, _ := w.identity(&p.people[k])
			s.add(searchTextOf(names, aliases))
		}
		s.sign(cs.sigs[w.i*sigBytes : (w.i+1)*sigBytes])
		cs.cases[w.i] = caseFilter{p.status, p.province}
		at := p.updated.UnixMicro()
		visible = p.visibleTo(g.end, visible)
		for _, a := range visible {
			cs.rows = append(cs.rows, searchRow{at: at, id: p.id, agency: a, sig: int32(w.i)})
		}
	}
	slices.SortFunc(cs.rows, func(x, y searchRow) int {
		if c := cmp.Compare(x.agency, y.agency); c != 0 {
			return c
		}
		if c := cmp.Compare(y.at, x.at); c != 0 {
			return c
		}
		return cmp.Compare(y.id, x.id)
	})
	cs.took = time.Since(start)
	return cs
}

// table copies the rows in.
func (cs *caseSearch) table() copyTable {
	var (
		caseID           int64
		agency           int32
		updated          time.Time
		sig              = pgtype.Bits{Len: sigBytes * 8, Valid: true}
		status, province string
	)
	rows := &indexRows{n: len(cs.rows), values: []any{&caseID, &agency, &updated, &sig, &status, &province}}
	rows.fill = func(i int) {
		r := &cs.rows[i]
		caseID, agency, updated = r.id, r.agency, time.UnixMicro(r.at)
		sig.Bytes = cs.sigs[int(r.sig)*sigBytes : int(r.sig+1)*sigBytes]
		status, province = cs.cases[r.sig].status, cs.cases[r.sig].province
	}
	return copyTable{"case_search", []string{"case_id", "agency_id", "updated_at", "sig", "status", "province"}, rows}
}

// signer computes search_signature(concat_ws(E'\n', parts...)): for each
// run of three characters of the lowercased text, two bits of 1,024 from
// the run's hashtext.
type signer struct {
	parts  int
	text   []byte // the parts so far, lowercased, a line each
	starts []int  // where each character of text starts
}

func (s *signer) reset() { s.parts, s.text, s.starts = 0, s.text[:0], s.starts[:0] }

// add appends a part, lowercased as lower() does in a database whose
// ctype is C.UTF-8 or another UTF-8 locale: every character by itself, to
// its Unicode lowercase. The dataset's letters are Latin without accents,
// Thai and Khmer (which have no case), on which every locale agrees.
func (s *signer) add(part string) {
	if s.parts > 0 {
		s.starts = append(s.starts, len(s.text))
		s.text = append(s.text, '\n')
	}
	s.parts++
	for _, r := range part {
		s.starts = append(s.starts, len(s.text))
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			s.text = append(s.text, byte(r))
		default:
			s.text = utf8.AppendRune(s.text, unicode.ToLower(r))
		}
	}
}

// sign sets sig (sigBytes, zeroed) to the signature of the text, bit n
// being the (n mod 8)-th from the top of byte n/8, as set_bit numbers a
// bit string's bits.
func (s *signer) sign(sig []byte) {
	n := len(s.starts)
	for i := 0; i+2 < n; i++ {
		end := len(s.text)
		if i+3 < n {
			end = s.starts[i+3]
		}
		h := hashBytes(s.text[s.starts[i]:end])
		for _, b := range [2]uint32{h & 1023, (h >> 10) & 1023} {
			sig[b/8] |= 0x80 >> (b % 8)
		}
	}
}

// hashBytes is PostgreSQL's hash_bytes (src/common/hashfn.c), which
// hashtext applies to a text's bytes under a deterministic collation: Bob
// Jenkins' lookup3 with PostgreSQL's initial value, reading the key as
// little-endian words, as on the machines PostgreSQL runs on here.
func hashBytes(k []byte) uint32 {
	a := 0x9e3779b9 + uint32(len(k)) + 3923095
	b, c := a, a
	for len(k) >= 12 {
		a += binary.LittleEndian.Uint32(k)
		b += binary.LittleEndian.Uint32(k[4:])
		c += binary.LittleEndian.Uint32(k[8:])
		a -= c
		a ^= bits.RotateLeft32(c, 4)
		c += b
		b -= a
		b ^= bits.RotateLeft32(a, 6)
		a += c
		c -= b
		c ^= bits.RotateLeft32(b, 8)
		b += a
		a -= c
		a ^= bits.RotateLeft32(c, 16)
		c += b
		b -= a
		b ^= bits.RotateLeft32(a, 19)
		a += c
		c -= b
		c ^= bits.RotateLeft32(b, 4)
		b += a
		k = k[12:]
	}
	// The last 11 bytes; the lowest byte of c is left for the length, as
	// in the C.
	switch len(k) {
	case 11:
		c += uint32(k[10]) << 24
		fallthrough
	case 10:
		c += uint32(k[9]) << 16
		fallthrough
	case 9:
		c += uint32(k[8]) << 8
		fallthrough
	case 8:
		b += uint32(k[7]) << 24
		fallthrough
	case 7:
		b += uint32(k[6]) << 16
		fallthrough
	case 6:
		b += uint32(k[5]) << 8
		fallthrough
	case 5:
		b += uint32(k[4])
		fallthrough
	case 4:
		a += uint32(k[3]) << 24
		fallthrough
	case 3:
		a += uint32(k[2]) << 16
		fallthrough
	case 2:
		a += uint32(k[1]) << 8
		fallthrough
	case 1:
		a += uint32(k[0])
	}
	c ^= b
	c -= bits.RotateLeft32(b, 14)
	a ^= c
	a -= bits.RotateLeft32(c, 11)
	b ^= a
	b -= bits.RotateLeft32(a, 25)
	c ^= b
	c -= bits.RotateLeft32(b, 16)
	a ^= c
	a -= bits.RotateLeft32(c, 4)
	b ^= a
	b -= bits.RotateLeft32(a, 14)
	c ^= b
	c -= bits.RotateLeft32(b, 24)
	return c
}
