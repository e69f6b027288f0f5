/* Support map. The page itself is small: this script fetches the compact map data
   (data-src), draws the town's and areas' outlines and the landmarks as a vector layer (so
   there is geography even when no tile loads), the places as clustered markers, and a scale.
   The result list beside the map is rendered by the server, so everything works without it. */
(function () {
  "use strict";
  var holder = document.getElementById("dir-map");
  if (!holder) { return; }
  var note = document.getElementById("dir-map-note");
  function fail() {
    holder.setAttribute("data-state", "failed");
    if (note) { note.textContent = holder.getAttribute("data-failed") || ""; }
  }
  if (typeof window.L === "undefined" || !window.fetch) {
    holder.setAttribute("data-state", "no-leaflet");
    return;
  }
  var L = window.L;
  var maxZoom = parseInt(holder.getAttribute("data-max-zoom"), 10) || 18;
  var map = L.map(holder, { keyboard: true, scrollWheelZoom: false, maxZoom: maxZoom });
  L.control.scale({ metric: true, imperial: false, maxWidth: 160 }).addTo(map);
  var tiles = holder.getAttribute("data-tiles");
  if (tiles) {
    var attribution = "";
    var text = holder.getAttribute("data-attribution") || "";
    var href = holder.getAttribute("data-attribution-url") || "";
    if (text) {
      var node = document.createElement(href ? "a" : "span");
      node.textContent = text;
      if (href) { node.href = href; node.rel = "noopener"; node.target = "_blank"; }
      attribution = node.outerHTML;
    }
    L.tileLayer(tiles, { maxZoom: maxZoom, attribution: attribution }).addTo(map);
  }
  var LANDMARK_STYLE = {
    station: { radius: 8, color: "#000", weight: 3, fillColor: "#fff", fillOpacity: 1 },
    city_hall: { radius: 9, color: "#000", weight: 3, fillColor: "#c62828", fillOpacity: 1 },
    support_center: { radius: 8, color: "#000", weight: 3, fillColor: "#f9a825", fillOpacity: 1 },
    other: { radius: 6, color: "#000", weight: 2, fillColor: "#9e9e9e", fillOpacity: 1 }
  };

  function drawGeo(geo, kinds) {
    var layer = L.geoJSON(geo, {
      style: function (f) {
        if (f.geometry && f.geometry.type === "Point") { return LANDMARK_STYLE[f.properties.k] || LANDMARK_STYLE.other; }
        return f.properties.k === "municipality"
          ? { color: "#1b3a5c", weight: 4, fill: true, fillColor: "#fbfaf3", fillOpacity: 0.6, interactive: false }
          : { color: "#1b3a5c", weight: 2, dashArray: "6 5", fill: false, interactive: false };
      },
      pointToLayer: function (f, latlng) {
        var marker = L.circleMarker(latlng, LANDMARK_STYLE[f.properties.k] || LANDMARK_STYLE.other);
        var kind = kinds[f.properties.k] || "";
        var label = kind && f.properties.n.indexOf(kind) < 0 ? f.properties.n + " (" + kind + ")" : f.properties.n;
        marker.bindTooltip(label,
          { permanent: true, direction: "right", className: "dir-lm-label", offset: [8, 0] });
        return marker;
      }
    });
    layer.eachLayer(function (l) {
      var p = l.feature && l.feature.properties;
      if (p && p.k === "area" && l.getBounds) {
        L.tooltip({ permanent: true, direction: "center", className: "dir-area-label", interactive: false })
          .setLatLng(l.getBounds().getCenter()).setContent(p.n).addTo(map);
      }
    });
    layer.addTo(map);
    return layer;
  }

  function drawPoints(data) {
    var group = typeof L.markerClusterGroup === "function"
      ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40, chunkedLoading: true })
      : L.layerGroup();
    var byId = {};
    var open = holder.getAttribute("data-open") || "Open";
    var markers = data.points.map(function (p) {
      var cat = data.categories[p[3]] || ["", ""];
      var icon = L.divIcon({ className: "dir-pin cat-" + cat[0], html: "<span></span>", iconSize: [24, 24] });
      var marker = L.marker([p[1], p[2]], { icon: icon, title: p[4], alt: p[4], keyboard: true });
      marker.bindPopup(function () {
        var box = document.createElement("div");
        var title = document.createElement("strong");
        title.textContent = p[4];
        var meta = document.createElement("div");
        meta.textContent = cat[1];
        var link = document.createElement("a");
        link.href = data.detail.replace("/0/", "/" + p[0] + "/");
        link.textContent = open;
        box.appendChild(title); box.appendChild(meta); box.appendChild(link);
        return box;
      });
      byId[p[0]] = marker;
      return marker;
    });
    if (group.addLayers) { group.addLayers(markers); } else { markers.forEach(function (m) { group.addLayer(m); }); }
    map.addLayer(group);
    return { group: group, byId: byId };
  }

  function ready(data) {
    map.setView([data.center.lat, data.center.lon], data.center.zoom);
    var geo = drawGeo(data.geo, data.kinds || {});
    var drawn = drawPoints(data);
    if (data.near) {
      L.circleMarker([data.center.lat, data.center.lon], { radius: 9, color: "#000", weight: 3, fillColor: "#ffbf00", fillOpacity: 1 })
        .bindTooltip(holder.getAttribute("data-you") || "").addTo(map);
    } else if (data.points.length > 1) {
      map.fitBounds(data.points.map(function (p) { return [p[1], p[2]]; }), { padding: [24, 24], maxZoom: 16 });
    } else if (geo.getLayers().length) {
      map.fitBounds(geo.getBounds(), { padding: [12, 12] });
    }
    holder.setAttribute("data-markers", String(data.points.length));
    holder.setAttribute("data-features", String(data.geo.features.length));
    holder.setAttribute("data-state", "ready");
    document.querySelectorAll(".dir-show-on-map").forEach(function (button) {
      button.addEventListener("click", function () {
        var marker = drawn.byId[button.getAttribute("data-id")];
        if (!marker) { return; }
        holder.scrollIntoView({ behavior: "auto", block: "center" });
        if (drawn.group.zoomToShowLayer) {
          drawn.group.zoomToShowLayer(marker, function () { marker.openPopup(); });
        } else {
          map.setView(marker.getLatLng(), 17);
          marker.openPopup();
        }
      });
    });
  }

  holder.setAttribute("data-state", "loading");
  window.fetch(holder.getAttribute("data-src"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
    .then(ready)
    .catch(fail);
})();
