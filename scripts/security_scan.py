"""Attack a production-mode portal the way the audit of issue 9 did, and report what the scanners find.

Run through `bash scripts/scan` (it prepares the scanners' own virtual environment). Steps:

1. an SMTP sink on loopback (aiosmtpd) that keeps every message;
2. a fresh SQLite database holding one activated account (principal manager of one structure), created
   with the portal's own models;
3. gunicorn serving `wsgi:app` with PORTAL_ENV=production, two workers, two-step sign-in mandatory;
4. a real sign-in over HTTP, the e-mailed code read from the sink, so the scanners crawl signed in;
5. wapiti3 (crawl + every default attack module) and sqlmap (on the forms that reach the database);
6. a summary: wapiti's vulnerabilities and anomalies (a 500 counts), sqlmap's injectable parameters.

Exit status 0 when nothing was found, 1 otherwise. Rate limits are raised for the scan (scanners fire
thousands of requests; a 429 would hide the pages behind it), everything else is production.
"""
import argparse
import html
import http.cookiejar
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EMAIL = "scan.manager@portal.test"
# One user agent for the sign-in and the scanners: a session is refused to another browser.
USER_AGENT = "portal-security-scan/1.0"
PASSWORD = "Scan-Portal-" + secrets.token_urlsafe(12)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """An SMTP server on loopback that keeps the messages it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def portal_environment(database_url, smtp_port, base_url):
    env = dict(os.environ)
    env.update({
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "PORTAL_BASE_URL": base_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "TWO_FACTOR": "mandatory",
        "SIRENE_DEMO": "1",
        "REQUEST_LOG": "0",
        "RATELIMIT_STORAGE_URI": "memory://",
    })
    # Scanners send thousands of requests: raise every limit so they see the pages, not 429s.
    for name in ("SIGNUP", "SIGNUP_ACCOUNT", "LOOKUP", "CAPTCHA", "CAPTCHA_AUDIO", "SIGN_IN",
                 "SIGN_IN_ACCOUNT", "RESET", "RESET_ACCOUNT", "RESEND", "RESEND_ACCOUNT"):
        env[f"RATELIMIT_{name}"] = "100000/minute"
    return env


def seed(env):
    """One activated account, principal manager of one structure, made with the portal's models."""
    code = f"""
import os
from datetime import datetime, timezone
from argon2 import PasswordHasher
from webapp import create_app
from webapp.extensions import db
from webapp.models import Account, Membership, Role, Structure
app = create_app()
now = datetime.now(timezone.utc).replace(tzinfo=None)
with app.app_context(), db.connection_context():
    account = Account.create(email={EMAIL!r}, first_name="Scan", last_name="Manager", contact_email={EMAIL!r},
                             terms_accepted_at=now, password_hash=PasswordHasher().hash(os.environ["SCAN_PASSWORD"]),
                             is_active=True, activated_at=now)
    structure = Structure.create(identifier_type="SIRET", identifier="90110001600012", company_name="Scan SARL",
                                 address_line="1 rue du Test", postcode="75001", city="Paris")
    Membership.create(account=account, structure=structure, role=Role.PRINCIPAL_MANAGER)
"""
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "SCAN_PASSWORD": PASSWORD}, check=True)


