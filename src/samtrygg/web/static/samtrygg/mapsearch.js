/* The maps' place search: the text goes to Samtrygg's own gazetteer endpoint (the partnership's
   areas, known places, streets and addresses), never to an outside geocoder. A page's map script
   calls samtryggPlaceSearch(box, onChoose) once its map exists; onChoose gets {name, lon, lat}. */
(function () {
  "use strict";

  // How close to show a found place: an address up close, an area as a whole.
  var ZOOM = { address: 18, known_place: 17, street: 16, area: 14, municipality: 11 };
  window.samtryggPlaceZoom = function (hit) { return ZOOM[hit.kind] || 15; };

  window.samtryggPlaceSearch = function (box, onChoose) {
    if (!box) { return; }
    var input = box.querySelector("input[type=search]");
    var button = box.querySelector("[data-search-button]");
    var status = box.querySelector("[data-search-status]");
    var list = box.querySelector("[data-search-results]");
    var asked = 0;

    function say(text) { status.textContent = text || ""; }

    function clear() {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      list.hidden = true;
    }

    function choose(hit) {
      clear();
      onChoose(hit);
      say((box.dataset.chosen || "").replace("{name}", hit.name));
      input.focus();
    }

    function show(results) {
      clear();
      if (!results.length) { say(box.dataset.none); return; }
      results.forEach(function (hit) {
        var item = document.createElement("li");
        var pick = document.createElement("button");
        pick.type = "button";
        pick.className = "link-button";
        pick.textContent = hit.name;
        var kind = document.createElement("span");
        kind.className = "place-kind";
        kind.textContent = " · " + hit.kind_label;
        pick.appendChild(kind);
        pick.addEventListener("click", function () { choose(hit); });
        item.appendChild(pick);
        list.appendChild(item);
      });
      list.hidden = false;
      say(results.length === 1 ? box.dataset.foundOne : box.dataset.foundMany.replace("{n}", String(results.length)));
    }

    function run() {
      var text = input.value.trim();
      clear();
      if (text.length < 2) { say(box.dataset.tooShort); return; }
      // Only the latest search may answer: a slow earlier one must not overwrite it.
      var mine = ++asked;
      say(box.dataset.searching);
      fetch(box.dataset.url + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      })
        .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
        .then(function (data) { if (mine === asked) { show(data.results || []); } })
        .catch(function () { if (mine === asked) { say(box.dataset.failed); } });
    }

    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        // Inside the report form, Enter must search, not send the report.
        e.preventDefault();
        run();
      } else if (e.key === "ArrowDown") {
        var first = list.querySelector("button");
        if (first) { e.preventDefault(); first.focus(); }
      } else if (e.key === "Escape") {
        clear();
      }
    });
    list.addEventListener("keydown", function (e) {
      var buttons = Array.prototype.slice.call(list.querySelectorAll("button"));
      var at = buttons.indexOf(document.activeElement);
      if (at === -1) { return; }
      if (e.key === "ArrowDown" && at < buttons.length - 1) { e.preventDefault(); buttons[at + 1].focus(); }
      else if (e.key === "ArrowUp") { e.preventDefault(); (at > 0 ? buttons[at - 1] : input).focus(); }
      else if (e.key === "Escape") { e.preventDefault(); clear(); input.focus(); }
    });
    button.addEventListener("click", run);
    box.hidden = false;
  };
})();
