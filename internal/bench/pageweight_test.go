package bench

import (
	"net/url"
	"slices"
	"testing"
)

func TestExtractReferencesFindsWhatABrowserFetches(t *testing.T) {
	page, _ := url.Parse("http://127.0.0.1:8080/hotspots?kind=port")
	html := `<!doctype html><html><head>
		<link rel="stylesheet" href="/static/app.3f2a.css"/>
		<link rel="alternate" hreflang="th" href="/hotspots?lang=th">
		<link rel="canonical" href="/hotspots">
		<LINK REL="icon" HREF='/static/favicon.svg'>
		<link href="/static/vendor/leaflet/leaflet.css" rel="stylesheet">
		<link rel="stylesheet" href="https://cdn.example.org/x.css">
		<script src="/static/live.js" defer></script>
		<script>inline()</script>
	</head><body>
		<a href="/static/manual.pdf">a link is not fetched</a>
		<img src="data:image/png;base64,AAAA" alt="">
		<img alt="logo" src="logo.png">
		<div id="map" data-geojson="/hotspots/map.geojson?kind=port&amp;risk=" data-borders="/static/geo/borders.9ab1.json"></div>
		<script src="/static/live.js" defer></script>
		<script src="/static/map.js#v" defer></script>
	</body></html>`
	refs := ExtractReferences(page, []byte(html))
	wantAssets := []string{
		"http://127.0.0.1:8080/static/app.3f2a.css",
		"http://127.0.0.1:8080/static/favicon.svg",
		"http://127.0.0.1:8080/static/vendor/leaflet/leaflet.css",
		"http://127.0.0.1:8080/static/live.js",
		"http://127.0.0.1:8080/logo.png",
		"http://127.0.0.1:8080/static/map.js",
		"http://127.0.0.1:8080/static/geo/borders.9ab1.json",
	}
	if !slices.Equal(refs.Assets, wantAssets) {
		t.Errorf("assets:\n%q\nwant\n%q", refs.Assets, wantAssets)
	}
	wantData := []string{"http://127.0.0.1:8080/hotspots/map.geojson?kind=port&risk="}
	if !slices.Equal(refs.Data, wantData) {
		t.Errorf("data: %q, want %q", refs.Data, wantData)
	}
}

func TestExtractReferencesOfAPageWithoutAssets(t *testing.T) {
	page, _ := url.Parse("http://localhost/")
	if refs := ExtractReferences(page, []byte("<p>plain</p>")); len(refs.Assets)+len(refs.Data) != 0 {
		t.Errorf("refs: %+v", refs)
	}
}
