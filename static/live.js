// Keeps every element that shows a petition's count current, without a
// reload. Each element carries data-live-count="{slug}" and shows the plain
// number. A <progress> in the same .progress-box, or one marked
// data-live-progress="{slug}", follows the count towards the goal.
//
// One EventSource per petition, for the first two petitions on a page;
// where EventSource is missing, the count
// API is polled instead. Without JavaScript the page simply shows the
// count it was served with.
(function () {
  "use strict";
  var POLL_MS = 8000;
  var RETRY_MIN_MS = 5000;
  var RETRY_MAX_MS = 300000;

  function each(selector, fn) {
    var found = document.querySelectorAll(selector);
    for (var i = 0; i < found.length; i++) fn(found[i]);
  }

  // To a hundredth of a percent, and never blank once someone has signed.
  function percent(count, goal) {
    if (!(goal > 0) || !(count > 0)) return 0;
    var hundredths = Math.floor((count * 10000) / goal);
    return Math.max(1, Math.min(10000, hundredths)) / 100;
  }

  function setProgress(bar, count, goal) {
    var pct = percent(count, goal);
    bar.value = pct;
    // The stylesheet gives a started bar a visible minimum.
    if (bar.classList) bar.classList.toggle("started", pct > 0);
    // The page's own words, with {percent} to fill in.
    var label = bar.getAttribute("data-label") || "{percent}% of the goal";
    bar.setAttribute("aria-label", label.replace("{percent}", String(pct)));
    bar.textContent = pct + "%";
  }

  function show(slug, count, goal) {
    var text = String(count);
    each("[data-live-count]", function (el) {
      if (el.getAttribute("data-live-count") !== slug) return;
      if (el.textContent !== text) el.textContent = text;
      var box = el.closest ? el.closest(".progress-box") : null;
      var bar = box ? box.querySelector("progress") : null;
      if (bar) setProgress(bar, count, goal);
    });
    each("[data-live-progress]", function (bar) {
      if (bar.getAttribute("data-live-progress") === slug) setProgress(bar, count, goal);
    });
  }

  function handle(slug, json) {
    var data;
    try {
      data = JSON.parse(json);
    } catch (e) {
      return;
    }
    if (typeof data.signature_count === "number") show(slug, data.signature_count, data.goal);
  }

  function poll(slug) {
    var url = "/api/v1/petitions/" + encodeURIComponent(slug) + "/count";
    function tick() {
      var xhr = new XMLHttpRequest();
      xhr.open("GET", url);
      xhr.onload = function () {
        if (xhr.status === 200) handle(slug, xhr.responseText);
        // 404: hidden or gone; nothing more will come.
        if (xhr.status !== 404) setTimeout(tick, POLL_MS);
      };
      xhr.onerror = function () {
        setTimeout(tick, POLL_MS);
      };
      xhr.send();
    }
    setTimeout(tick, POLL_MS);
  }

  // Browsers open at most 6 connections to one host over HTTP/1.1, and
  // every stream holds one: a page listing many petitions would leave
  // none for the next navigation. So a page streams at most this many;
  // the other counts stay as the page was served.
  var MAX_STREAMS = 2;
  var sources = [];

  function listen(slug) {
    var url = "/petitions/" + encodeURIComponent(slug) + "/live";
    var wait = RETRY_MIN_MS;
    function open() {
      var source = new EventSource(url);
      sources.push(source);
      source.addEventListener("count", function (event) {
        wait = RETRY_MIN_MS;
        handle(slug, event.data);
      });
      source.onerror = function () {
        // The browser reconnects by itself after a dropped connection, but
        // gives up for good after an error status: try again later.
        if (source.readyState === EventSource.CLOSED) {
          setTimeout(open, wait);
          wait = Math.min(wait * 2, RETRY_MAX_MS);
        }
      };
    }
    open();
  }

  // Leaving the page frees its connections at once, before the next
  // page's request needs one.
  window.addEventListener("pagehide", function () {
    sources.forEach(function (source) { source.close(); });
  });

  var seen = {};
  var live = 0;
  each("[data-live-count]", function (el) {
    var slug = el.getAttribute("data-live-count");
    if (!slug || seen[slug] || live >= MAX_STREAMS) return;
    seen[slug] = true;
    live += 1;
    if (window.EventSource) listen(slug);
    else poll(slug);
  });
})();
