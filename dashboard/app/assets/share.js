/* Share and embed (dashboard/app/embed.py): fills a chart card's Share or Embed field with the
 * page's current address when it is opened, copies it, keeps one panel open at a time; scrolls a
 * shared link's #card into view once Dash has drawn it (the static copy carries no ids); and
 * draws the embed view's chart. No Dash callback: the address is the browser's to know.
 */
(function () {
  "use strict";

  var EMBED = "embed";
  var ANCHOR = "-card";  // a chart card's id is its prefix + this (components.chart_card)

  function address(card, embed) {
    var url = new URL(window.location.href);
    url.hash = "";
    url.searchParams.delete(EMBED);
    if (embed) url.searchParams.set(EMBED, card);
    else url.hash = card + ANCHOR;
    return url.toString();
  }

  function attr(text) {
    return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  // The iframe's accessible name: the card's heading, after the page's where the card's leaves it
  // out ("United Kingdom: Defence spending as a share of GDP, by source").
  function frameTitle(card) {
    var heading = document.getElementById(card + "-title");
    var title = heading ? heading.textContent.trim() : "Chart";
    var page = document.querySelector("#_pages_content h1");
    var name = page ? page.textContent.trim() : "";
    return name && name.length <= 40 && title.indexOf(name) < 0 ? name + ": " + title : title;
  }

  function fill(details) {
    var card = details.getAttribute("data-card");
    var field = details.querySelector("textarea");
    if (details.getAttribute("data-share") !== "embed") {
      field.value = address(card, false);
      return;
    }
    var src = address(card, true);
    field.value = '<iframe src="' + attr(src) + '" title="' + attr(frameTitle(card)) + '" width="100%" height="' +
      (details.getAttribute("data-height") || "600") + '" style="border:0" loading="lazy"></iframe>';
    var preview = details.querySelector("a[data-preview]");
    if (preview) preview.href = src;
  }

  function openPanels() {
    return document.querySelectorAll("details[data-share][open]");
  }

  function copy(button) {
    var details = button.closest("details");
    fill(details);  // the page's choices may have changed since the panel opened
    var field = details.querySelector("textarea");
    var status = details.querySelector("[role=status]");
    field.focus();
    field.select();
    function said(ok) {
      status.textContent = ok ? "Copied" : "Selected: press Ctrl+C (⌘C) to copy";
      window.setTimeout(function () { status.textContent = ""; }, 4000);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(function () { said(true); }, function () { said(false); });
    } else {
      said(document.execCommand && document.execCommand("copy"));
    }
  }

  // toggle does not bubble: listen in the capture phase
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches("details[data-share]") || !details.open) return;
    openPanels().forEach(function (other) { if (other !== details) other.open = false; });
    fill(details);
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
    if (button) {
      copy(button);
      return;
    }
    openPanels().forEach(function (details) { if (!details.contains(event.target)) details.open = false; });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openPanels().forEach(function (details) {
      var hadFocus = details.contains(document.activeElement);
      details.open = false;
      if (hadFocus) details.querySelector("summary").focus();
    });
  });

  function scrollToCard() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id || document.getElementById(id)) return;  // none, or the browser has scrolled to it
    var observer = new MutationObserver(function () {
      var target = document.getElementById(id);
      if (!target) return;
      observer.disconnect();
      target.scrollIntoView();
    });
    observer.observe(document.body, {childList: true, subtree: true});
    window.setTimeout(function () { observer.disconnect(); }, 15000);
  }

  function drawEmbed() {
    var spec = document.getElementById("embed-figure");
    if (!spec || !window.Plotly) return;
    var parsed = JSON.parse(spec.textContent);
    window.Plotly.newPlot("embed-chart", parsed.figure.data, parsed.figure.layout, parsed.config);
  }

  function start() {
    drawEmbed();
    scrollToCard();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
