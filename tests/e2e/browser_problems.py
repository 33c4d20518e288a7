"""What a person's browser would complain about, collected from every page of a test: console errors,
uncaught page errors, failed requests, resources that did not load, and Content-Security-Policy
violations. tests/e2e/conftest.py fails any test that leaves one it did not `expect`."""
import re

# Recorded before any script of the page runs (an init script is not subject to the page's CSP).
# Each violation goes into window.__cspViolations (a test may read it) and to Python at once, through
# the binding, so one followed by a navigation is not lost.
CSP_RECORDER = """
(() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    const target = event.target && event.target.nodeType === 1 ? event.target : null;
    const violation = {
      directive: event.effectiveDirective || event.violatedDirective,
      blocked: event.blockedURI,
      sample: event.sample,
      source: event.sourceFile + ":" + event.lineNumber + ":" + event.columnNumber,
      element: target ? target.tagName.toLowerCase() + (target.id ? "#" + target.id : "") : "",
      page: location.href,
    };
    window.__cspViolations.push(violation);
    if (window.__reportCspViolation) { window.__reportCspViolation(violation); }
  }, true);
})();
"""


class BrowserProblems:
    """Watch a page (`watch(page)`, as the page fixtures do): every page of its browser context is
    watched from then on, those it opens later and popups included."""

    def __init__(self):
        self.items = []
        self.expected = []
        self._pages = []
        self._contexts = []

    def watch(self, page):
        if page in self._pages:
            return page
        context = page.context
        if context not in self._contexts:
            self._contexts.append(context)
            # The context's init script runs in its pages' next documents, this page's first one included.
            context.expose_binding("__reportCspViolation", self._csp_violation)
            context.add_init_script(CSP_RECORDER)
            context.on("page", self.watch)
        self._pages.append(page)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.items.append(f"pageerror: {error}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)
        return page

    def expect(self, pattern):
        """A problem the test provokes on purpose: items matching this regular expression are not errors."""
        self.expected.append(re.compile(pattern))

    def _csp_violation(self, source, violation):
        self.items.append(
            "CSP violation: {directive} blocked {blocked!r} on {element} ({sample!r}) at {source} [{page}]".format(
                **violation
            )
        )

    def _console(self, message):
        # Chromium logs every answer of status 400 or more as an error, those the portal means too (a
        # form with errors is a 422, a rate-limited request a 429): a resource a page needs and does
        # not get is reported by _response instead.
        if message.text.startswith("Failed to load resource: the server responded with a status of"):
            return
        if message.type in ("error", "warning"):
            where = message.location.get("url", "") if message.location else ""
            self.items.append(f"console {message.type}: {message.text} [{where}]")

    def _request_failed(self, request):
        # An htmx request replaced by a newer one (hx-sync replace) is aborted on purpose.
        if request.failure and "ERR_ABORTED" in request.failure:
            return
        self.items.append(f"request failed: {request.method} {request.url} {request.failure}")

    def _response(self, response):
        """A server error, or a stylesheet, script, image, font or sound the page asked for and did not get."""
        subresource = response.request.resource_type not in ("document", "xhr", "fetch")
        if response.status >= 500 or (subresource and response.status >= 400):
            self.items.append(f"response {response.status}: {response.request.method} {response.url}")

    def settle(self):
        """Let events already queued in the open pages (a violation is reported in a task of its own)
        reach Python. Playwright's own wait: page timers do not run with JavaScript off."""
        open_pages = [page for page in self._pages if not page.is_closed()]
        if open_pages:
            open_pages[0].wait_for_timeout(100)

    def errors(self):
        return [
            item for item in self.items
            if not item.startswith("console warning") and not any(p.search(item) for p in self.expected)
        ]
