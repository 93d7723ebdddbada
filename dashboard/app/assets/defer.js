/* Charts below the fold are drawn when they near the viewport, or before printing
 * (dashboard/app/components.py: chart_card(defer=True), deferred()). Plotly's drawing of
 * them no longer blocks the first load (~100 ms of main thread on the overview).
 *
 * A deferred chart's frame carries data-defer="<store id>": once the frame is within
 * MARGIN of the viewport, that store is set to true; the clientside function below then
 * hands the chart's waiting figure to the graph (and keeps doing so as the figure changes).
 */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  charts: {
    drawWhenSeen: function (figure, seen) {
      return seen === true && figure ? figure : window.dash_clientside.no_update;
    },
  },
});

(function () {
  "use strict";

  var MARGIN = "0px 0px 200px 0px";  // start drawing a little before the chart scrolls in
  var watched = new WeakSet();
  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) show(entry.target);
    });
  }, {rootMargin: MARGIN}) : null;

  function show(frame) {
    if (observer) observer.unobserve(frame);
    if (window.dash_clientside.set_props) window.dash_clientside.set_props(frame.dataset.defer, {data: true});
  }

  function scan() {
    document.querySelectorAll("[data-defer]").forEach(function (frame) {
      if (watched.has(frame)) return;
      watched.add(frame);
      if (observer) observer.observe(frame);
      else show(frame);
    });
  }

  function start() {
    var pending = false;
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        scan();
      });
    }).observe(document.body, {childList: true, subtree: true});
    scan();
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("[data-defer]").forEach(show);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
