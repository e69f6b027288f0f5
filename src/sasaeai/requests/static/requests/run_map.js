// Proposal overview: requests (circles) linked to the proposed helper's home area (lines);
// the legend under the map (run.html) explains both.
(function () {
  var el = document.getElementById("run-map");
  var data = document.getElementById("run-points");
  if (!el || !data || typeof L === "undefined") { return; }
  var points = JSON.parse(data.textContent);
  if (!points.length) { el.hidden = true; return; }
  var map = L.map(el);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  var bounds = [];
  points.forEach(function (p) {
    var color = p.helper ? "#0b5394" : "#a4000f";
    // Served: a hollow circle with a line; unserved: a filled circle (not colour alone).
    L.circleMarker([p.lat, p.lon], { radius: 8, color: color, fillOpacity: p.helper ? 0.15 : 0.9 })
      .addTo(map).bindTooltip("#" + p.request);
    bounds.push([p.lat, p.lon]);
    if (p.hlat !== null) {
      L.polyline([[p.hlat, p.hlon], [p.lat, p.lon]], { color: color, weight: 2 }).addTo(map);
      bounds.push([p.hlat, p.hlon]);
    }
  });
  map.fitBounds(bounds, { padding: [20, 20] });
})();
