package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"
)

// StaticAsset is one embedded static file, ready to serve: its bytes, and
// gzipped at the best level once at start, so no request compresses it
// again.
type StaticAsset struct {
	Name        string // path below static/, e.g. "vendor/leaflet/leaflet.js"
	Hashed      string // the same with a hash of the content, e.g. "vendor/leaflet/leaflet.4f2c9a1b0d3e.js"
	ContentType string
	Body        []byte
	Gzip        []byte // nil when gzip does not make it smaller
}

// assets indexes the static files by plain and by hashed name.
var assets = func() map[string]*StaticAsset {
	m := map[string]*StaticAsset{}
	err := fs.WalkDir(Static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(Static, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		a := &StaticAsset{Name: name, Hashed: strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext,
			ContentType: mime.TypeByExtension(ext), Body: body}
		if a.ContentType == "" {
			a.ContentType = "application/octet-stream"
		}
		var gz bytes.Buffer
		w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		w.Write(body)
		w.Close()
		if gz.Len() < len(body) {
			a.Gzip = gz.Bytes()
		}
		m[a.Name], m[a.Hashed] = a, a
		return nil
	})
	if err != nil {
		panic("web: static files: " + err.Error())
	}
	return m
}()

// Asset is the URL of a static file under its content-hashed name, which
// browsers may cache for good: a new version has a new name. name is the
// path below static/; one that does not exist panics, so a typo fails the
// first test that renders the page.
func Asset(name string) string {
	a, ok := assets[name]
	if !ok || a.Name != name {
		panic("web: no static file " + name)
	}
	return "/static/" + a.Hashed
}

// LookupAsset finds a static file by the path below /static/, plain or
// hashed, and says which.
func LookupAsset(p string) (a *StaticAsset, hashed bool, ok bool) {
	a, ok = assets[p]
	return a, ok && a.Hashed == p, ok
}
