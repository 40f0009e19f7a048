// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // A select marked data-autosubmit submits its form when changed (the button stays for keyboards
  // and for browsers without scripts).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // A button that prints the page (the commendation list).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // "Tick all" box of a list of checkboxes.
  document.querySelectorAll("input[data-check-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll("input[name='" + box.dataset.checkAll + "']").forEach(function (other) {
        other.checked = box.checked;
      });
    });
  });
})();
