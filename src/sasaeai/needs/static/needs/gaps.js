/* Gap map. Fetches data-src: the geo app's outlines (areas carry their gap band "b"), the
   areas' centres with their band (drawn as circles when an area has no outline) and the
   needs per H3 hexagon (n = null when hidden). Everything is a vector layer, so the map
   shows the geography even when no tile loads; the table on the page holds the same data. */
(function () {
  "use strict";
  var holder = document.getElementById("gap-map");
  if (!holder) { return; }
  var note = document.getElementById("gap-map-note");
  function fail() {
    holder.setAttribute("data-state", "failed");
    if (note) { note.textContent = holder.getAttribute("data-failed") || ""; }
  }
  if (typeof window.L === "undefined" || !window.fetch) { holder.setAttribute("data-state", "no-leaflet"); return; }
  var L = window.L;
  var COLOURS = { 0: "#e8f1e4", 1: "#fde9a9", 2: "#f6a45c", 3: "#c0392b" };
  var maxZoom = parseInt(holder.getAttribute("data-max-zoom"), 10) || 18;
  var map = L.map(holder, { keyboard: true, scrollWheelZoom: false, maxZoom: maxZoom });
  L.control.scale({ metric: true, imperial: false, maxWidth: 160 }).addTo(map);
  var tiles = holder.getAttribute("data-tiles");
  if (tiles) {
    var node = document.createElement("span");
    node.textContent = holder.getAttribute("data-attribution") || "";
    L.tileLayer(tiles, { maxZoom: maxZoom, attribution: node.outerHTML }).addTo(map);
  }
  function colour(b) { return COLOURS[b] || "#ffffff"; }

  function ready(data) {
    map.setView([data.center.lat, data.center.lon], data.center.zoom);
    var outlined = {};
    var geo = L.geoJSON(data.geo, {
      filter: function (f) { return f.geometry && f.geometry.type !== "Point"; },
      style: function (f) {
        if (f.properties.k === "municipality") {
          return { color: "#1b3a5c", weight: 4, fill: true, fillColor: "#fbfaf3", fillOpacity: 0.5, interactive: false };
        }
        return { color: "#1b3a5c", weight: 2, fillColor: colour(f.properties.b), fillOpacity: 0.55 };
      },
      onEachFeature: function (f, layer) {
        if (f.properties.k === "area") {
          outlined[f.properties.id] = true;
          var band = data.bands[String(f.properties.b)] || "";
          layer.bindTooltip(f.properties.n + ": " + band, { sticky: true });
        }
      }
    }).addTo(map);
    data.areas.forEach(function (a) {
      if (outlined[a.id]) { return; }
      L.circleMarker([a.lat, a.lon], { radius: 18, color: "#1b3a5c", weight: 2, fillColor: colour(a.b), fillOpacity: 0.7 })
        .bindTooltip(a.n + ": " + (data.bands[String(a.b)] || ""), { permanent: true, direction: "center" }).addTo(map);
    });
    var label = holder.getAttribute("data-needs") || "";
    var hidden = holder.getAttribute("data-hidden") || "*";
    data.hexagons.forEach(function (h) {
      var latlngs = h.boundary.map(function (p) { return [p[1], p[0]]; });
      L.polygon(latlngs, { color: "#5b2a86", weight: 1, fillColor: "#5b2a86", fillOpacity: h.n === null ? 0.15 : 0.35 })
        .bindTooltip(h.n === null ? hidden : h.n + " " + label).addTo(map);
    });
    if (geo.getLayers().length) { map.fitBounds(geo.getBounds(), { padding: [12, 12] }); }
    holder.setAttribute("data-hexagons", String(data.hexagons.length));
    holder.setAttribute("data-areas", String(data.areas.length));
    holder.setAttribute("data-state", "ready");
  }
  holder.setAttribute("data-state", "loading");
  window.fetch(holder.getAttribute("data-src"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
    .then(ready)
    .catch(fail);
})();
