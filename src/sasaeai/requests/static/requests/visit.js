// Fill the hidden lat/lon only when the helper ticks "share my location".
(function () {
  var box = document.getElementById("share-location");
  if (!box || !navigator.geolocation) { return; }
  box.addEventListener("change", function () {
    if (!box.checked) {
      document.getElementById("visit-lat").value = "";
      document.getElementById("visit-lon").value = "";
      return;
    }
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("visit-lat").value = pos.coords.latitude.toFixed(5);
      document.getElementById("visit-lon").value = pos.coords.longitude.toFixed(5);
    }, function () { box.checked = false; }, { timeout: 10000 });
  });
})();
