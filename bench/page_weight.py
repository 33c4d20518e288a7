"""The sign-up page's first load in Chromium: bytes transferred and request count (targets 80 KB, 6).

    python bench/page_weight.py [--url URL] [--lighthouse]

Without --url it serves the app (demo register, temporary database) on loopback with gunicorn-like
settings (compression on). --lighthouse also runs `npx lighthouse` (CHROME_PATH=/usr/bin/chromium)
and prints its performance and accessibility scores.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def serve():
    from werkzeug.serving import make_server
    from webapp import create_app

    tmp = tempfile.mkdtemp()
    app = create_app({"PORTAL_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                      "SIRENE_DEMO": True, "REQUEST_LOG": False, "RATELIMIT_ENABLED": False,
                      "TEMPLATES_AUTO_RELOAD": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def measure(url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 360, "height": 740})
        sizes = []  # bytes on the wire per request: headers + (compressed) body
        page.on("requestfinished", lambda r: sizes.append(r.sizes()["responseHeadersSize"] + r.sizes()["responseBodySize"]))
        page.goto(url + "/inscription", wait_until="networkidle")
        browser.close()
    return sum(sizes), len(sizes)


def lighthouse(url):
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    command = ["npx", "--yes", "lighthouse", url + "/inscription", "--quiet", "--output=json",
               "--only-categories=performance,accessibility", "--chrome-flags=--headless=new --no-sandbox"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    if result.returncode != 0:
        return f"lighthouse failed: {result.stderr.strip()[-400:]}"
    categories = json.loads(result.stdout)["categories"]
    return {name: round(c["score"] * 100) for name, c in categories.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    parser.add_argument("--lighthouse", action="store_true")
    args = parser.parse_args()
    url = args.url or serve()
    total, count = measure(url)
    print(f"sign-up page first load: {total / 1024:.1f} KB transferred in {count} requests (targets: <= 80 KB, <= 6)")
    if args.lighthouse:
        print("lighthouse:", lighthouse(url))
    return 0 if total <= 80 * 1024 and count <= 6 else 1


if __name__ == "__main__":
    sys.exit(main())
