/* Loads Dash (React, plotly.js, the page's callbacks) when the reader first interacts.
 *
 * Every page arrives as a complete static copy (dashboard/app/static_copy/prerender.py): text,
 * tables, and each chart as an SVG picture (dashboard/app/pictures/svg.py). Running Dash's
 * ~2 MB of scripts costs 0.3 s of main thread on a desktop and 1–3 s on a mid-range phone
 * (Lighthouse's 4x CPU slowdown), during which the page cannot respond. So the copy is
 * read without them, and they load on the first sign that the reader wants more than
 * the copy: a mouse moving over the page, a touch, a key, the wheel, focus. A page
 * opened at an anchor (a shared card link) or in a browser that cannot show the copy
 * (no :has()) loads them at once. The page's index lists the scripts as inert tags
 * (dashboard/app/static_copy/hydration.py); they run in order, then Dash's renderer starts.
 *
 * A control in the copy is a picture of it (data-for: the live control's id): a reader who
 * presses one before Dash has drawn the page finds the focus on the live control once it
 * is there, so the next touch or key works it.
 */
(function () {
  "use strict";

  var EVENTS = ["pointermove", "pointerdown", "touchstart", "keydown", "wheel", "focusin"];
  var started = false;
  var FOCUSABLE = "input, button, select, textarea, [tabindex]:not([tabindex='-1'])";
  var FOCUS_WAIT_MS = 15000;  // a press longer ago than this when the live page is drawn is forgotten
  var wanted = null;           // the id of the live control the reader pressed in the copy
  var pressedAt = 0;

  function start() {
    if (started) return;
    started = true;
    EVENTS.forEach(function (name) { window.removeEventListener(name, onEvent, true); });
    document.documentElement.classList.add("hydrating");
    var last = null;
    var add = function (src) {
      var script = document.createElement("script");
      script.src = src;
      script.async = false;  // run in document order, as the index listed them
      document.body.appendChild(script);
      last = script;
    };
    document.querySelectorAll("script.dash-script").forEach(function (tag) {
      add(tag.dataset.src);
      // dcc's lazily loaded parts (graph, dropdown, slider) run right after dcc: its loader then
      // finds them installed when the page's components first render, instead of fetching them
      // and running them after React's first render of the page
      var dcc = dccRoot(tag.dataset.src);
      if (dcc) LAZY.forEach(function (chunk) { add(dcc + chunk); });
    });
    loadPlotly();
    loadOutlines();
    var run = function () { window.renderer = new window.DashRenderer(); };
    if (last) last.addEventListener("load", run);
    else run();
  }

  // While the copy shows: remember the control pressed last; once Dash has drawn it, focus it.
  function remember(event) {
    var pressed = event.target.closest ? event.target.closest("[data-for]") : null;
    if (pressed && document.querySelector(".prerender")) {
      wanted = pressed.getAttribute("data-for");
      pressedAt = Date.now();
    }
  }

  function handFocusOn() {
    // no mutations before Dash runs: the observer costs nothing while the reader only reads
    var observer = new MutationObserver(function () {
      if (document.querySelector(".prerender")) return;
      document.removeEventListener("pointerdown", remember, true);
      var live = wanted && document.getElementById(wanted);
      // a control whose code loads lazily has its id before its focusable parts: wait for them
      var target = live && (live.matches(FOCUSABLE) ? live : live.querySelector(FOCUSABLE));
      var late = !wanted || Date.now() - pressedAt > FOCUS_WAIT_MS;
      if (!target && !late) return;
      observer.disconnect();
      if (target && !late) target.focus();
    });
    observer.observe(document.body, {childList: true, subtree: true});
  }

  function onEvent(event) {
    // a finger's pointermove comes with a touchstart; only a mouse's counts on its own
    if (event.type === "pointermove" && event.pointerType !== "mouse") return;
    start();
  }

  // Once the page has loaded, Dash's scripts (and the code its components load lazily: plotly.js,
  // dcc's chunks) are fetched at the lowest priority into the HTTP cache, unrun: the first
  // interaction then runs them without waiting for the network (~40 ms sooner live on a
  // desktop). Nothing runs before it; Lighthouse's scores are unchanged (it counts the bytes:
  // ~700 KB compressed, cached for a year, so not fetched on a connection marked Save-Data or 2G/3G).
  var LAZY = ["dcc/async-graph.js", "dcc/async-dropdown.js", "dcc/async-slider.js"];
  var TOPOJSON = "/assets/topojson/world_110m.json";
  var MAP_PICTURE = ".prerender-graph[data-graph='overview-map-graph']";

  function dccRoot(src) {
    var dcc = src.match(/^(.*\/_dash-component-suites\/dash\/)dcc\/dash_core_components\./);
    return dcc ? dcc[1] : null;
  }

  // The world's outlines, read while the renderer waits for its layout: plotly.js finds them in
  // its store of outlines (window.PlotlyGeoAssets, under the file's name) and draws the map at
  // once, instead of asking for them when it starts drawing and finishing when they have come.
  // Plotly fetches them itself if they are not there by then.
  function loadOutlines() {
    if (!document.querySelector(MAP_PICTURE) || !window.fetch) return;
    window.fetch(TOPOJSON).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (outlines) {
      var assets = window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};
      assets.topojson = assets.topojson || {};
      var name = TOPOJSON.split("/").pop().replace(/\.json$/, "");
      if (!assets.topojson[name]) assets.topojson[name] = outlines;
    }).catch(function () { /* plotly.js fetches them when it draws */ });
  }

  // plotly.js (1.4 MB) is compiled off the main thread while it loads (its compile hint,
  // app/server/bundles.py) and runs in the main thread's first gap (while the renderer waits
  // for its layout), instead of after React has drawn the page. Until it has run, window.Plotly
  // is a thenable: dcc.Graph's loader (`Promise.resolve(window.Plotly || load it)`) waits for
  // this load instead of starting a second. Only on a page with a chart.
  function loadPlotly() {
    var dcc = null;
    document.querySelectorAll("script.dash-script").forEach(function (tag) { dcc = dcc || dccRoot(tag.dataset.src); });
    if (!dcc || window.Plotly || !document.querySelector(".prerender-graph")) return;
    var script = document.createElement("script");
    var loaded = new Promise(function (resolve, reject) {
      script.onload = function () { resolve(window.Plotly); };
      script.onerror = function (error) {
        if (window.Plotly === pending) delete window.Plotly;
        reject(error);
      };
    });
    var pending = {then: function (resolve, reject) { return loaded.then(resolve, reject); }};
    window.Plotly = pending;
    script.src = dcc.replace(/dash\/$/, "plotly/package_data/plotly.min.js");
    script.async = true;
    document.head.appendChild(script);
  }

  function prefetch() {
    if (started) return;
    // not on a connection the reader pays for or that is slow: the copy is what they came for
    var connection = navigator.connection;
    if (connection && (connection.saveData || /(^|-)2g$|^3g$/.test(connection.effectiveType || ""))) return;
    var urls = [];
    document.querySelectorAll("script.dash-script").forEach(function (tag) {
      var src = tag.dataset.src;
      urls.push(src);
      var dcc = dccRoot(src);
      if (dcc) {
        LAZY.forEach(function (chunk) { urls.push(dcc + chunk); });
        urls.push(dcc.replace(/dash\/$/, "plotly/package_data/plotly.min.js"));
      }
    });
    // the world's outlines plotly.js fetches when it first draws a map
    if (document.querySelector(MAP_PICTURE)) urls.push(TOPOJSON);
    urls.forEach(function (url) {
      var link = document.createElement("link");
      link.rel = "prefetch";
      link.as = "script";
      link.href = url;
      document.head.appendChild(link);
    });
  }

  var canShowCopy = window.CSS && CSS.supports && CSS.supports("selector(:has(*))");
  if (!canShowCopy || !document.querySelector(".prerender") || window.location.hash) {
    start();
    return;
  }
  EVENTS.forEach(function (name) {
    window.addEventListener(name, onEvent, {capture: true, passive: true});
  });
  document.addEventListener("pointerdown", remember, true);
  handFocusOn();
  var later = function () { (window.requestIdleCallback || window.setTimeout)(prefetch); };
  if (document.readyState === "complete") later();
  else window.addEventListener("load", later);
})();
