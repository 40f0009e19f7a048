// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Styles that only make sense with this file running (the file pickers) hang on this class.
  document.documentElement.classList.add("js");
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

  // The rating form: the progress in the sticky bar, "全部达标", and each item's one-line answer.
  document.querySelectorAll("[data-rating-form]").forEach(function (form) {
    var count = form.querySelector("[data-decided]");
    var bar = form.querySelector("[data-progress]");
    function metRadios(item) { return item.querySelectorAll("input[type=radio][name$='-met']"); }
    function answer(item) {
      var checked = item.querySelector("input[type=radio][name$='-met']:checked");
      var label = item.querySelector("[data-answer]");
      if (label) { label.textContent = checked ? checked.parentNode.textContent.trim() : label.dataset.undecided; }
    }
    function progress() {
      var decided = form.querySelectorAll("[data-item][data-decided]").length;
      form.querySelectorAll("[data-item][data-editable]").forEach(function (item) {
        if (item.querySelector("input[type=radio][name$='-met']:checked")) { decided += 1; }
      });
      count.textContent = decided;
      bar.value = decided;
    }
    form.addEventListener("change", function (event) {
      if (event.target.name && /-met$/.test(event.target.name)) {
        answer(event.target.closest("[data-item]"));
        progress();
      }
    });
    var allMet = form.querySelector("[data-all-met]");
    if (allMet) {
      allMet.addEventListener("click", function (event) {
        // Marks the unanswered items here, for the assessor to check before saving; an answer
        // already given is never changed. (Without scripts the button saves the same way.)
        event.preventDefault();
        form.querySelectorAll("[data-item][data-editable]").forEach(function (item) {
          var radios = metRadios(item);
          var any = Array.prototype.some.call(radios, function (radio) { return radio.checked; });
          if (!any) {
            radios.forEach(function (radio) { if (radio.value === "yes") { radio.checked = true; } });
            answer(item);
          }
        });
        progress();
        var note = form.querySelector("[data-all-met-note]");
        if (note) { note.textContent = allMet.dataset.done; }
      });
    }
    // After a conflict: choosing a version shows it in the fields (the server applies the choice
    // even without this).
    form.querySelectorAll("[data-conflict]").forEach(function (panel) {
      var item = panel.closest("[data-item]");
      var note = item.querySelector("textarea[name$='-note']");
      var mine = { note: note.value, met: (item.querySelector("input[name$='-met']:checked") || {}).value };
      panel.querySelectorAll("[data-take]").forEach(function (choice) {
        choice.addEventListener("change", function () {
          var take = choice.value === "theirs" ? { note: panel.dataset.theirsNote, met: panel.dataset.theirsMet } : mine;
          if (choice.value === "theirs") {
            mine = { note: note.value, met: (item.querySelector("input[name$='-met']:checked") || {}).value };
          }
          note.value = take.note;
          metRadios(item).forEach(function (radio) { radio.checked = radio.value === take.met; });
          answer(item);
          progress();
        });
      });
    });
  });
  // File pickers: the chosen files' names, and a thumbnail of each image.
  document.querySelectorAll("[data-file-picker]").forEach(function (picker) {
    var names = picker.querySelector("[data-picker-names]");
    var thumbs = picker.querySelector("[data-picker-thumbs]");
    var inputs = picker.querySelectorAll("input[type=file]");
    function show() {
      var chosen = [];
      thumbs.textContent = "";
      inputs.forEach(function (input) {
        Array.prototype.forEach.call(input.files, function (file) {
          chosen.push(file.name);
          if (/^image\/(jpeg|png)$/.test(file.type)) {
            var li = document.createElement("li");
            var img = document.createElement("img");
            img.className = "thumb";
            img.alt = file.name;
            img.src = URL.createObjectURL(file);
            li.appendChild(img);
            thumbs.appendChild(li);
          }
        });
      });
      names.textContent = chosen.length ? chosen.join("、") : names.dataset.none;
    }
    inputs.forEach(function (input) { input.addEventListener("change", show); });
  });
  // The certifier's queue: a tap anywhere on a row ticks it; the bar counts the ticked rows;
  // "all matching" ticks the rows of this page too (the server takes every matching item).
  document.querySelectorAll("[data-queue]").forEach(function (form) {
    var count = form.querySelector("[data-selected-count]");
    var all = form.querySelector("[data-all-matching]");
    function boxes() { return form.querySelectorAll("input[name=items]"); }
    function update() {
      var ticked = 0;
      boxes().forEach(function (box) {
        box.closest("tr").classList.toggle("selected", box.checked);
        if (box.checked) { ticked += 1; }
      });
      if (count) { count.textContent = all && all.checked ? all.dataset.count : ticked; }
    }
    form.querySelectorAll("[data-select-row]").forEach(function (row) {
      row.addEventListener("click", function (event) {
        if (event.target.closest("a, button, input, label, textarea, select")) { return; }
        var box = row.querySelector("input[name=items]");
        box.checked = !box.checked;
        if (!box.checked && all) { all.checked = false; }
        update();
      });
    });
    form.addEventListener("change", function (event) {
      if (event.target === all) {
        boxes().forEach(function (box) { box.checked = all.checked; });
      } else if (event.target.name === "items" && !event.target.checked && all) {
        all.checked = false;
      }
      update();
    });
    update();
  });
  // A table wider than the screen scrolls inside its wrapper: the wrapper then takes the
  // keyboard focus, so that it can be scrolled without a mouse.
  function focusableScrollers() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) { wrap.setAttribute("tabindex", "0"); }
      else { wrap.removeAttribute("tabindex"); }
    });
  }
  focusableScrollers();
  window.addEventListener("resize", focusableScrollers);
})();
