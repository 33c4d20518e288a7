"""Complete sign-ups under load against gunicorn on loopback, bounded in time, then a check of what
was stored.

    python bench/load_signup.py [--seconds 60] [--users 8] [--workers 2] [--database-url URL]

Each virtual user loops over a whole sign-up like a browser with JavaScript: the page (GET
/inscription, which issues a captcha), the type fragment, the identifier fragment (register lookup),
then the submit (captcha in test mode, CSRF off through bench/app.py). All users sign up to the demo
SIRET. A submit holds the form and, once its answer has been sent, writes the summary and the link
(opening the link creates the account: its race is tests/test_races.py's).
Prints sign-ups/s, p50/p99 ms per endpoint and the 5xx count; then checks the database: every
completed sign-up held once with its summary e-mail in the outbox.
Default database: a fresh SQLite file (WAL); pass a PostgreSQL URL to measure that engine.
"""
import argparse
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fragments_load import DEMO_SIRET, ROOT, free_port, start_gunicorn  # noqa: E402

CAPTCHA = re.compile(r'name="captcha_id" value="([^"]+)"')
HX = {"HX-Request": "true"}


def signup_form(email, captcha_id):
    return {
        "login_email": email, "login_email_confirm": email, "first_name": "Load", "last_name": "Test",
        "phone": "01 23 45 67 89", "accept_terms": "y", "identifier_type": "SIRET", "identifier": DEMO_SIRET,
        "structure_type": "company", "company_name": "ATELIERS DU LAMPADAIRE BLEU",
        "address_line": "12 BIS AVENUE DES LILAS", "postcode": "75012", "city": "PARIS", "country": "FR",
        "features_shown": "1", "feature_payment_requests": "y", "captcha_id": captcha_id,
        "captcha_answer": "PASSED", "action": "create",
    }


def user(base, deadline, index, stats, lock):
    session = requests.Session()
    n = 0
    while time.monotonic() < deadline:
        n += 1
        email = f"load{index}-{n}@example.fr"
        steps = [
            ("GET /inscription", lambda: session.get(base + "/inscription")),
            ("POST /inscription/type", lambda: session.post(base + "/inscription/type", headers=HX,
                                                            data={"identifier_type": "SIRET"})),
            ("POST /inscription/identifiant", lambda: session.post(
                base + "/inscription/identifiant", headers=HX, data={"identifier_type": "SIRET", "identifier": DEMO_SIRET})),
        ]
        captcha_id, ok = None, True
        for label, call in steps:
            started = time.perf_counter()
            response = call()
            record(stats, lock, label, time.perf_counter() - started, response.status_code)
            ok = ok and response.status_code < 400
            if label == "GET /inscription" and CAPTCHA.search(response.text):
                captcha_id = CAPTCHA.search(response.text).group(1)
        if not (ok and captcha_id):
            continue
        started = time.perf_counter()
        response = session.post(base + "/inscription", data=signup_form(email, captcha_id), allow_redirects=False)
        record(stats, lock, "POST /inscription (submit)", time.perf_counter() - started, response.status_code)
        if response.status_code == 303:
            with lock:
                stats["completed"].append(email)


def record(stats, lock, label, seconds, status):
    with lock:
        stats[label].append(seconds * 1000)
        if status >= 500:
            stats["5xx"].append(label)


def check_database(url, emails):
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT))
    from webapp import create_app
    from webapp.extensions import db
    from webapp.models import OutboxMessage
    from webapp.signup.models import HeldSignup

    app = create_app({"PORTAL_ENV": "development", "DATABASE_URL": url, "SIRENE_DEMO": False,
                      "RATELIMIT_ENABLED": False})
    with app.app_context(), db.connection_context():
        stored = [h.email for h in HeldSignup.select(HeldSignup.email).where(HeldSignup.email.startswith("load"))]
        summaries = OutboxMessage.select().where(
            (OutboxMessage.kind == "signup_summary") & OutboxMessage.recipient.startswith("load")).count()
    problems = []
    if sorted(stored) != sorted(emails):
        problems.append(f"sign-ups held {len(stored)} != completed sign-ups {len(emails)}")
    if summaries != len(emails):
        problems.append(f"summary e-mails {summaries} != completed sign-ups {len(emails)}")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="load-signup-")
    url = args.database_url or f"sqlite:///{work}/portal.sqlite3"
    env = dict(os.environ, BENCH_DATABASE_URL=url)
    port = free_port()
    server = start_gunicorn("app:create_bench_app()", port, args.workers, env)
    stats, lock = defaultdict(list), threading.Lock()
    try:
        requests.get(f"http://127.0.0.1:{port}/inscription")  # the demo register is loaded
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [threading.Thread(target=user, args=(f"http://127.0.0.1:{port}", deadline, i, stats, lock))
                   for i in range(args.users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    completed = stats.pop("completed", [])
    errors = stats.pop("5xx", [])
    print(f"\n{args.users} users, gunicorn {args.workers} sync workers, {url.split(':')[0]}, {elapsed:.1f} s, "
          f"load avg {os.getloadavg()[0]:.1f}\n")
    print(f"sign-ups completed: {len(completed)} ({len(completed) / elapsed:.1f}/s); 5xx: {len(errors)}\n")
    print("| endpoint | requests | p50 ms | p99 ms |\n|---|---:|---:|---:|")
    for label, times in stats.items():
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(f"| {label} | {len(times)} | {statistics.median(times):.1f} | {p99:.1f} |")
    problems = check_database(url, completed)
    print("\ndatabase check: " + ("every completed sign-up held once with its summary e-mail" if not problems
                                  else "; ".join(problems)))
    if errors or problems or not completed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
