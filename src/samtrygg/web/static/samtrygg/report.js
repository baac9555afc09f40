/* The EST report form: a map per event, more events, time bands, and a draft kept on the device.
   Also clears the draft once the report is sent, and draws the point on an incident's page. */
(function () {
  "use strict";

  function storage() {
    // Private browsing or a full disk must not break the form; the draft is then simply not kept.
    try { return window.localStorage; } catch (e) { return null; }
  }

  // A successful send: forget the draft.
  document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
    var store = storage();
    if (store && el.dataset.clearDraft) { try { store.removeItem(el.dataset.clearDraft); } catch (e) { /* ignore */ } }
  });

  var hasLeaflet = typeof L !== "undefined";
  var areaData = {};

  function loadAreas(url) {
    if (!url) { return Promise.resolve(null); }
    if (!areaData[url]) {
      areaData[url] = fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; });
    }
    return areaData[url];
  }

  function baseMap(el, source) {
    var map = L.map(el, { zoomControl: true }).setView([62.0, 15.0], 5);
    if (source.dataset.tileUrl) {
      L.tileLayer(source.dataset.tileUrl, { attribution: source.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    var layer = L.geoJSON(null, {
      style: function (f) {
        return { color: f.properties.kind === "municipality" ? "#1d4f91" : "#b3261e", weight: 2, fillOpacity: 0.05 };
      },
      onEachFeature: function (f, l) { l.bindTooltip(f.properties.name); }
    }).addTo(map);
    return { map: map, layer: layer };
  }

  function pointMarker(lat, lon) {
    return L.circleMarker([lat, lon], { radius: 9, color: "#1b1b1f", weight: 3, fillColor: "#f0b400", fillOpacity: 0.9 });
  }

  // An incident's page: its point on the partnership's areas.
  var detail = document.getElementById("incident-map");
  if (detail && hasLeaflet) {
    var d = baseMap(detail, detail);
    var lat = parseFloat(detail.dataset.lat), lon = parseFloat(detail.dataset.lon);
    pointMarker(lat, lon).addTo(d.map);
    d.map.setView([lat, lon], 15);
    loadAreas(detail.dataset.geojson).then(function (data) {
      if (data) { d.layer.addData(data); }
      detail.dataset.loaded = "true";
    });
  }

  var form = document.getElementById("report-form");
  if (!form) { return; }
  var key = form.dataset.draftKey;
  var status = document.getElementById("draft-status");
  var total = form.querySelector("input[name$='-TOTAL_FORMS']");
  var maxForms = form.querySelector("input[name$='-MAX_NUM_FORMS']");
  var container = document.getElementById("events");
  var template = document.getElementById("event-template");
  var addButton = document.getElementById("add-event");
  var discardButton = document.getElementById("discard-draft");
  var events = [];

  function setStatus(text) {
    if (status && text && status.textContent !== text) { status.textContent = text; }
  }

  function showBandFields(fieldset) {
    var band = fieldset.querySelector("select[name$='-time_band']");
    if (!band) { return; }
    var exact = band.value === "exact";
    fieldset.querySelectorAll("[data-when]").forEach(function (el) {
      el.hidden = (el.dataset.when === "exact") !== exact;
    });
  }

  function initEvent(fieldset) {
    var ev = { fieldset: fieldset, marker: null, map: null };
    var mapEl = fieldset.querySelector(".event-map");
    var pointStatus = fieldset.querySelector("[data-point-status]");
    var clearButton = fieldset.querySelector("[data-clear-point]");
    ev.lon = mapEl ? document.getElementById(mapEl.dataset.lonInput) : null;
    ev.lat = mapEl ? document.getElementById(mapEl.dataset.latInput) : null;

    ev.sync = function () {
      var lon = ev.lon ? parseFloat(ev.lon.value) : NaN, lat = ev.lat ? parseFloat(ev.lat.value) : NaN;
      var placed = !isNaN(lon) && !isNaN(lat);
      if (ev.map) {
        if (ev.marker) { ev.map.removeLayer(ev.marker); ev.marker = null; }
        if (placed) { ev.marker = pointMarker(lat, lon).addTo(ev.map); }
      }
      if (pointStatus) { pointStatus.textContent = placed ? pointStatus.dataset.marked : pointStatus.dataset.unmarked; }
      if (clearButton) { clearButton.hidden = !placed; }
      if (mapEl) { mapEl.dataset.placed = placed ? "true" : "false"; }
    };

    if (mapEl && hasLeaflet && ev.lon && ev.lat) {
      var m = baseMap(mapEl, form);
      ev.map = m.map;
      ev.map.on("click", function (e) {
        ev.lon.value = e.latlng.lng.toFixed(6);
        ev.lat.value = e.latlng.lat.toFixed(6);
        ev.sync();
        save();
      });
      loadAreas(form.dataset.geojson).then(function (data) {
        var any = data && data.features && data.features.length;
        if (any) { m.layer.addData(data); }
        // A restored or returned point is shown up close; otherwise the partnership's areas.
        if (ev.marker) {
          ev.map.setView(ev.marker.getLatLng(), 15);
        } else if (any) {
          ev.map.fitBounds(m.layer.getBounds(), { padding: [10, 10] });
        }
        mapEl.dataset.loaded = "true";
      });
    }
    // On a phone at the place itself, the device's position is the quickest way to mark it.
    var positionButton = fieldset.querySelector("[data-use-position]");
    if (positionButton && ev.map && navigator.geolocation) {
      positionButton.hidden = false;
      positionButton.addEventListener("click", function () {
        if (pointStatus) { pointStatus.textContent = positionButton.dataset.locating; }
        navigator.geolocation.getCurrentPosition(function (pos) {
          ev.lon.value = pos.coords.longitude.toFixed(6);
          ev.lat.value = pos.coords.latitude.toFixed(6);
          ev.sync();
          ev.map.setView([pos.coords.latitude, pos.coords.longitude], 17);
          save();
        }, function () {
          if (pointStatus) { pointStatus.textContent = positionButton.dataset.failed; }
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    }
    // A known place or an address from the partnership's gazetteer sets the point too.
    var searchBox = fieldset.querySelector("[data-place-search]");
    if (searchBox && ev.map && window.samtryggPlaceSearch) {
      window.samtryggPlaceSearch(searchBox, function (hit) {
        ev.lon.value = Number(hit.lon).toFixed(6);
        ev.lat.value = Number(hit.lat).toFixed(6);
        ev.sync();
        ev.map.setView([hit.lat, hit.lon], window.samtryggPlaceZoom(hit));
        save();
      });
    }
    if (clearButton) {
      clearButton.addEventListener("click", function () {
        ev.lon.value = ""; ev.lat.value = ""; ev.sync(); save();
      });
    }
    var band = fieldset.querySelector("select[name$='-time_band']");
    if (band) { band.addEventListener("change", function () { showBandFields(fieldset); }); }
    showBandFields(fieldset);
    ev.sync();
    events.push(ev);
    return ev;
  }

  function refresh() {
    events.forEach(function (ev) { ev.sync(); showBandFields(ev.fieldset); });
    if (addButton && maxForms) { addButton.hidden = Number(total.value) >= Number(maxForms.value); }
  }

  function addEvent() {
    var index = Number(total.value);
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fieldset = holder.firstElementChild;
    container.appendChild(fieldset);
    total.value = String(index + 1);
    initEvent(fieldset);
    refresh();
    return fieldset;
  }

  function skip(el) {
    return !el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit" || el.type === "button" ||
      /-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/.test(el.name);
  }

  function collect() {
    var state = { events: Number(total.value), fields: {}, checked: [] };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (skip(el)) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { state.checked.push(el.name + "=" + el.value); }
      } else {
        state.fields[el.name] = el.value;
      }
    });
    return state;
  }

  function apply(state) {
    var wanted = Math.min(Number(state.events) || 1, maxForms ? Number(maxForms.value) : 20);
    while (Number(total.value) < wanted) { addEvent(); }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (skip(el)) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = state.checked.indexOf(el.name + "=" + el.value) !== -1;
      } else if (Object.prototype.hasOwnProperty.call(state.fields, el.name)) {
        el.value = state.fields[el.name];
      }
    });
    refresh();
  }

  function save() {
    var store = storage();
    if (!store || !key) { return; }
    try {
      store.setItem(key, JSON.stringify(collect()));
      setStatus(status && status.dataset.saved);
      if (discardButton) { discardButton.hidden = false; }
    } catch (e) { /* The draft is a convenience; sending still works without it. */ }
  }

  container.querySelectorAll("[data-event]").forEach(initEvent);
  if (addButton) {
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var fieldset = addEvent();
      save();
      var first = fieldset.querySelector("select, input:not([type=hidden]), textarea");
      if (first) { first.focus(); }
    });
  }
  if (discardButton) {
    discardButton.addEventListener("click", function () {
      // A draft may hold a long description typed on a phone: ask before throwing it away.
      if (discardButton.dataset.confirm && !window.confirm(discardButton.dataset.confirm)) { return; }
      var store = storage();
      if (store) { try { store.removeItem(key); } catch (e) { /* ignore */ } }
      window.location.assign(window.location.pathname);
    });
  }

  var store = storage();
  var saved = null;
  if (store && key) { try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; } }
  if (form.dataset.bound === "true") {
    // The server's answer (with its error messages) is newer than any stored draft.
    save();
  } else if (saved && saved.fields) {
    apply(saved);
    setStatus(status && status.dataset.restored);
    if (discardButton) { discardButton.hidden = false; }
  }
  refresh();
  // After a refused send, take keyboard and screen-reader users straight to what to correct.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
})();
