// Package migrations holds the numbered SQL migrations, embedded so that the
// handshake binary can bring any database up to date by itself.
package migrations

import "embed"

// FS holds every NNNN_name.up.sql and NNNN_name.down.sql file.
//
//go:embed *.sql
var FS embed.FS
