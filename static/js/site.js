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
  // A print job's progress: ask every two seconds until it is done or failed.
  document.querySelectorAll("[data-print-job]").forEach(function (card) {
    var bar = card.querySelector("[data-print-progress]");
    var done = card.querySelector("[data-print-done]");
    var label = card.querySelector("[data-print-label]");
    var download = card.querySelector("[data-print-download]");
    function ask() {
      fetch(card.dataset.printJob, { credentials: "same-origin" })
        .then(function (answer) { return answer.json(); })
        .then(function (job) {
          bar.max = job.total; bar.value = job.done;
          done.textContent = job.done; label.textContent = job.label;
          if (job.status === "done") { download.classList.remove("hidden"); return; }
          if (job.status === "failed") { window.location.reload(); return; }
          window.setTimeout(ask, 2000);
        })
        .catch(function () { window.setTimeout(ask, 5000); });
    }
    if (["queued", "running"].indexOf(card.dataset.printStatus) !== -1) { window.setTimeout(ask, 1000); }
  });
})();
