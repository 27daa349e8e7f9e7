package server

import (
	"fmt"
	"net/http"
	"strings"
)

// benchBaseline answers GET /bench/baseline, mounted only with
// BENCH_BASELINE=true: a fixed 2 KB page that asks nothing of the database
// beyond what the middleware asks for every page (the session and the
// signed-in account). make bench compares each page with it, to tell a
// page's own queries and rendering from the stack every request pays for.
func (s *Server) benchBaseline(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(baselinePage)
}

// baselineSize is the length of the baseline page in bytes, before
// compression.
const baselineSize = 2048

// baselinePage is baselineSize bytes of HTML shaped like a small page:
// a head, a heading and a list of rows.
var baselinePage = func() []byte {
	const head = `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
		`<meta name="viewport" content="width=device-width, initial-scale=1">` +
		`<title>Baseline · Handshake</title></head><body><main><h1>Baseline</h1><ul>`
	const tail = "</ul></main></body></html>\n"
	var b strings.Builder
	b.WriteString(head)
	for i := 1; b.Len()+len(tail) < baselineSize; i++ {
		row := fmt.Sprintf("<li>Row %d: a fixed line of text, the same on every request.</li>", i)
		if room := baselineSize - len(tail) - b.Len(); len(row) > room {
			row = strings.Repeat(" ", room)
		}
		b.WriteString(row)
	}
	b.WriteString(tail)
	return []byte(b.String())
}()
