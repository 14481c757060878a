// undersigned embed: <div data-undersigned="https://SITE/petitions/SLUG"></div>
// (or just the slug) becomes the petition's widget in a sized iframe that
// grows and shrinks with its content. data-lang="ko" (or "en") picks the
// widget's language; without it the widget follows the visitor's browser.
(function () {
  "use strict";
  var script = document.currentScript;
  var home = script ? new URL(script.src).origin : "";
  // The frame's title in each language the site speaks, from its message
  // catalogues: the server fills this in when it serves the script.
  var titles = /*FRAME_TITLES*/{};
  function known(lang) {
    return Object.prototype.hasOwnProperty.call(titles, lang);
  }
  // The language the widget picks from the visitor's browser when the
  // page names none, so that its title is in the same one.
  function browserLanguage() {
    var asked = navigator.languages || [navigator.language || ""];
    for (var i = 0; i < asked.length; i++) {
      var primary = String(asked[i]).split("-")[0].toLowerCase();
      if (known(primary)) return primary;
    }
    return "en";
  }
  function place(div) {
    if (div.dataset.undersignedReady) return;
    var value = div.dataset.undersigned.trim();
    var origin = home, slug = value;
    var match = /^(https?:\/\/[^/]+)\/petitions\/([^/?#]+)/.exec(value);
    if (match) { origin = match[1]; slug = match[2]; }
    if (!/^[a-z0-9-]+$/.test(slug)) return;
    var lang = known(div.dataset.lang) ? div.dataset.lang : "";
    var frame = document.createElement("iframe");
    frame.src = origin + "/petitions/" + slug + "/embed" + (lang ? "?lang=" + lang : "");
    frame.title = titles[lang || browserLanguage()];
    frame.loading = "lazy";
    frame.style.cssText = "border:0;width:100%;max-width:32rem;height:640px;display:block";
    frame.setAttribute("data-undersigned-frame", slug);
    div.dataset.undersignedReady = "1";
    div.appendChild(frame);
    window.addEventListener("message", function (event) {
      var data = event.data;
      if (event.origin !== origin || event.source !== frame.contentWindow) return;
      if (!data || data.type !== "undersigned:height" || typeof data.height !== "number") return;
      frame.style.height = Math.max(200, Math.min(4000, data.height)) + "px";
    });
  }
  function all() {
    document.querySelectorAll("[data-undersigned]").forEach(place);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
})();
