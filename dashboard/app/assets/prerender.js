/* Removes the server-rendered copy of the page (dashboard/app/prerender.py) once Dash has drawn
 * the page: style.css already hides it then; removing it means no later navigation can show it
 * again, and no one meets its headings twice. */
(function () {
  "use strict";

  function drawn() {
    var content = document.getElementById("_pages_content");
    return content !== null && content.firstElementChild !== null;
  }

  function start() {
    var copy = document.querySelector(".prerender");
    if (!copy) return;
    var observer = new MutationObserver(function () {
      if (!drawn()) return;
      observer.disconnect();
      copy.remove();
      document.documentElement.classList.remove("hydrating");  // static_copy/hydrate.js's busy cursor
    });
    observer.observe(document.getElementById("react-entry-point"), {childList: true, subtree: true});
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
