"""axe-core (bundled by axe-playwright-python) run inside the page: every violation fails the test.

The engine is injected through the DevTools protocol, so the Content-Security-Policy (no inline
script) does not block it, and it works with JavaScript off as well.
"""
from axe_playwright_python.sync_playwright import Axe

_axe = Axe()
# WCAG 2.0/2.1/2.2 A and AA (what RGAA requires) plus axe's best practices.
OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
}


def violations(page, context=None):
    """A readable list of axe violations on the page as it is now (empty when it passes)."""
    results = _axe.run(page, context=context, options=OPTIONS)
    found = []
    for violation in results.response.get("violations", []):
        targets = [", ".join(map(str, node["target"])) for node in violation["nodes"]][:5]
        found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return found


def assert_accessible(page, where=""):
    found = violations(page)
    assert not found, f"axe violations on {where or page.url}:\n  " + "\n  ".join(found)
