package seed

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// Rows made ahead. PostgreSQL builds the loaded tables' indexes (the
// trigram ones, a minute at a million cases) in one process, which leaves
// a core idle, while some tables cost Go more than PostgreSQL to copy: an
// aftercare table walks all the cases for a row in every second or tenth
// of them, and case_search hashes every case's words. Those are made
// meanwhile, in COPY's binary format or (case_search) compactly in
// memory, and copied in after the other tables' indexes are built: at a
// million cases about 150 MB and 170 MB.

// madeTable is a table's rows in COPY's binary format, as pgx's CopyFrom
// would send them.
type madeTable struct {
	name    string
	columns []string
	rows    int64
	data    []byte
}

// columnTypes is the type of each of t's columns, for encoding its rows
// apart from the connection.
func columnTypes(ctx context.Context, tx pgx.Tx, t copyTable) ([]uint32, error) {
	var oids []uint32
	err := tx.QueryRow(ctx, `
		SELECT array_agg(a.atttypid ORDER BY c.n)
		FROM unnest($2::text[]) WITH ORDINALITY AS c (name, n)
		JOIN pg_attribute a ON a.attrelid = to_regclass($1) AND a.attname = c.name AND NOT a.attisdropped`,
		t.name, t.columns).Scan(&oids)
	if err == nil && len(oids) != len(t.columns) {
		err = fmt.Errorf("%s has %d of the columns %v", t.name, len(oids), t.columns)
	}
	return oids, err
}

// encode makes t's rows with m, a type map of its own (a connection's is
// not for use by two goroutines at once). It gives up once ctx is done.
func encode(ctx context.Context, m *pgtype.Map, oids []uint32, t copyTable) (*madeTable, error) {
	mt := &madeTable{name: t.name, columns: t.columns}
	buf := append([]byte("PGCOPY\n\377\r\n\000"), 0, 0, 0, 0, 0, 0, 0, 0) // signature, flags, no extension
	for t.rows.Next() {
		if mt.rows%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		values, err := t.rows.Values()
		if err != nil {
			return nil, err
		}
		buf = binary.BigEndian.AppendUint16(buf, uint16(len(values)))
		for i, v := range values {
			at := len(buf)
			buf = binary.BigEndian.AppendUint32(buf, 0xffffffff) // NULL unless the value says otherwise
			out, err := m.Encode(oids[i], pgtype.BinaryFormatCode, v, buf)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", t.name, t.columns[i], err)
			}
			if out != nil {
				buf = out
				binary.BigEndian.PutUint32(buf[at:], uint32(len(buf)-at-4))
			}
		}
		mt.rows++
	}
	if err := t.rows.Err(); err != nil {
		return nil, err
	}
	mt.data = binary.BigEndian.AppendUint16(buf, 0xffff)
	return mt, nil
}

// copyMade copies rows made ahead in.
func copyMade(ctx context.Context, tx pgx.Tx, mt *madeTable) (int64, error) {
	cols := make([]string, len(mt.columns))
	for i, c := range mt.columns {
		cols[i] = pgx.Identifier{c}.Sanitize()
	}
	tag, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(mt.data),
		fmt.Sprintf("COPY %s (%s) FROM STDIN BINARY", pgx.Identifier{mt.name}.Sanitize(), strings.Join(cols, ", ")))
	if err == nil && tag.RowsAffected() != mt.rows {
		err = fmt.Errorf("%d rows copied of %d", tag.RowsAffected(), mt.rows)
	}
	return tag.RowsAffected(), err
}

// ahead is what makeAhead made.
type ahead struct {
	tables []*madeTable
	search *caseSearch
	took   time.Duration
	err    error
}

// makeAhead makes tables' rows, whose column types are oids, and
// case_search's.
func (g *generator) makeAhead(ctx context.Context, tables []copyTable, oids [][]uint32) (a ahead) {
	start := time.Now()
	m := pgtype.NewMap()
	for i, t := range tables {
		mt, err := encode(ctx, m, oids[i], t)
		if err != nil {
			return ahead{err: err}
		}
		a.tables = append(a.tables, mt)
	}
	if a.search = g.caseSearchRows(ctx); a.search == nil {
		return ahead{err: ctx.Err()}
	}
	a.took = time.Since(start)
	return a
}
