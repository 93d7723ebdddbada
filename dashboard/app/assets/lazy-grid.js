/* AG Grid's bundle is sent only with /pledges (dashboard/app/index.py). Links to /pledges load the
 * page afresh; if a page loaded elsewhere still reaches the grid (history navigation), this
 * stand-in reloads the page so the server sends the bundle. Loaded after the real bundle, so it
 * never replaces it. */
(function () {
  "use strict";
  if (window.dash_ag_grid) return;
  var React = window.React;
  function AgGridReload() {
    React.useEffect(function () { window.location.reload(); }, []);
    return React.createElement("p", {className: "hint"}, "Loading the table…");
  }
  window.dash_ag_grid = {AgGrid: AgGridReload};
})();
