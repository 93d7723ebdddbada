/* AG Grid's bundle is sent only with the pages that draw a grid, /pledges, /countries and /budgets
 * (dashboard/app/server/bundles.py). Links to them load the page afresh; if a page loaded
 * elsewhere still reaches the grid (history navigation), this stand-in reloads the page so
 * the server sends the bundle. Loaded after the real bundle, so it
 * never replaces it. A page that was sent the bundle but lacks the grid (the bundle failed to
 * load) says so instead of reloading again and again. */
(function () {
  "use strict";
  if (window.dash_ag_grid) return;
  var React = window.React;
  // The server decides which pages get the bundle (index.PAGE_ONLY_BUNDLES): if its script tag
  // is in this page, it was sent and failed to load, and a reload would only fail again.
  var bundleWasSent = document.querySelector('script[src*="/dash_ag_grid/"]') !== null;

  function AgGridReload() {
    React.useEffect(function () {
      if (!bundleWasSent) window.location.reload();
    }, []);
    return React.createElement("p", {className: "hint", role: "status"}, bundleWasSent
      ? "The table could not be loaded. Reload the page to try again."
      : "Loading the table…");
  }
  window.dash_ag_grid = {AgGrid: AgGridReload};
})();
