/* Accessible names and roles for Dash 4 controls where no prop reaches them (found by axe-core,
 * issue 7). Served from /assets/ (the CSP allows 'self' scripts; no inline code).
 *
 * - <label for=X> names the component's wrapper div, which is not labelable: pass the label on
 *   to the real control inside (slider thumb and its number box, radio group, dropdown button).
 * - dcc.RadioItems renders role=listbox with role=option <label>s around native radios
 *   (nested-interactive): make it a named radiogroup of plain labels and radios.
 * - dcc.Dropdown keeps a focusable proxy <input aria-hidden=true> that forwards focus to its
 *   button (aria-hidden-focus): name it instead of hiding it. Its button is named by its
 *   selected values (label-content-name-mismatch for several): name it by the <label> and
 *   describe it by the selection instead.
 */
(function () {
  "use strict";

  function set(el, name, value) {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  function drop(el, name) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  }

  function labelId(label) {
    if (!label.id) label.id = label.htmlFor + "--label";
    return label.id;
  }

  function fixControl(label, target) {
    var id = labelId(label);
    if (target.classList.contains("dash-radioitems") || target.classList.contains("dash-checklist")) {
      set(target, "role", target.classList.contains("dash-radioitems") ? "radiogroup" : "group");
      set(target, "aria-labelledby", id);
      target.querySelectorAll("label.dash-options-list-option").forEach(function (option) {
        drop(option, "role");
        drop(option, "aria-selected");
      });
    } else if (target.classList.contains("dash-slider-container")) {
      target.querySelectorAll("[role=slider], input").forEach(function (control) {
        set(control, "aria-labelledby", id);
      });
    } else if (target.classList.contains("dash-dropdown")) {
      // Named by its visible <label> (label-in-name), described by the current selection.
      var value = [target.id + "-value", target.id + "-value-count"].filter(function (part) {
        return document.getElementById(part);
      }).join(" ");
      drop(target, "aria-labelledby");
      if (value) set(target, "aria-describedby", value);
      var proxy = target.parentElement && target.parentElement.querySelector(".dash-dropdown-focus-target");
      if (proxy) {
        drop(proxy, "aria-hidden");
        set(proxy, "aria-labelledby", id);
        if (value) set(proxy, "aria-describedby", value);
      }
    }
  }

  function fixAll() {
    document.querySelectorAll("label[for]").forEach(function (label) {
      var target = document.getElementById(label.htmlFor);
      if (target) fixControl(label, target);
    });
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      fixAll();
    });
  }

  function start() {
    new MutationObserver(schedule).observe(document.body, {
      childList: true, subtree: true, attributes: true,
      attributeFilter: ["role", "aria-selected", "aria-hidden", "aria-labelledby"],
    });
    schedule();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
