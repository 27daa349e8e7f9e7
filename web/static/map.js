// Draws the hotspots list's map: the bundled borders, a tile server's map
// when one is configured, and the hotspots the user may see in the view,
// by kind (the letter) and risk (the colour). A view with many hotspots
// comes as groups: a circle with their number, in the colour of the
// highest risk, which zooms to its area when selected. Without JavaScript
// the list beside it is the whole page; every label here comes from the
// server.
(function () {
  var el = document.getElementById("map");
  if (!el || !window.L || !window.fetch) return;
  document.getElementById("mapbox").hidden = false;

  var map = L.map(el, { zoomSnap: 0.5, minZoom: 4, maxZoom: 18 });
  map.attributionControl.setPrefix(false);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 18 }).addTo(map);
  } else {
    map.options.maxZoom = 13;
  }
  map.fitBounds([[5.6, 97.3], [20.5, 107.7]]);

  fetch(el.dataset.borders).then(function (r) { return r.json(); }).then(function (g) {
    L.geoJSON(g, {
      interactive: false,
      attribution: el.dataset.bordersAttribution,
      style: function (f) {
        var country = f.properties.level === "country";
        var home = f.properties.iso_a2 === "TH" || f.properties.iso_a2 === "KH";
        return country
          ? { color: "#6b7785", weight: home ? 1.5 : 0, fillColor: home ? "#f7f4ec" : "#e6e9ed", fillOpacity: el.dataset.tiles ? 0 : 1 }
          : { color: "#8d99a6", weight: 0.8, fill: false };
      }
    }).addTo(map);
  });

  var layer = L.layerGroup().addTo(map);
  var note = document.getElementById("mapnote");

  // popup builds the marker's popup from text, never from HTML.
  function popup(p) {
    var d = document.createElement("div");
    var a = document.createElement("a");
    a.href = p.url;
    a.className = "popup-name";
    a.textContent = p.name;
    d.appendChild(a);
    var s = document.createElement("div");
    s.textContent = p.kind_label + " · " + p.risk_label;
    d.appendChild(s);
    var open = document.createElement("a");
    open.href = p.url;
    open.className = "popup-open";
    open.textContent = p.open_label;
    d.appendChild(open);
    return d;
  }

  function marker(f) {
    var p = f.properties;
    var mark = document.createElement("span");
    mark.textContent = f.properties.kind_mark;
    var icon = L.divIcon({ className: "hs-marker risk-" + p.risk, html: mark, iconSize: [26, 26] });
    var c = f.geometry.coordinates;
    return L.marker([c[1], c[0]], { icon: icon, title: p.name, alt: p.name, riseOnHover: true })
      .bindPopup(popup(p));
  }

  // group draws a group of hotspots; selecting it zooms in on it, where
  // the next view splits it up: to its area, or four times closer when
  // that is less (a group's hotspots lie near its centre more often than
  // in its area's corners).
  function group(f) {
    var p = f.properties, b = f.bbox, c = f.geometry.coordinates;
    var size = p.count < 10 ? 30 : p.count < 100 ? 36 : p.count < 1000 ? 42 : 48;
    var n = document.createElement("span");
    n.textContent = String(p.count);
    var icon = L.divIcon({ className: "hs-group risk-" + p.risk, html: n, iconSize: [size, size] });
    return L.marker([c[1], c[0]], { icon: icon, title: p.label, alt: p.label, keyboard: true })
      .on("click", function () {
        var zoom = map.getBoundsZoom([[b[1], b[0]], [b[3], b[2]]]);
        map.setView([c[1], c[0]], Math.min(Math.max(zoom, map.getZoom() + 2), map.getMaxZoom()));
      });
  }

  var clamp = function (v, lo, hi) { return Math.min(hi, Math.max(lo, v)); };
  var pending;
  function load() {
    var b = map.getBounds();
    var box = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
      .map(function (v) { return v.toFixed(4); }).join(",");
    if (pending) pending.abort();
    pending = new AbortController();
    var url = new URL(el.dataset.geojson, location.href);
    url.searchParams.set("bbox", box);
    fetch(url, { signal: pending.signal, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (fc) {
        layer.clearLayers();
        var groups = 0;
        fc.features.forEach(function (f) {
          if (f.bbox) groups++;
          layer.addLayer(f.bbox ? group(f) : marker(f));
        });
        note.textContent = fc.capped ? el.dataset.capped : fc.grouped ? el.dataset.grouped : "";
        note.hidden = !fc.capped && !fc.grouped;
        el.dataset.groups = String(groups);
        el.dataset.box = box;
        el.dataset.loaded = String(fc.features.length);
      })
      .catch(function () {});
  }
  map.on("moveend", load);
  load();
})();
