/* Support map: Leaflet markers by category with clustering. The result list beside the map is
   rendered by the server, so everything works without the map (or without tiles). */
(function () {
  "use strict";
  var holder = document.getElementById("dir-map");
  var dataNode = document.getElementById("dir-map-data");
  if (!holder || !dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);
  if (typeof window.L === "undefined") {
    holder.setAttribute("data-state", "no-leaflet");
    return;
  }
  var L = window.L;
  var map = L.map(holder, { keyboard: true, scrollWheelZoom: false })
    .setView([data.center.lat, data.center.lon], data.center.zoom);
  if (data.tile_url) {
    L.tileLayer(data.tile_url, { maxZoom: 19, attribution: data.attribution || "" }).addTo(map);
  }
  var group = typeof L.markerClusterGroup === "function"
    ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 })
    : L.layerGroup();
  var byId = {};
  var bounds = [];
  data.markers.forEach(function (m) {
    var icon = L.divIcon({ className: "dir-pin cat-" + m.category, html: "<span></span>", iconSize: [24, 24] });
    var marker = L.marker([m.lat, m.lon], { icon: icon, title: m.name, alt: m.name, keyboard: true });
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = m.name;
    var meta = document.createElement("div");
    meta.textContent = m.category_label + (m.when ? " / " + m.when : "");
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = holder.getAttribute("data-open") || "Open";
    box.appendChild(title); box.appendChild(meta); box.appendChild(link);
    marker.bindPopup(box);
    group.addLayer(marker);
    byId[m.id] = marker;
    bounds.push([m.lat, m.lon]);
  });
  map.addLayer(group);
  if (data.near) {
    L.circleMarker([data.center.lat, data.center.lon], { radius: 9, color: "#000", weight: 3, fillColor: "#ffbf00", fillOpacity: 1 })
      .bindTooltip(holder.getAttribute("data-you") || "").addTo(map);
  } else if (bounds.length > 1) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
  }
  holder.setAttribute("data-state", "ready");
  holder.setAttribute("data-markers", String(data.markers.length));
  document.querySelectorAll(".dir-show-on-map").forEach(function (button) {
    button.addEventListener("click", function () {
      var marker = byId[button.getAttribute("data-id")];
      if (!marker) { return; }
      holder.scrollIntoView({ behavior: "auto", block: "center" });
      if (group.zoomToShowLayer) {
        group.zoomToShowLayer(marker, function () { marker.openPopup(); });
      } else {
        map.setView(marker.getLatLng(), 17);
        marker.openPopup();
      }
    });
  });
})();
