/* The little JavaScript the portal has. Everything works without it; nothing here is inline (CSP). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var FOCUSABLE = "[data-focus-after-swap], a[href], input:not([type=hidden]):not([disabled]), " +
    "select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [tabindex]:not([tabindex='-1'])";

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

  function isVisible(element) {
    return !!(element.offsetWidth || element.offsetHeight || element.getClientRects().length);
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !document.documentElement.contains(active);
  }

  /* After a swap removed the focused element: the first focusable control in the new region, else
     the next one after it in the page (a validated captcha leaves only "Create my account"). */
  function refocus(region) {
    var inside = Array.prototype.filter.call(region.querySelectorAll(FOCUSABLE), isVisible)[0];
    if (inside) { inside.focus(); return; }
    var all = Array.prototype.filter.call(document.querySelectorAll(FOCUSABLE), isVisible);
    for (var i = 0; i < all.length; i++) {
      if (region.compareDocumentPosition(all[i]) & Node.DOCUMENT_POSITION_FOLLOWING &&
          !region.contains(all[i])) {
        all[i].focus();
        return;
      }
    }
  }

  /* CSRF: the token rides only on this site's own state-changing htmx requests. It is read from a
     <meta> rather than inherited from an hx-headers attribute on <body>, so it never goes to another
     origin (htmx's selfRequestsOnly is also set in the htmx-config meta). Forms carry it as a field
     too, for the requests made without JavaScript. */
  function sameOrigin(path) {
    try {
      return new URL(path, window.location.href).origin === window.location.origin;
    } catch (error) {
      return false;
    }
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    var verb = String(event.detail.verb || "").toLowerCase();
    if (meta && verb !== "get" && sameOrigin(event.detail.path)) {
      event.detail.headers["X-CSRFToken"] = meta.getAttribute("content");
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    requireCaptcha(document);
    focusErrorSummary();
  });

  /* Fields revealed by a swap are replaced out of band by each identifier check. Two things must not
     happen to someone typing in them: losing what they typed while the request was in flight, and
     having the field they are in rebuilt (focus and caret jump) when nothing changed. */
  var sentByRequest = new WeakMap();  // xhr -> values of the revealed fields when it left
  var sentValues = null;  // those of the response being swapped

  function controls(root) {
    return Array.prototype.filter.call(root.querySelectorAll("input, select, textarea"), function (c) {
      return c.id;
    });
  }

  function valueOf(control) {
    return control.type === "checkbox" || control.type === "radio" ? String(control.checked) : control.value;
  }

  function setValue(control, value) {
    if (control.type === "checkbox" || control.type === "radio") {
      control.checked = value === "true";
      control.toggleAttribute("checked", control.checked);
    } else if (control.tagName === "SELECT") {
      Array.prototype.forEach.call(control.options, function (option) {
        option.selected = option.value === value;
        option.toggleAttribute("selected", option.selected);
      });
    } else {
      control.value = value;
      control.setAttribute("value", value);
    }
  }

  function snapshot(root) {
    var values = {};
    controls(root).forEach(function (c) { values[c.id] = valueOf(c); });
    return values;
  }

  // Fired just before the request is sent, after its values were read: the snapshot is what it carries.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var fields = document.getElementById("structure-fields");
    if (fields && event.detail.xhr) { sentByRequest.set(event.detail.xhr, snapshot(fields)); }
  });

  // Out-of-band swaps of a response happen right after its htmx:beforeSwap.
  document.addEventListener("htmx:beforeSwap", function (event) {
    sentValues = (event.detail.xhr && sentByRequest.get(event.detail.xhr)) || null;
  });

  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var current = event.detail.target;
    var incoming = event.detail.fragment && event.detail.fragment.firstElementChild;
    if (!current || !incoming || current.id !== "structure-fields" || incoming.id !== current.id) { return; }
    var now = snapshot(current);
    var newControls = controls(incoming);
    newControls.forEach(function (control) {
      var id = control.id;
      if (sentValues && id in sentValues && id in now && now[id] !== sentValues[id]) {
        setValue(control, now[id]);  // typed after the request left: the user's value wins
      }
    });
    var oldControls = controls(current);
    var same = oldControls.length === newControls.length &&
      current.textContent.replace(/\s+/g, " ") === incoming.textContent.replace(/\s+/g, " ") &&
      newControls.every(function (control, i) {
        var old = oldControls[i];
        return old.id === control.id && old.name === control.name && old.type === control.type &&
          now[old.id] === valueOf(control);
      });
    if (same) { event.detail.shouldSwap = false; }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    requireCaptcha(event.detail.elt);
    // A swap must never leave focus on a removed element: put it back in (or just after) the region.
    if (focusLost()) {
      var target = event.detail.target;
      var region = target && (document.documentElement.contains(target) ? target :
        (target.id && document.getElementById(target.id)));
      if (region) { refocus(region); }
    }
  });
})();
