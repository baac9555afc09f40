/* Filters a long checkbox list (e.g. the 290 municipalities) as the user types. */
(function () {
  "use strict";
  var input = document.querySelector("[data-filter-target]");
  if (!input) { return; }
  var list = document.querySelector(input.dataset.filterTarget);
  input.addEventListener("input", function () {
    var q = input.value.trim().toLowerCase();
    list.querySelectorAll("label").forEach(function (label) {
      var item = label.closest("div") || label;
      var checked = label.querySelector("input").checked;
      item.hidden = q !== "" && !checked && label.textContent.toLowerCase().indexOf(q) === -1;
    });
  });
})();
