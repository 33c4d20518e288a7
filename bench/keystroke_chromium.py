"""What a person typing a SIRET feels, in Debian's Chromium (headless, through Playwright), against the
portal on gunicorn; with a bare round trip from the same page as the same-run baseline.

    python bench/keystroke_chromium.py [--runs 15] [--delay 60] [--slow-runs 1] [--pause 700] [--workers 2]

The portal runs as in fragments_load.py (bench/app.py: development mode, demo register, a fresh SQLite
file in a temp dir), on gunicorn with `--workers` sync workers, CSRF on (the page carries its token).
Each run loads the sign-up page afresh, chooses the identifier type SIRET, waits for the identifier
field and the network to settle (a person takes longer than that to start typing), then types the demo
SIRET at `--delay` ms a key, keydown to keydown (page.keyboard.press). The page records, with performance.now(), every
keydown and the moment the company name field holds the register's name (a MutationObserver and a
requestAnimationFrame poll; the earlier wins). Figures:

- last key to pre-fill: from the last keydown to the company name in its field, median and p90 over
  `--runs` (after `--warmup` runs not counted). It is split with the Resource Timing entry of the
  request that brought the name: last key -> request leaves (debounce), request in flight (network +
  server), answer received -> name in the field (parse, swap, settle).
- bytes per answer: every POST answer of the sign-up fragments during the runs, by URL and by whether
  the identifier it carried was complete (14 digits) or not; decoded bytes (response.body()) and bytes
  on the wire (gzip, response body size). At `--delay` ms a key a debounced field may send nothing
  before the last key, so `--slow-runs` more runs type one key every `--pause` ms, each key's answer
  arriving before the next key: what one keystroke brings back while the SIRET is incomplete.
- baseline: fetch() of GET /bench/bare from the same page (the portal app, all its hooks, two bytes of
  answer), `--bare` times per run; the ratio pre-fill / bare round trip compares machines.

Needs Chromium at /usr/bin/chromium (or $CHROMIUM): apt-get install chromium. Playwright's own browser
download is never used.
"""
import argparse
import os
import re
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from common import machine, median, percentile, print_table
from fragments_load import DEMO_SIRET, free_port, start_gunicorn

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
FRAGMENTS = re.compile(r"^/inscription/(identifiant|type)$")
TYPE_SELECT = 'select[name="identifier_type"]'
IDENTIFIER = 'input[name="identifier"]'

# Installed in the page once the identifier field is there; reads the name field by its name only.
RECORDER = """expected => {
  const bench = window.__bench = {keys: [], filled: null};
  const nameIs = () => {
    const field = document.querySelector('[name="company_name"]');
    return Boolean(field && field.value === expected);
  };
  const seen = () => {
    if (bench.filled === null && bench.keys.length && nameIs()) { bench.filled = performance.now(); }
  };
  window.addEventListener("keydown", () => { bench.keys.push(performance.now()); }, true);
  new MutationObserver(seen).observe(document.documentElement,
    {subtree: true, childList: true, attributes: true, characterData: true});
  const poll = () => { seen(); if (bench.filled === null) { requestAnimationFrame(poll); } };
  requestAnimationFrame(poll);
}"""

# The Resource Timing entry of the identifier request whose answer arrived last before the pre-fill.
TIMING = """() => {
  const bench = window.__bench;
  const entries = performance.getEntriesByType("resource").filter(
    e => new URL(e.name).pathname === "/inscription/identifiant" && e.responseEnd <= bench.filled + 0.5);
  const entry = entries[entries.length - 1];
  return {keys: bench.keys, filled: bench.filled,
          start: entry ? entry.startTime : null, end: entry ? entry.responseEnd : null};
}"""

BARE = """async n => {
  const times = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const response = await fetch("/bench/bare", {cache: "no-store"});
    await response.text();
    times.push(performance.now() - started);
  }
  return times;
}"""


def require_chromium():
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        raise SystemExit(f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
                         "(apt-get install chromium) or point $CHROMIUM at a Chromium binary")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("Playwright is not installed: pip install -r requirements-dev.txt") from None
    return sync_playwright


