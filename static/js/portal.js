/* The little JavaScript the portal has. Everything works without it; nothing here is inline (CSP). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function requireCaptcha(root) {
    root.querySelectorAll("[data-requires-captcha]").forEach(function (button) {
      button.disabled = true;
      button.setAttribute("aria-describedby", "captcha-required-hint");
    });
  }

  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    requireCaptcha(document);
    focusErrorSummary();
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    requireCaptcha(event.detail.elt);
    // A swap must never leave focus on a removed element: put it back in the swapped region.
    if (!document.activeElement || document.activeElement === document.body) {
      var target = event.detail.target;
      var focusable = target && target.querySelector("[data-focus-after-swap], input:not([type=hidden]), select, button");
      if (focusable) { focusable.focus(); }
    }
  });
})();
