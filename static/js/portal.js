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

  /* The identifier asks the server as the person types: at once when it has its full length
     (data-complete-length, e.g. 14 digits of a SIRET), after a short pause otherwise (and always for
     the types of no fixed length), so a complete SIRET is looked up on its last digit and partial
     input costs one small answer per pause. */
  var PAUSE_MS = 300;
  var pauses = new WeakMap();

  function typedLength(value) {
    return value.replace(/[\s.\-]/g, "").length;
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[hx-trigger*='identifier-typed']")) { return; }
    clearTimeout(pauses.get(input));
    var full = Number(input.getAttribute("data-complete-length") || 0);  // 0: no fixed length (EU VAT, outside EU)
    var complete = full > 0 && typedLength(input.value) >= full;
    var fire = function () { htmx.trigger(input, "identifier-typed"); };
    if (complete) { fire(); } else { pauses.set(input, setTimeout(fire, PAUSE_MS)); }
  });

  /* While a lookup is in flight: the indicator beside the identifier (htmx-request class, no layout
     shift: it is positioned over the input) and a polite status for screen readers. */
  function busyRegion(event) {
    var selector = event.detail.elt && event.detail.elt.getAttribute("hx-indicator");
    return selector === "#identifier-busy" ? document.getElementById("identifier-busy-text") : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var busy = busyRegion(event);
    if (busy) { busy.textContent = busy.getAttribute("data-busy-text"); }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var busy = busyRegion(event);
    if (busy) { busy.textContent = ""; }
  });

  /* An answer replaces structure fields out of band only when it changes them (a pre-fill, the
     "already declared" notice): the server compares, the page does not. What must not happen is to
     lose what the person typed in a field while the request was in flight: that value wins. */
  var sentByRequest = new WeakMap();  // xhr -> values of the structure fields when it left
  var sentValues = null;  // those of the response being swapped

  function controls(root) {
    var found = Array.prototype.filter.call(root.querySelectorAll("input, select, textarea"), function (c) {
      return c.id;
    });
    return root.matches && root.matches("input, select, textarea") && root.id ? [root].concat(found) : found;
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
    if (!current || !incoming || !sentValues) { return; }
    if (current.id !== "structure-fields" && !current.closest("#structure-fields")) { return; }
    var now = snapshot(current);
    controls(incoming).forEach(function (control) {
      var id = control.id;
      if (id in sentValues && id in now && now[id] !== sentValues[id]) {
        setValue(control, now[id]);  // typed after the request left: the person's value wins
      }
    });
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
