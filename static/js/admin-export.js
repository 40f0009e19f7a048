// The export page's "select all" box, wired here rather than in an onchange attribute, which
// the Content-Security-Policy does not run. onSelectToggleChange is the library's own.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var toggle = document.getElementById("select-all-toggle");
  if (toggle && typeof onSelectToggleChange === "function") {
    toggle.addEventListener("change", onSelectToggleChange);
  }
});
