package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// PageWeight is what a browser with an empty cache fetches on its first
// visit to a page, counted as bytes of body on the wire, compressed as the
// server sent them.
type PageWeight struct {
	Page   string  `json:"page"`
	Bytes  int     `json:"page_bytes"`
	Assets []Asset `json:"assets"`
	// Total is the page and its assets: what the budget bounds.
	Total int `json:"total_bytes"`
	// Data is what the page's script fetches once loaded (the map's
	// GeoJSON); shown, not counted in Total.
	Data  []Asset `json:"data,omitempty"`
	Error string  `json:"error,omitempty"`
}

// Asset is one file a page references.
type Asset struct {
	URL      string `json:"url"`
	Bytes    int    `json:"bytes"`
	Encoding string `json:"encoding,omitempty"`
}

// References are the same-site URLs a page makes a browser fetch: assets
// (stylesheets, icons, preloads, scripts, images, and the map's borders)
// and data (the map's GeoJSON, which its script asks for by the view).
type References struct {
	Assets []string
	Data   []string
}

var (
	tagPattern  = regexp.MustCompile(`(?is)<(link|script|img|source)\b([^>]*)>`)
	attrPattern = regexp.MustCompile(`(?is)\s([a-z][a-z0-9-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))`)
	dataPattern = regexp.MustCompile(`(?is)\sdata-(borders|geojson)\s*=\s*(?:"([^"]*)"|'([^']*)')`)
)

// fetchedLinks are the rel values of <link> that a browser fetches.
var fetchedLinks = map[string]bool{"stylesheet": true, "icon": true, "preload": true, "modulepreload": true,
	"manifest": true, "apple-touch-icon": true}

// ExtractReferences finds the URLs in page, a page at pageURL, that a
// browser fetches on a first visit. Other sites' URLs are left out (the
// budget is about this server), and each URL comes once, in page order.
func ExtractReferences(pageURL *url.URL, page []byte) References {
	var refs References
	seen := map[string]bool{}
	add := func(list *[]string, raw string) {
		raw = strings.TrimSpace(html.UnescapeString(raw))
		if raw == "" || strings.HasPrefix(raw, "data:") {
			return
		}
		u, err := pageURL.Parse(raw)
		if err != nil || u.Host != pageURL.Host || (u.Scheme != "http" && u.Scheme != "https") {
			return
		}
		u.Fragment = ""
		if s := u.String(); !seen[s] {
			seen[s] = true
			*list = append(*list, s)
		}
	}
	for _, m := range tagPattern.FindAllSubmatch(page, -1) {
		attrs := attributes(m[2])
		switch strings.ToLower(string(m[1])) {
		case "link":
			for _, rel := range strings.Fields(strings.ToLower(attrs["rel"])) {
				if fetchedLinks[rel] {
					add(&refs.Assets, attrs["href"])
					break
				}
			}
		case "script", "img", "source":
			add(&refs.Assets, attrs["src"])
		}
	}
	for _, m := range dataPattern.FindAllSubmatch(page, -1) {
		v := string(m[2]) + string(m[3])
		if strings.EqualFold(string(m[1]), "borders") {
			add(&refs.Assets, v)
		} else {
			add(&refs.Data, v)
		}
	}
	return refs
}

func attributes(s []byte) map[string]string {
	out := map[string]string{}
	for _, m := range attrPattern.FindAllSubmatch(s, -1) {
		name := strings.ToLower(string(m[1]))
		if _, dup := out[name]; !dup {
			out[name] = string(m[2]) + string(m[3]) + string(m[4])
		}
	}
	return out
}

// mapView is the box the map shows first: the whole region, which its
// script asks GeoJSON for.
const mapView = "97.3,5.6,107.7,20.5"

// measurePage fetches path and everything it references as a first visit
// does, with c's session.
func measurePage(ctx context.Context, c *http.Client, base *url.URL, path string) PageWeight {
	pw := PageWeight{Page: path}
	pageURL, err := base.Parse(path)
	if err != nil {
		pw.Error = err.Error()
		return pw
	}
	a, body, err := fetchWire(ctx, c, pageURL.String())
	if err != nil {
		pw.Error = err.Error()
		return pw
	}
	pw.Bytes, pw.Total = a.Bytes, a.Bytes
	refs := ExtractReferences(pageURL, body)
	for _, u := range refs.Assets {
		a, _, err := fetchWire(ctx, c, u)
		if err != nil {
			pw.Error = err.Error()
			return pw
		}
		pw.Assets = append(pw.Assets, a)
		pw.Total += a.Bytes
	}
	for _, u := range refs.Data {
		if strings.Contains(u, ".geojson") && !strings.Contains(u, "bbox=") {
			u += "&bbox=" + mapView
		}
		a, _, err := fetchWire(ctx, c, u)
		if err != nil {
			pw.Error = err.Error()
			return pw
		}
		pw.Data = append(pw.Data, a)
	}
	return pw
}

// fetchWire GETs u asking for gzip, and returns the size of the body as
// sent and the body decompressed.
func fetchWire(ctx context.Context, c *http.Client, u string) (Asset, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Asset{}, nil, err
	}
	browserHeaders(req)
	res, err := c.Do(req)
	if err != nil {
		return Asset{}, nil, err
	}
	defer res.Body.Close()
	wire, err := io.ReadAll(res.Body)
	if err != nil {
		return Asset{}, nil, err
	}
	if res.StatusCode != http.StatusOK {
		return Asset{}, nil, fmt.Errorf("GET %s: status %d", u, res.StatusCode)
	}
	a := Asset{URL: u, Bytes: len(wire), Encoding: res.Header.Get("Content-Encoding")}
	if p, err := url.Parse(u); err == nil {
		a.URL = p.RequestURI()
	}
	body, err := decode(res.Header.Get("Content-Encoding"), wire)
	return a, body, err
}

// decode undoes a gzip content encoding.
func decode(encoding string, wire []byte) ([]byte, error) {
	if encoding != "gzip" {
		return wire, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(wire))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