def wait_until_up(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the portal did not answer on {url}")


def csrf_of(page):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return html.unescape(match.group(1)) if match else ""


def sign_in(base_url, sink):
    """Sign in like a browser (password, then the e-mailed code); return the session cookie header."""
    # Production cookies are Secure; the scan talks plain HTTP on loopback, so keep them anyway.
    policy = http.cookiejar.DefaultCookiePolicy()
    policy.return_ok_secure = lambda cookie, request: True
    jar = http.cookiejar.CookieJar(policy)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]

    def post(path, fields):
        page = opener.open(base_url + path).read().decode()
        data = urllib.parse.urlencode({"csrf_token": csrf_of(page), **fields}).encode()
        return opener.open(base_url + path, data=data)

    already = len(sink.messages)
    post("/connexion", {"email": EMAIL, "password": PASSWORD})
    deadline = time.monotonic() + 30
    while len(sink.messages) == already and time.monotonic() < deadline:
        time.sleep(0.2)
    code = re.search(r"\b(\d{6})\b", sink.messages[-1].split("\n\n", 1)[-1]) if sink.messages[already:] else None
    if code is None:
        raise SystemExit("no sign-in code arrived in the SMTP sink")
    post("/connexion/code", {"code": code.group(1)})
    page = opener.open(base_url + "/mon-compte").read().decode()
    if EMAIL not in page:
        raise SystemExit("signing in for the scan failed")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def run_wapiti(tools, base_url, cookie, out_dir, max_time):
    report = out_dir / "wapiti.json"
    command = [
        str(tools / "wapiti"), "-u", base_url + "/", "--scope", "folder", "-C", cookie, "-A", USER_AGENT,
        # Signing out would end the crawl's session; the other exclusions only delete the scan's own account.
        "-x", base_url + "/deconnexion", "-x", base_url + "/mon-compte/donnees/suppression",
        "-x", base_url + "/structures/*/quitter",
        "-s", base_url + "/mon-compte", "-s", base_url + "/structures/1/demandes",
        "-m", "common,csrf,redirect,crlf,exec,file,sql,timesql,xss,permanentxss,ssrf,methods,http_headers",
        "--max-scan-time", str(max_time), "--max-attack-time", str(max(30, max_time // 8)),
        "--flush-session", "--store-session", str(out_dir / "wapiti-session"),
        "-f", "json", "-o", str(report), "--no-bugreport", "-v", "0", "-dr", "1",
    ]
    subprocess.run(command, check=False, timeout=max_time * 3 + 300)
    if not report.exists():
        raise SystemExit("wapiti wrote no report")
    data = json.loads(report.read_text())
    crawled = [page["request"]["url"] for page in data["infos"].get("crawled_pages") or []]
    signed_in = [path for path in crawled if "/mon-compte" in str(path) or "/structures/" in str(path)]
    print(f"  wapiti crawled {data['infos'].get('crawled_pages_nbr')} pages, {len(signed_in)} behind sign-in")
    findings = [] if signed_in else ["wapiti: the crawl never reached a signed-in page (session lost?)"]
    for section in ("vulnerabilities", "anomalies"):
        for category, items in (data.get(section) or {}).items():
            for item in items:
                findings.append(f"wapiti {section[:-3]}y: {category}: {item.get('method')} {item.get('path')} "
                                f"{item.get('parameter') or ''} {item.get('info', '')[:160]}")
    return findings


SQLMAP_TARGETS = [
    # (path, form fields as sqlmap --data, or None for GET with the query string in the path)
    ("/annuaire?q=Scan", None),
    ("/inscription/identifiant", "identifier_type=SIRET&identifier=90110001600012"),
    ("/structures/rattachement/identifiant", "identifier_type=SIRET&identifier=90110001600012"),
    ("/mot-de-passe-oublie", "email=someone%40portal.test"),
    ("/activation/nouveau-lien", "email=someone%40portal.test"),
]


# The page whose form carries a CSRF token for each POST-only target.
CSRF_PAGES = {
    "/inscription/identifiant": "/structures/rattachement",  # signed in, /inscription sends to "Mon compte"
    "/structures/rattachement/identifiant": "/structures/rattachement",
    "/activation/nouveau-lien": "/connexion",
}


def run_sqlmap(tools, base_url, cookie, out_dir, level):
    findings = []
    for path, data in SQLMAP_TARGETS:
        target_dir = out_dir / ("sqlmap-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-"))
        command = [
            str(tools / "sqlmap"), "-u", base_url + path, "--batch", "--cookie", cookie, "--user-agent", USER_AGENT,
            "--level", str(level), "--risk", "1", "--output-dir", str(target_dir), "--disable-coloring",
            "--flush-session", "--timeout", "10", "--retries", "1",
        ]
        if data:
            # Forms carry a CSRF token: sqlmap fetches a fresh one from the page before each request.
            page = CSRF_PAGES.get(path, path)
            command += ["--data", "csrf_token=&" + data, "--csrf-token", "csrf_token", "--csrf-url", base_url + page]
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)
        (target_dir / "stdout.txt").parent.mkdir(parents=True, exist_ok=True)
        (target_dir / "stdout.txt").write_text(result.stdout)
        injectable = re.findall(r"Parameter: (.+?) \(", result.stdout)
        if injectable or "is vulnerable" in result.stdout:
            findings.append(f"sqlmap: {path}: injectable {', '.join(injectable) or '(see stdout.txt)'}")
        critical = [line for line in re.findall(r"\[CRITICAL\] (.+)", result.stdout)
                    if "do not appear to be injectable" not in line]
        if critical:  # sqlmap gave up: the target was not tested, which is not a pass
            findings.append(f"sqlmap: {path}: not tested: {critical[0]}")
        print(f"  sqlmap {path}: {'INJECTABLE' if injectable else 'nothing injectable'}", flush=True)
    return findings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tools", type=Path, required=True, help="the bin/ folder holding wapiti and sqlmap")
    parser.add_argument("--max-scan-time", type=int, default=600, help="wapiti's time budget, in seconds")
    parser.add_argument("--sqlmap-level", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "scan")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp, Sink() as sink:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        env = portal_environment(f"sqlite:///{tmp}/scan.sqlite3", sink.port, base_url)
        seed(env)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT, env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1",
                           "GUNICORN_THREADS": "4"},
        )
        try:
            wait_until_up(base_url)
            cookie = sign_in(base_url, sink)
            started = datetime.now(timezone.utc)
            print(f"Scanning {base_url} (production mode, signed in) from {started:%H:%M:%S} UTC", flush=True)
            findings = run_wapiti(args.tools, base_url, cookie, args.out, args.max_scan_time)
            findings += run_sqlmap(args.tools, base_url, cookie, args.out, args.sqlmap_level)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"\nReports in {args.out}")
    if findings:
        print(f"{len(findings)} finding(s):")
        print("\n".join("  - " + line for line in findings))
        return 1
    print("No finding: wapiti reported no vulnerability nor anomaly, sqlmap no injectable parameter.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
