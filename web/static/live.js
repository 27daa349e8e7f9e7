// Keeps the header's counts current while a page is open. The page works
// without it: every page carries the counts as they were when it loaded.
(function () {
  if (!window.EventSource) return;
  var source = new EventSource("/events");
  source.addEventListener("counts", function (e) {
    var counts = JSON.parse(e.data);
    document.querySelectorAll("[data-live]").forEach(function (el) {
      var n = counts[el.getAttribute("data-live")] || 0;
      el.textContent = String(n);
      el.hidden = n === 0;
    });
  });
  // Close the stream as the page goes: a browser keeps few connections per
  // server (six over HTTP/1.1), and a stream left open by a page in the
  // back-forward cache would hold one of them.
  window.addEventListener("pagehide", function () { source.close(); });
})();
