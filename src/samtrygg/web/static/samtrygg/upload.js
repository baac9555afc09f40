/* Upload with a progress bar (XMLHttpRequest upload events). Without JavaScript the form posts
   as usual; with it, the same POST is sent in the background and the bar shows how far it got.
   Forms marked data-busy-form show a running bar while the server works (the import itself). */
(function () {
  "use strict";

  function text(el, value) { if (el) { el.textContent = value; } }

  function bindUpload() {
    var form = document.querySelector("[data-upload-form]");
    if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
    var bar = form.querySelector("[data-upload-progress]");
    var status = form.querySelector("[data-upload-status]");
    var button = form.querySelector("button[type=submit]");
    var lang = document.documentElement.lang === "en" ? "en" : "sv";
    var words = {
      sv: { sending: "Laddar upp … ", reading: "Filen är uppladdad; den läses nu …",
            failed: "Uppladdningen misslyckades. Kontrollera anslutningen och försök igen.",
            large: "Filen är större än 50 MB; dela upp den i mindre filer och importera var och en." },
      en: { sending: "Uploading … ", reading: "The file is uploaded; it is being read …",
            failed: "The upload failed. Check the connection and try again.",
            large: "The file is larger than 50 MB; split it into smaller files and import each." }
    }[lang];

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = form.querySelector("input[type=file]");
      var limit = parseInt(form.dataset.maxBytes || "0", 10);
      // Refuse a file that is too large before sending it, instead of after a long upload.
      if (limit && input && input.files.length && input.files[0].size > limit) {
        // The page says the limit in the page's language (it is a setting).
        text(status, form.dataset.tooLarge || words.large);
        return;
      }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        text(status, words.sending + percent + " %");
      });
      xhr.upload.addEventListener("load", function () {
        bar.value = 100;
        text(status, words.reading);
      });
      xhr.addEventListener("load", function () {
        // Success ends in a redirect to the mapping step, which the request has followed.
        if (xhr.status === 200 && xhr.responseURL && xhr.responseURL !== window.location.href) {
          window.location.assign(xhr.responseURL);
          return;
        }
        // Problems come back as the upload page with the errors: show it in place.
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var incoming = doc.querySelector("main");
        var main = document.querySelector("main");
        if (incoming && main) {
          main.innerHTML = incoming.innerHTML;
          document.title = doc.title;
          bindUpload();
          var alert = main.querySelector("[role=alert], .field-error");
          if (alert) { alert.setAttribute("tabindex", "-1"); alert.focus(); }
        } else {
          button.disabled = false;
          bar.hidden = true;
          text(status, words.failed);
        }
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        bar.hidden = true;
        text(status, words.failed);
      });
      bar.value = 0;
      bar.hidden = false;
      button.disabled = true;
      xhr.send(new FormData(form));
    });
  }

  function bindBusy() {
    var form = document.querySelector("[data-busy-form]");
    if (!form) { return; }
    form.addEventListener("submit", function () {
      var bar = form.querySelector("[data-busy-progress]");
      // A bar without a value is indeterminate: the server is working.
      if (bar) { bar.removeAttribute("value"); bar.hidden = false; }
    });
  }

  bindUpload();
  bindBusy();
})();
