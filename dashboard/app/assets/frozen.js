/* Static parts of the page, drawn as one component each (dashboard/app/frozen.py).
 *
 * The server sends each largest subtree of plain HTML (no id, nothing a callback reads or
 * writes) as one `Frozen` component: its root element, with the rest as HTML set at once.
 * React then draws one component where it drew dozens (~0.25 ms each on a 2-core machine).
 *
 * A dcc.Link inside one is an <a data-dash-link>: a plain click on it moves the page in place,
 * as dcc.Link does (the URL pushed, Dash's location told, the window scrolled to the top);
 * a click with a modifier key, or on a link to another site, is the browser's.
 */
(function () {
  "use strict";

  function Frozen(props) {
    var attrs = Object.assign({}, props.attrs || {});
    attrs.dangerouslySetInnerHTML = {__html: props.html || ""};
    return window.React.createElement(props.tag || "div", attrs);
  }

  window.dashboard_frozen = {Frozen: Frozen};

  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a[data-dash-link]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey || (link.target && link.target !== "_self") ||
        link.origin !== window.location.origin) {
      return;
    }
    event.preventDefault();
    window.history.pushState({}, "", link.getAttribute("href"));
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo(0, 0);
  });
})();
