package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// Querier is a pool, a connection or a transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Problem says how a link of the chain is broken.
type Problem string

const (
	// WrongPrevHash: the event does not follow the one before it, so an
	// event between them was removed, or the chain was rewritten up to here.
	WrongPrevHash Problem = "its prev_hash is not the hash of the event before it"
	// WrongHash: the event was changed after it was recorded.
	WrongHash Problem = "hash does not match its content"
)

// Report is what Verify found.
type Report struct {
	Checked int64 // events read, up to and including a broken one
	// LastID and LastHash are the newest intact event. The chain cannot
	// show that its newest events were removed; a LastHash noted down
	// elsewhere and found again later can.
	LastID   int64
	LastHash []byte
	BrokenAt int64 // the first event whose link is broken; 0 when intact
	Problem  Problem
}

// Intact reports whether every event checked is linked and unchanged.
func (r Report) Intact() bool { return r.BrokenAt == 0 }

// verifyBatch bounds the events held in memory at once.
const verifyBatch = 1000

// verifySQL reads each event's fields as the text that migration 0002's
// audit_event_canonical hashes. It repeats that function's expressions
// instead of calling it, so that a function replaced in the database cannot
// vouch for rows it was changed to accept; and it leaves the jsonb to
// PostgreSQL, whose text form of it Go need not reproduce.
const verifySQL = `
	SELECT e.id, e.id::text, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
		coalesce(e.actor_user_id::text, ''), coalesce(e.actor_agency_id::text, ''),
		e.action, e.object_type, e.object_id, e.client_addr, e.details::text,
		e.prev_hash, e.hash
	FROM audit_events e WHERE e.id > $1 ORDER BY e.id LIMIT $2`

// link is one event as the chain sees it.
type link struct {
	id             int64
	parts          [9]string
	prevHash, hash []byte
}

// Verify walks the audit log in id order, in batches, recomputes every
// event's hash and checks that each names its predecessor's. It stops at the
// first broken link. Events recorded while it runs join the end of the
// chain, which it then checks too: ids are drawn under the chain's lock, so
// no event appears later below an id already read.
func Verify(ctx context.Context, q Querier) (Report, error) {
	var r Report
	prev := make([]byte, sha256.Size) // what the first event follows
	for {
		rows, _ := q.Query(ctx, verifySQL, r.LastID, verifyBatch)
		links, err := pgx.CollectRows(rows, scanLink)
		if err != nil {
			return r, err
		}
		for _, l := range links {
			r.Checked++
			switch {
			case !bytes.Equal(l.prevHash, prev):
				r.BrokenAt, r.Problem = l.id, WrongPrevHash
				return r, nil
			case !bytes.Equal(l.hash, chainHash(prev, l.parts[:])):
				r.BrokenAt, r.Problem = l.id, WrongHash
				return r, nil
			}
			prev, r.LastID, r.LastHash = l.hash, l.id, l.hash
		}
		if len(links) < verifyBatch {
			return r, nil
		}
	}
}

func scanLink(row pgx.CollectableRow) (link, error) {
	var l link
	dest := []any{&l.id}
	for i := range l.parts {
		dest = append(dest, &l.parts[i])
	}
	err := row.Scan(append(dest, &l.prevHash, &l.hash)...)
	return l, err
}

// chainHash is sha256(prev || canonical bytes), the canonical bytes being
// each part as a netstring: its byte length in decimal, ":", the part, ",".
// Migration 0002 documents the form.
func chainHash(prev []byte, parts []string) []byte {
	h := sha256.New()
	h.Write(prev)
	var b []byte
	for _, p := range parts {
		b = strconv.AppendInt(b[:0], int64(len(p)), 10)
		b = append(b, ':')
		b = append(b, p...)
		b = append(b, ',')
		h.Write(b)
	}
	return h.Sum(nil)
}
