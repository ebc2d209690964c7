/* Names for the admin's unlabelled controls, so screen readers announce every field.
 *
 * Django's admin renders some controls without a <label> of their own: the date and time halves
 * of a split date-time field, the cells of a tabular inline (the column header names them), the
 * "delete" boxes of inline rows, select2's autocomplete boxes, and the help icons of the
 * two-list filter. Each gets an accessible name from the text that names it on screen.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var words = {
    date: (script && script.dataset.date) || "date",
    time: (script && script.dataset.time) || "time",
    remove: (script && script.dataset.remove) || "Delete",
  };

  function text(el) {
    return el ? el.textContent.replace(/\s+/g, " ").replace(/[:*]\s*$/, "").trim() : "";
  }

  function hasName(el) {
    if (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")) return true;
    if (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]')) return true;
    return Boolean(el.closest("label"));
  }

  function rowLabel(el) {
    var row = el.closest(".form-row, .fieldBox, .form-group");
    return row ? text(row.querySelector("label")) : "";
  }

  function columnHeader(el) {
    var cell = el.closest("td");
    var table = el.closest("table");
    if (!cell || !table) return "";
    var index = Array.prototype.indexOf.call(cell.parentNode.children, cell);
    var headers = table.querySelectorAll("thead th");
    return headers[index] ? text(headers[index]) : "";
  }

  function name(root) {
    var date = words.date;
    var time = words.time;
    root.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (el.type === "hidden" || hasName(el)) return;
      var label = "";
      if (/_0$/.test(el.id) && el.closest(".datetime")) label = rowLabel(el) + " (" + date + ")";
      else if (/_1$/.test(el.id) && el.closest(".datetime")) label = rowLabel(el) + " (" + time + ")";
      else label = columnHeader(el) || rowLabel(el);
      if (/-DELETE$/.test(el.name || "")) {
        var row = el.closest("tr, .inline-related");
        var title = row ? text(row.querySelector("td.original p, h3 b, .inline_label")) : "";
        label = (label || words.remove) + (title ? ": " + title : "");
      }
      if (label) el.setAttribute("aria-label", label);
    });
    root.querySelectorAll(".select2-selection[role=combobox]").forEach(function (box) {
      if (box.getAttribute("aria-label")) return;
      var container = box.closest(".select2");
      var select = container && container.previousElementSibling;
      var label = select ? text(select.id && document.querySelector('label[for="' + CSS.escape(select.id) + '"]')) : "";
      label = label || rowLabel(box) || columnHeader(box);
      if (label) box.setAttribute("aria-label", label);
      var rendered = box.querySelector(".select2-selection__rendered");
      if (rendered && label) rendered.setAttribute("aria-label", label);
    });
    root.querySelectorAll(".help-tooltip[aria-label], .help-tooltip[title]").forEach(function (icon) {
      if (!icon.getAttribute("role")) icon.setAttribute("role", "img");
      if (!icon.getAttribute("aria-label")) icon.setAttribute("aria-label", icon.getAttribute("title"));
    });
  }

  function scrollers(root) {
    // tables that scroll sideways on a phone can be scrolled with the keyboard too
    root.querySelectorAll(".inline-group .tabular, #changelist .results").forEach(function (box) {
      if (box.hasAttribute("tabindex")) return;
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var group = box.closest(".inline-group, #changelist");
      var heading = group ? text(group.querySelector("h2, caption")) : "";
      if (heading) box.setAttribute("aria-label", heading);
    });
  }

  function run() {
    name(document);
    scrollers(document);
    // inline rows added later ("Add another") and select2 boxes built after load
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType === 1) name(node.parentNode || node);
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
