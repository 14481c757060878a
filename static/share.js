// Share panels, enhanced: the browser's own share sheet where it has one
// (phones), and a button that copies the link. Without script the links
// and the selectable address still work.
(function () {
  "use strict";
  document.querySelectorAll("[data-share-url]").forEach(function (button) {
    if (!navigator.share) return;
    button.closest(".share-native").hidden = false;
    button.addEventListener("click", function () {
      navigator.share({ title: button.dataset.shareTitle, url: button.dataset.shareUrl })
        .catch(function () { /* dismissed */ });
    });
  });
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.dataset.copy);
    var status = button.closest(".copy-link").querySelector("[data-copy-status]");
    var manual = function () {
      input.select();
      status.textContent = button.dataset.copyFailed;
    };
    button.hidden = false;
    button.addEventListener("click", function () {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(input.value).then(function () {
          status.textContent = button.dataset.copied;
        }, manual);
      } else {
        manual();
      }
    });
  });
})();
