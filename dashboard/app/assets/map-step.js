/* The overview map's year step, drawn in the browser (dashboard/app/pages/overview.py).
 *
 * A step of the year slider changes only the countries' colours, their hover text and the
 * year in it: no geometry, layout or colour scale. Plotly redraws a choropleth from scratch
 * for that (~45 ms on a 2-core machine: it projects every country's outline again), and the
 * server's answer takes a round trip more. So the server sends, with each map it draws, the
 * values of the years around it (``overview-map-near``: each year's locations, values, hover
 * text and hover template, as the server's own figure would have them), and a step to one of
 * those years is drawn here at once: each country's path gets its new colour (computed from
 * the trace's own colour scale, as plotly computes it), then, after that frame is painted,
 * plotly is given the same values (Plotly.restyle) so that its hover text and its state are
 * the new year's too. The server is told what was drawn (``overview-map-step``) and sends the
 * text summary, the next years around, or the whole map when the step could not be drawn
 * here (another source or region, a year out of reach, a country the map has no path for).
 */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  overview: {
    stepMap: function (year, source, region, near, drawn) {
      var key = source + "|" + region;
      var step = {year: year, source: source, region: region, painted: false};
      var values = near && near.key === key && drawn === key && near.years ? near.years[String(year)] : null;
      if (values) step.painted = window.defenceMap.paint("overview-map-graph", values);
      return step;
    },
  },
});

window.defenceMap = (function () {
  "use strict";

  var pending = null;  // the restyle waiting for the next frame (only the latest step's runs)
  var DRAWN_EVENT = "dashboard:drawn";

  function plotOf(graphId) {
    var graph = document.getElementById(graphId);
    return graph ? graph.querySelector(".js-plotly-plot") : null;
  }

  function rgbOf(colour) {
    var hex = /^#([0-9a-f]{6})$/i.exec(colour);
    if (hex) {
      var n = parseInt(hex[1], 16);
      return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
    }
    var rgb = /^rgba?\(([^)]+)\)$/i.exec(colour);
    return rgb ? rgb[1].split(",").slice(0, 3).map(Number) : null;
  }

  // The trace's colour function, as plotly's Colorscale.makeColorScaleFunc makes it: the
  // scale (flipped when reversescale) spread over [zmin, zmax], each channel interpolated
  // linearly, clamped at the ends, rounded to whole numbers.
  function colourScale(trace) {
    var scale = trace.colorscale;
    if (!Array.isArray(scale) || typeof trace.zmin !== "number" || typeof trace.zmax !== "number") return null;
    if (trace.reversescale) scale = scale.map(function (s) { return [1 - s[0], s[1]]; }).reverse();
    var domain = scale.map(function (s) { return trace.zmin + s[0] * (trace.zmax - trace.zmin); });
    var range = scale.map(function (s) { return rgbOf(s[1]); });
    if (range.some(function (c) { return !c; })) return null;
    var last = domain.length - 1;
    return function (z) {
      var i = 0;
      if (z <= domain[0]) return range[0];
      if (z >= domain[last]) return range[last];
      while (i < last - 1 && z > domain[i + 1]) i++;
      var t = (z - domain[i]) / (domain[i + 1] - domain[i]);
      return range[i].map(function (a, k) { return a + (range[i + 1][k] - a) * t; });
    };
  }

  function css(rgb) {
    return "rgb(" + Math.round(rgb[0]) + ", " + Math.round(rgb[1]) + ", " + Math.round(rgb[2]) + ")";
  }

  /* Draws `values` ({locations, z, text, hovertemplate}) on the map in graph `graphId`; false
   * when it cannot (nothing drawn yet, a country with no path), and then nothing is changed. */
  function paint(graphId, values) {
    var gd = plotOf(graphId);
    var trace = gd && gd._fullData && gd._fullData[0];
    if (!trace || trace.type !== "choropleth") return false;
    var colour = colourScale(trace);
    var paths = gd.querySelectorAll("path.choroplethlocation");
    if (!colour || !paths.length) return false;
    // with selectedpoints, the countries not selected have no figure this year: drawn unseen
    var seen = Array.isArray(values.selectedpoints) ? new Set(values.selectedpoints) : null;
    var byLocation = {};
    values.locations.forEach(function (loc, i) { byLocation[loc] = !seen || seen.has(i) ? values.z[i] : null; });
    var drawnLocations = {};
    var fills = [];
    for (var i = 0; i < paths.length; i++) {
      var point = paths[i].__data__;  // the calc point d3 bound to the path: its location
      if (!point || typeof point.loc !== "string") return false;
      drawnLocations[point.loc] = true;
      var z = byLocation[point.loc];
      // a country without a figure this year: unseen (or, on a map without the unseen ones,
      // the land's grey, as plotly will draw no shape for it)
      fills.push(typeof z === "number" ? css(colour(z)) : null);
    }
    if (values.locations.some(function (loc) { return !drawnLocations[loc]; })) return false;
    var grey = gd._fullLayout && gd._fullLayout.geo && gd._fullLayout.geo.landcolor;
    for (var k = 0; k < paths.length; k++) {
      // what plotly itself sets: the fill attribute, and with selectedpoints the opacity style
      if (fills[k]) paths[k].setAttribute("fill", fills[k]);
      else if (!seen) paths[k].setAttribute("fill", grey || "");
      if (seen) paths[k].style.opacity = fills[k] ? "1" : "0";
    }
    restyleSoon(gd, gd.data[0], values);
    // for anyone timing the page (scripts/browserbench.py): the new year is on the map
    window.dispatchEvent(new CustomEvent(DRAWN_EVENT, {detail: {id: graphId}}));
    return true;
  }

  // `painted`: the trace the colours were put on; a figure drawn since (another source, the
  // server's whole map) is left alone
  function restyleSoon(gd, painted, values) {
    if (pending) clearTimeout(pending);
    pending = null;
    window.requestAnimationFrame(function () {
      if (pending) clearTimeout(pending);
      pending = setTimeout(function () {
        pending = null;
        if (!gd.data || gd.data[0] !== painted) return;
        var update = {locations: [values.locations], z: [values.z], text: [values.text],
                      hovertemplate: [values.hovertemplate]};
        if (values.selectedpoints) update.selectedpoints = [values.selectedpoints];
        window.Plotly.restyle(gd, update, [0]);
      }, 0);
    });
  }

  return {paint: paint, colourScale: colourScale};
})();
