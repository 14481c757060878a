// Inside the widget: tell the embedding page how tall the content is, so
// embed.js can size the iframe without a scrollbar. The height is not a
// secret, so any parent may hear it.
(function () {
  "use strict";
  if (window.parent === window) return;
  var slug = document.querySelector("[data-embed-slug]").dataset.embedSlug;
  var last = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "undersigned:height", slug: slug, height: height }, "*");
  }
  if (window.ResizeObserver) new ResizeObserver(report).observe(document.documentElement);
  window.addEventListener("load", report);
  report();
})();
