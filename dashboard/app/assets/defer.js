/* Charts below the fold are drawn when they near the viewport, or before printing
 * (dashboard/app/components.py: chart_card(defer=True), deferred()). Plotly's drawing of
 * them no longer blocks the first load (~100 ms of main thread on the overview).
 *
 * A deferred chart's frame carries data-defer="<store id>": once the frame is within
 * MARGIN of the viewport, that store is set to true; the clientside functions below then put
 * the graph in the page with the chart's waiting figure (until then it is not in the page),
 * and hand it each new figure after that.
 */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  charts: {
    // the graph (dcc.Loading around dcc.Graph, without its figure: components.chart_card) with
    // the waiting figure, once seen; nothing once it is in the page (drawWhenMounted draws then)
    mountWhenSeen: function (seen, figure, spec) {
      var graph = spec && spec.props && spec.props.children;
      if (seen !== true || !figure || !graph || document.getElementById(graph.props.id)) {
        return window.dash_clientside.no_update;
      }
      var props = Object.assign({}, graph.props, {figure: figure});
      return Object.assign({}, spec, {props: Object.assign({}, spec.props, {
        children: Object.assign({}, graph, {props: props})})});
    },
    sameStyle: function (style) {
      return style || window.dash_clientside.no_update;
    },
    drawWhenMounted: function (figure) {
      var out = window.dash_clientside.callback_context.outputs_list;
      var id = out && (out.id || (out[0] && out[0].id));
      return figure && id && document.getElementById(id) ? figure : window.dash_clientside.no_update;
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
