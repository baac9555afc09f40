/* Safety walk maps: the walk's points, and placing a new point by a click or the phone's position.
   Leaflet comes from our own static files; tiles only when configured. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var colours = { unsafe: "#a4161a", risk: "#8a5a00", safe: "#1e6b35" };

  function baseMap(el) {
    var map = L.map(el).setView([62.0, 15.0], 5);
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    return map;
  }

  var overview = document.getElementById("walk-map");
  var data = document.getElementById("walk-points");
  if (overview && data) {
    var map = baseMap(overview);
    var points = JSON.parse(data.textContent);
    var group = L.featureGroup().addTo(map);
    points.forEach(function (p) {
      L.circleMarker([p.lat, p.lon], { radius: 8, color: "#1b1b1f", weight: 2, fillColor: colours[p.kind] || "#555", fillOpacity: 0.9 })
        .bindTooltip(p.label).addTo(group);
    });
    if (points.length) { map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 17 }); }
    overview.dataset.loaded = String(points.length);
  }

  var picker = document.getElementById("observation-map");
  if (picker) {
    var pmap = baseMap(picker);
    var lon = document.getElementById(picker.dataset.lonInput);
    var lat = document.getElementById(picker.dataset.latInput);
    var status = document.getElementById("point-status");
    var marker = null;
    var show = function () {
      var x = parseFloat(lon.value), y = parseFloat(lat.value), placed = !isNaN(x) && !isNaN(y);
      if (marker) { pmap.removeLayer(marker); marker = null; }
      if (placed) { marker = L.circleMarker([y, x], { radius: 9, color: "#1b1b1f", weight: 3, fillColor: "#f0b400", fillOpacity: 0.9 }).addTo(pmap); }
      status.textContent = placed ? status.dataset.marked : status.dataset.unmarked;
      picker.dataset.placed = placed ? "true" : "false";
      return placed;
    };
    var b = picker.dataset.bounds;
    if (show()) {
      pmap.setView(marker.getLatLng(), 17);
    } else if (b) {
      var c = b.split(",").map(parseFloat);
      pmap.fitBounds([[c[1], c[0]], [c[3], c[2]]]);
    }
    pmap.on("click", function (e) {
      lon.value = e.latlng.lng.toFixed(6); lat.value = e.latlng.lat.toFixed(6); show();
    });
    var button = document.getElementById("use-position");
    if (button && navigator.geolocation) {
      button.hidden = false;
      button.addEventListener("click", function () {
        status.textContent = status.dataset.locating;
        navigator.geolocation.getCurrentPosition(function (pos) {
          lon.value = pos.coords.longitude.toFixed(6); lat.value = pos.coords.latitude.toFixed(6);
          show(); pmap.setView([pos.coords.latitude, pos.coords.longitude], 17);
        }, function () { status.textContent = status.dataset.failed; },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    }
    picker.dataset.loaded = "true";
  }
})();
