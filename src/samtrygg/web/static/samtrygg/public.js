/* The public page's map: area polygons shaded by their disclosure-controlled counts.
   Leaflet comes from our own static files; tiles only when configured; no incident points. */
(function () {
  "use strict";
  var el = document.getElementById("public-map");
  if (!el || typeof L === "undefined") { return; }
  var map = L.map(el, { zoomControl: true }).setView([62.0, 15.0], 5);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  var shades = ["#deebf7", "#9ecae1", "#4292c6", "#08519c"];
  var hiddenLabel = el.dataset.hiddenLabel || "hidden";
  function shade(count, max) {
    if (count === null || count === undefined) { return "#bdbdbd"; }
    if (max <= 0) { return shades[0]; }
    var i = Math.min(shades.length - 1, Math.floor((count / max) * shades.length));
    return shades[i];
  }
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var features = data.features || [];
      var max = 0;
      features.forEach(function (f) { if (typeof f.properties.count === "number") { max = Math.max(max, f.properties.count); } });
      // Large areas first, so smaller ones lie on top and stay clickable.
      features.sort(function (a, b) { return (b.properties.kind === "municipality") - (a.properties.kind === "municipality"); });
      var layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
        style: function (f) {
          return { color: "#1d3557", weight: f.properties.kind === "municipality" ? 3 : 1.5,
                   fillColor: shade(f.properties.count, max), fillOpacity: f.properties.kind === "municipality" ? 0.25 : 0.7 };
        },
        onEachFeature: function (f, l) {
          var c = f.properties.count;
          l.bindTooltip(f.properties.name + ": " + (c === null || c === undefined ? hiddenLabel : String(c)));
        }
      }).addTo(map);
      if (features.length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
      el.dataset.loaded = String(features.length);
    });
})();
