/* The country page's share chart, drawn the moment a reader picks another country
 * (dashboard/app/pages/country.py; docs/performance.md, "the country switch's fast path").
 *
 * Through Dash, a pick reaches the server only after the dropdown's own handler and the
 * renderer's dispatch (~25 ms on a 2-core machine), and its answer is drawn after the renderer
 * has applied it (~8 ms more). So a click on an option of the country dropdown is caught before
 * the dropdown's handler: the chart's figure (/figure/country-share.json: the function the
 * callback uses, for the same controls; asked for already when the option was pressed) is
 * drawn with Plotly, as dcc.Graph would draw it, and the list is hidden at once.
 *
 * Once the chart is on screen the dropdown is closed (its Escape), Dash is told which controls
 * the browser drew the chart for (the store ``country-share-claim``, used once) and the
 * dropdown's value is set: Dash's callbacks run as before, and the share chart's answer brings
 * the summary, source and footnotes but not the figure again; the figure is handed to
 * dcc.Graph (set_props), so Dash's state is what is on screen. If the figure could not be
 * fetched or drawn, Dash is given the pick and draws it (``country-share-retry`` when the
 * chart changed meanwhile). A pick by keyboard, a new year or the events switch go through Dash
 * as before.
 */
(function () {
  "use strict";

  var SELECT = "country-select";
  var GRAPH = "country-share-graph";
  var CLAIM = "country-share-claim";
  var RETRY = "country-share-retry";
  var URL = "/figure/country-share.json";
  // what dcc.Graph(responsive=True) puts over a figure's layout before it draws it
  var RESPONSIVE = {autosize: true, height: undefined, width: undefined};

  var latest = 0;    // the newest pick: an answer to an older one is not drawn
  var pressed = null; // {url, figure: a promise} asked for when an option was pressed
  var retries = 0;

  function setProps(id, props) {
    window.dash_clientside.set_props(id, props);
  }

  /* The ISO3 code of the option clicked in the open country dropdown, or null (another
   * dropdown's option, the country already shown, or not an option at all). */
  function picked(target) {
    var option = target && target.closest ? target.closest(".dash-dropdown-content [role=option]") : null;
    var trigger = document.getElementById(SELECT);
    if (!option || !trigger || trigger.getAttribute("aria-expanded") !== "true") return null;
    var content = option.closest(".dash-dropdown-content");
    if (!content || content.id !== trigger.getAttribute("aria-controls")) return null;
    if (option.getAttribute("aria-selected") === "true") return null;
    var radio = option.querySelector("input[value]");
    return radio && /^[A-Z]{3}$/.test(radio.value) ? radio.value : null;
  }

  /* The page's other controls as the server reads them (views.specs.CountryView). */
  function controls(code) {
    var from = document.getElementById("country-from");
    var events = document.querySelector("#country-events input[type=checkbox]");
    return {country: code, from: from ? from.value : "", events: events && !events.checked ? "off" : "on"};
  }

  function plot() {
    var graph = document.getElementById(GRAPH);
    var gd = graph && graph.querySelector(".js-plotly-plot");
    // nothing drawn yet, or Dash not running: Dash does it all
    return gd && gd._fullLayout && window.Plotly && window.dash_clientside && window.dash_clientside.set_props
      ? gd : null;
  }

  /* Closes the open dropdown as its Escape key does (focus back on it). */
  function close(content) {
    content.dispatchEvent(new KeyboardEvent("keydown", {key: "Escape", code: "Escape", bubbles: true, cancelable: true}));
  }

  /* The figure for these controls: asked for when the option was pressed (the press comes
   * before the click by the time a finger or button takes to come up), or now. */
  function ask(params) {
    var url = address(params);
    var early = pressed;
    pressed = null;
    return early && early.url === url ? early.figure : request(url);
  }

  function address(params) {
    return URL + "?" + new URLSearchParams(params).toString();
  }

  function request(url) {
    return window.fetch(url, {cache: "no-cache", credentials: "same-origin"}).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  /* After the next frame is painted. */
  function afterPaint(fn) {
    window.requestAnimationFrame(function () { setTimeout(fn, 0); });
  }

  /* Draws the chart for `code`; then, once it is on screen, closes the dropdown and sets its
   * value (Dash's callbacks follow, told whether the figure is drawn already). */
  function pick(gd, code, content) {
    var params = controls(code);
    var asked = ask(params);
    var mine = ++latest;
    var shown = gd.data;
    function chosen(claim, figure) {
      if (mine !== latest) return;
      if (content.isConnected) close(content);
      setProps(CLAIM, {data: claim});
      setProps(SELECT, {value: code});
      if (figure) setProps(GRAPH, {figure: figure});   // Dash's state is what is on screen
    }
    asked
      .then(function (figure) {
        // a newer pick, the page laid out again, or the server drew the chart since: not this one
        if (mine !== latest || !gd.isConnected || gd.data !== shown) return chosen(null, null);
        return window.Plotly.react(gd, figure.data, Object.assign({}, figure.layout, RESPONSIVE)).then(function () {
          afterPaint(function () { chosen(params, figure); });
        });
      })
      .catch(function () {
        // not drawn here: Dash is asked for the figure (through the pick, or again)
        if (mine !== latest) return;
        var drawnSince = gd.data !== shown;
        chosen(null, null);
        if (drawnSince) setProps(RETRY, {data: ++retries});
      });
  }

  // a press on an option: its figure is asked for now, drawn if the click follows (a press
  // dragged off the option asks for one figure the server keeps anyway)
  document.addEventListener("pointerdown", function (event) {
    var code = event.button === 0 ? picked(event.target) : null;
    if (!code || !plot()) return;
    var url = address(controls(code));
    pressed = {url: url, figure: request(url)};
    pressed.figure.catch(function () { /* the click's draw fails too, and leaves it to Dash */ });
  }, true);

  // capture: before the dropdown's own handler, which would set its value at once (Dash would
  // then dispatch its callbacks: ~25 ms of work on the main thread before the figure is drawn)
  document.addEventListener("click", function (event) {
    var code = picked(event.target);
    var gd = code ? plot() : null;
    if (!gd) return;
    event.preventDefault();
    event.stopPropagation();
    var content = event.target.closest(".dash-dropdown-content");
    content.style.visibility = "hidden";   // closed to the eye now; to React once the chart is drawn
    pick(gd, code, content);
  }, true);
})();
