/* The picture's map: points the user may see in detail, 250 m squares with counts for the rest.
   Leaflet comes from our own static files; tiles only when configured, so it works offline. */
(function () {
  "use strict";
  var el = document.getElementById("picture-map");
  if (!el || typeof L === "undefined") { return; }
  var map = L.map(el, { zoomControl: true }).setView([62.0, 15.0], 5);
  el.samtryggMap = map;
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  // The place search centres the map on a place from the gazetteer, marked as a ring (not an incident).
  var found = null;
  var searchBox = el.parentElement.querySelector("[data-place-search]");
  if (searchBox && window.samtryggPlaceSearch) {
    window.samtryggPlaceSearch(searchBox, function (hit) {
      if (found) { map.removeLayer(found); }
      found = L.circleMarker([hit.lat, hit.lon], { radius: 12, color: "#1b1b1f", weight: 3, fill: false, interactive: false })
        .bindTooltip(hit.name, { permanent: true, direction: "top", offset: [0, -12] }).addTo(map);
      // At once, not animated: the place is where the map is when the search says it is, and
      // the data arriving later must not zoom back out over it.
      map.setView([hit.lat, hit.lon], window.samtryggPlaceZoom(hit), { animate: false });
      el.dataset.centred = hit.name;
    });
  }
  var bounds = L.latLngBounds([]);
  var getJSON = function (url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); });
  };
  var cellColour = function (n) {
    if (n === null || n === undefined) { return "#9ecae1"; }
    if (n >= 50) { return "#0b3c78"; }
    if (n >= 20) { return "#2f6fad"; }
    if (n >= 10) { return "#6baed6"; }
    return "#9ecae1";
  };
  var pointStyle = { radius: 5, color: "#a4161a", weight: 1, fillColor: "#e4572e", fillOpacity: 0.85 };
  var outlines = L.geoJSON(null, {
    style: function (f) {
      return { color: f.properties.kind === "municipality" ? "#1d4f91" : "#6b3fa0", weight: 2, fill: false };
    },
    interactive: false
  }).addTo(map);
  var incidents = L.geoJSON(null, {
    // Leaflet applies the style to circle markers too, so points get theirs here.
    style: function (f) {
      if (f.properties.kind === "point") { return pointStyle; }
      var c = cellColour(f.properties.count);
      return { color: "#1d4f91", weight: 1, fillColor: c, fillOpacity: 0.6 };
    },
    pointToLayer: function (f, latlng) { return L.circleMarker(latlng, pointStyle); },
    onEachFeature: function (f, layer) {
      var p = f.properties;
      if (p.kind === "cell") {
        var label = document.createElement("span");
        label.textContent = p.label;
        layer.bindTooltip(label);
      } else {
        var text = document.createElement("div");
        [p.category, p.date, p.place].forEach(function (t) {
          if (t) { var line = document.createElement("div"); line.textContent = t; text.appendChild(line); }
        });
        layer.bindPopup(text);
      }
    }
  }).addTo(map);
  var fit = function () {
    if (el.dataset.centred) { return; }  // the user already went to a place
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10], maxZoom: 16, animate: false }); }
  };
  var areasDone = el.dataset.areas ? getJSON(el.dataset.areas).then(function (data) {
    outlines.addData(data);
    if (data.features && data.features.length) { bounds.extend(outlines.getBounds()); }
  }) : Promise.resolve();
  var dataDone = getJSON(el.dataset.url).then(function (data) {
    incidents.addData(data);
    var counts = { point: 0, cell: 0 };
    (data.features || []).forEach(function (f) { counts[f.properties.kind] += 1; });
    el.dataset.points = String(counts.point);
    el.dataset.cells = String(counts.cell);
    var note = document.getElementById("picture-map-note");
    if (note && data.properties && data.properties.truncated) { note.hidden = false; }
    if (data.features && data.features.length) { bounds = L.latLngBounds([]).extend(incidents.getBounds()); }
  });
  Promise.all([areasDone, dataDone]).then(function () {
    fit();
    el.dataset.loaded = "1";
  });
})();

/* The tested changes are folded away at the meeting but belong on paper: open them to print. */
(function () {
  "use strict";
  var folded = [];
  window.addEventListener("beforeprint", function () {
    folded = Array.prototype.filter.call(document.querySelectorAll("details.tested-changes"), function (d) { return !d.open; });
    folded.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    folded.forEach(function (d) { d.open = false; });
    folded = [];
  });
})();
