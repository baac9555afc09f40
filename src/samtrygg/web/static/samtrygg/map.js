/* Samtrygg maps: Leaflet served from our own static files; tiles only when configured. */
(function () {
  "use strict";
  var el = document.getElementById("area-map");
  if (!el || typeof L === "undefined") { return; }
  var map = L.map(el, { zoomControl: true }).setView([62.0, 15.0], 5);
  el.samtryggMap = map;
  var tileUrl = el.dataset.tileUrl;
  if (tileUrl) {
    // A missing tile server must not break the map: boundaries still draw on a plain background.
    L.tileLayer(tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  var colours = { municipality: "#1d4f91", regso: "#6b3fa0", deso: "#8a5a00", imported: "#0b6e4f", drawn: "#b3261e" };
  var areas = L.geoJSON(null, {
    style: function (f) {
      var c = colours[f.properties.kind] || "#333";
      return { color: c, weight: f.properties.kind === "municipality" ? 3 : 2, fillOpacity: 0.08 };
    },
    onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.name); }
  }).addTo(map);
  if (el.dataset.geojson) {
    fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        areas.addData(data);
        if (data.features && data.features.length) { map.fitBounds(areas.getBounds(), { padding: [10, 10] }); }
        el.dataset.loaded = String(data.features ? data.features.length : 0);
      });
  }
  if (el.dataset.pick === "point") {
    // Placing a name by hand: a click fills the form's hidden lon/lat and shows the point.
    var lonInput = document.getElementById("id_lon"), latInput = document.getElementById("id_lat");
    var shown = document.getElementById("picked-point");
    var marker = null;
    var pick = function (lat, lon) {
      if (marker) { marker.setLatLng([lat, lon]); } else {
        marker = L.circleMarker([lat, lon], { radius: 9, color: "#1b1b1f", weight: 3, fillColor: "#f0b400", fillOpacity: 0.9 }).addTo(map);
      }
      lonInput.value = lon.toFixed(6);
      latInput.value = lat.toFixed(6);
      if (shown) {
        shown.textContent = shown.dataset.text.replace("{lat}", lat.toFixed(5)).replace("{lon}", lon.toFixed(5));
      }
    };
    if (lonInput && latInput && lonInput.value && latInput.value) {
      pick(parseFloat(latInput.value), parseFloat(lonInput.value));
    }
    map.on("click", function (e) { pick(e.latlng.lat, e.latlng.lng); });
    // A street or known place from the gazetteer is a starting point; a click refines it.
    var searchBox = el.parentElement.querySelector("[data-place-search]");
    if (searchBox && window.samtryggPlaceSearch) {
      window.samtryggPlaceSearch(searchBox, function (hit) {
        pick(hit.lat, hit.lon);
        map.setView([hit.lat, hit.lon], window.samtryggPlaceZoom(hit), { animate: false });
      });
    }
  }
  if (el.dataset.draw === "polygon" && L.Draw) {
    // The drawing toolbar speaks the page's language (texts from the template).
    var texts = document.getElementById("draw-texts");
    if (texts && L.drawLocal) {
      var merge = function (into, from) {
        Object.keys(from).forEach(function (k) {
          if (typeof from[k] === "object" && into[k]) { merge(into[k], from[k]); } else { into[k] = from[k]; }
        });
      };
      merge(L.drawLocal, JSON.parse(texts.textContent));
    }
    var drawn = new L.FeatureGroup().addTo(map);
    var input = document.getElementById("id_geometry");
    map.addControl(new L.Control.Draw({
      draw: { polygon: { allowIntersection: false, showArea: false }, polyline: false, rectangle: false,
              circle: false, marker: false, circlemarker: false },
      edit: { featureGroup: drawn, remove: true }
    }));
    var store = function () {
      var layers = drawn.getLayers();
      input.value = layers.length ? JSON.stringify(layers[layers.length - 1].toGeoJSON().geometry) : "";
    };
    map.on(L.Draw.Event.CREATED, function (e) { drawn.clearLayers(); drawn.addLayer(e.layer); store(); });
    map.on(L.Draw.Event.EDITED, store);
    map.on(L.Draw.Event.DELETED, store);
  }
})();