def register_name(siret):
    """The company name the register holds for `siret` (what the pre-fill must show); also creates the
    database, its tables and the demo register."""
    from app import create_bench_app
    from webapp.extensions import db
    from webapp.register import get_register

    app = create_bench_app()
    with app.app_context(), db.connection_context():
        record = get_register().lookup_siret(siret)
    if record is None or not record.name:
        raise SystemExit(f"the demo register has no company name for {siret}")
    return record.name


class Answers:
    """Every answer of the sign-up fragments (POST /inscription/identifiant and /inscription/type)."""

    def __init__(self):
        self.pending = []
        self.rows = []  # (path, complete identifier?, decoded bytes, bytes on the wire, phase)
        self.aborted = 0

    def listen(self, page):
        page.on("response", self._response)
        page.on("requestfailed", self._failed)

    def _response(self, response):
        path = urlsplit(response.url).path
        if response.request.method == "POST" and FRAGMENTS.match(path):
            self.pending.append(response)

    def _failed(self, request):
        if request.method == "POST" and FRAGMENTS.match(urlsplit(request.url).path):
            self.aborted += 1  # hx-sync "replace": a newer keystroke cancelled it

    def collect(self, phase):
        """Read the bodies of this page's answers (before it is left: Chromium drops them then)."""
        for response in self.pending:
            if response.status != 200:
                raise SystemExit(f"{response.request.method} {response.url}: HTTP {response.status}")
            form = parse_qs(response.request.post_data or "")
            identifier = "".join((form.get("identifier") or [""])[0].split())
            path = urlsplit(response.url).path
            try:
                decoded = len(response.body())
            except Exception:  # the answer was cancelled while it arrived
                self.aborted += 1
                continue
            wire = response.request.sizes()["responseBodySize"]
            self.rows.append((path, len(identifier) == 14, decoded, wire, phase))
        self.pending = []


def open_form(page, base):
    """The sign-up page with the type SIRET chosen and the identifier field ready."""
    page.goto(base + "/inscription")
    page.select_option(TYPE_SELECT, "SIRET")
    page.wait_for_selector(IDENTIFIER, state="visible")
    page.wait_for_load_state("networkidle")
    page.focus(IDENTIFIER)


def type_at(page, text, delay):
    """One key every `delay` ms, keydown to keydown (page.keyboard.type's delay is how long a key is
    held down, to which each press's own round trip to the browser adds)."""
    next_key = time.perf_counter()
    for key in text:
        wait = next_key - time.perf_counter()
        if wait > 0:
            page.wait_for_timeout(wait * 1000)
        page.keyboard.press(key)
        next_key += delay / 1000


def typing_run(page, base, siret, name, delay):
    open_form(page, base)
    page.evaluate(RECORDER, name)
    type_at(page, siret, delay)
    try:
        page.wait_for_function("() => window.__bench.filled !== null", timeout=15_000)
    except Exception:
        shown = page.evaluate("() => (document.querySelector('[name=\"company_name\"]') || {}).value")
        raise SystemExit(f"the company name field never showed {name!r} (it holds {shown!r})") from None
    timing = page.evaluate(TIMING)
    last_key = timing["keys"][-1]
    if len(timing["keys"]) != len(siret):
        raise SystemExit(f"{len(timing['keys'])} keydowns recorded for {len(siret)} keys typed")
    total = timing["filled"] - last_key
    intervals = [b - a for a, b in zip(timing["keys"], timing["keys"][1:])]
    if timing["start"] is None:
        return (total, None, None, None), intervals
    return (total, timing["start"] - last_key, timing["end"] - timing["start"],
            timing["filled"] - timing["end"]), intervals


def slow_run(page, base, siret, pause):
    """One key every `pause` ms, so that each keystroke's answer is back before the next key."""
    open_form(page, base)
    for key in siret:
        page.keyboard.type(key)
        page.wait_for_timeout(pause)
    page.wait_for_load_state("networkidle")


def ms(value):
    return "n/a" if value is None else f"{value:.0f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--delay", type=int, default=60, help="ms between two keys")
    parser.add_argument("--slow-runs", type=int, default=1)
    parser.add_argument("--pause", type=int, default=700, help="ms between two keys in the slow runs")
    parser.add_argument("--bare", type=int, default=5, help="bare round trips per run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--siret", default=DEMO_SIRET)
    args = parser.parse_args()
    sync_playwright = require_chromium()

    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, BENCH_DATABASE_URL=f"sqlite:///{scratch}/portal.sqlite3",
                   PORTAL_INSTANCE_DIR=scratch, BENCH_CSRF="1")
        os.environ.update(env)
        name = register_name(args.siret)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_gunicorn("app:create_bench_app()", port, args.workers, env)
        answers, prefill, bare, loads, intervals = Answers(), [], [], [], []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(locale="fr-FR")
                context.set_default_timeout(15_000)
                page = context.new_page()
                answers.listen(page)
                for run in range(args.warmup + args.runs):
                    measured, between_keys = typing_run(page, base, args.siret, name, args.delay)
                    times = page.evaluate(BARE, args.bare)
                    answers.collect("typing" if run >= args.warmup else "warm-up")
                    if run >= args.warmup:
                        prefill.append(measured)
                        bare.extend(times)
                        intervals.extend(between_keys)
                        loads.append(os.getloadavg()[0])
                for _ in range(args.slow_runs):
                    slow_run(page, base, args.siret, args.pause)
                    answers.collect("slow")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)

    print(f"machine: {machine()}\nChromium {CHROMIUM} headless, gunicorn {args.workers} sync workers, SQLite, "
          f"demo SIRET {args.siret} ({name}); {args.runs} runs after {args.warmup} warm-up, "
          f"{args.delay} ms a key (keydown to keydown: median {median(intervals):.0f} ms); "
          f"load average {min(loads):.1f}-{max(loads):.1f}")
    totals = [p[0] for p in prefill]
    bare_median = median(bare)
    parts = [[p[i] for p in prefill if p[i] is not None] for i in (1, 2, 3)]
    rows = [["last key -> company name in its field", ms(median(totals)), ms(percentile(totals, 0.9)),
             f"{median(totals) / bare_median:.1f}"]]
    for label, values in zip(["  of which: last key -> request leaves", "  of which: request in flight",
                              "  of which: answer -> name in the field"], parts):
        rows.append([label, ms(median(values)) if values else "n/a",
                     ms(percentile(values, 0.9)) if values else "n/a", ""])
    rows.append(["baseline: fetch GET /bench/bare (same page)", f"{bare_median:.1f}",
                 f"{percentile(bare, 0.9):.1f}", "1.0"])
    print_table(f"From the last key of the SIRET to the company name (goal <= 150 ms), n = {len(totals)}",
                ["what", "median ms", "p90 ms", "ratio to bare round trip"], rows)

    typing = [r for r in answers.rows if r[4] == "typing"]
    per_run = len([r for r in typing if r[0].endswith("identifiant")]) / max(1, args.runs)
    byte_rows = []
    for path, complete, label in [("/inscription/identifiant", False, "identifier, SIRET incomplete"),
                                  ("/inscription/identifiant", True, "identifier, SIRET complete"),
                                  ("/inscription/type", False, "identifier type chosen")]:
        for phase in ("typing", "slow"):
            chosen = [r for r in answers.rows if r[0] == path and r[4] == phase and (r[1] == complete or path.endswith("type"))]
            if chosen:
                byte_rows.append([f"{label} ({'slow' if phase == 'slow' else f'{args.delay} ms a key'})",
                                  len(chosen), f"{median([r[2] for r in chosen]):,.0f}",
                                  f"{median([r[3] for r in chosen]):,.0f}"])
    print_table(f"Bytes per answer (goal <= 1 KB decoded while the SIRET is incomplete); typing at {args.delay} ms "
                f"a key sends {per_run:.1f} identifier request(s) per SIRET, {answers.aborted} cancelled in all",
                ["answer", "answers", "median decoded bytes", "median bytes on the wire"], byte_rows)


if __name__ == "__main__":
    main()
