"""The sign-up page's htmx fragments under load on gunicorn, vs a bare Flask endpoint served with
the same gunicorn settings in the same run.

    python bench/fragments_load.py [--seconds 5] [--connections 8] [--workers 2] [--client auto|wrk|python]

Fragments: POST /inscription/type (identifier-type choice), POST /inscription/identifiant with an
incomplete SIRET (its first 9 digits, what most keystrokes send) and with a complete demo SIRET (register
lookup and pre-fill), POST /activation/<token>/regles (password checklist). Each is reported with its
ratio to the bare endpoint and the decoded size of its answer (no Accept-Encoding is sent, neither by
this check nor by the load generators). Load comes from `wrk` when installed (apt-get install wrk), else
from Python threads (which share the CPU with the server: the figures are then lower, the ratios still
comparable). Target: each fragment >= 0.5 x bare.
"""
import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from common import ROOT, machine, median, percentile, print_table

HX = {"HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded"}
DEMO_SIRET = "90110001600012"  # ATELIERS DU LAMPADAIRE BLEU in the demo register (webapp/register/demo/)
INCOMPLETE_SIRET = DEMO_SIRET[:9]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(target, port, workers, env, log_path=None):
    """gunicorn serving `target` on 127.0.0.1:port. Its stderr (the app's JSON request log, one line a
    request, and any traceback) goes to log_path, by default a file in the temp directory named after
    the port: the log is still written, as in production, without flooding the benchmark's output."""
    command = [sys.executable, "-m", "gunicorn", "--pythonpath", str(ROOT / "bench"), "-w", str(workers),
               "-b", f"127.0.0.1:{port}", "--log-level", "warning", target]
    log_path = log_path or os.path.join(tempfile.gettempdir(), f"bench-gunicorn-{port}.log")
    with open(log_path, "wb") as log:
        # gunicorn.conf.py (read from ROOT) judges the environment: the bench apps are development ones.
        process = subprocess.Popen(command, env=dict(env, PORTAL_ENV="development"), cwd=ROOT, stderr=log)
    process.log_path = log_path
    for _ in range(200):
        if process.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    with open(log_path, errors="replace") as log:
        tail = log.read()[-3000:]
    raise SystemExit(f"gunicorn {target} did not start; the end of {log_path}:\n{tail}")


def check(url, body):
    """The answer's size in bytes (decoded: no Accept-Encoding is sent); a whole page is an error."""
    request = urllib.request.Request(url, data=body.encode(), headers=HX, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.headers.get("Content-Encoding"):
            raise SystemExit(f"{url} answered {response.headers['Content-Encoding']} without being asked")
        data = response.read()
    if b"<html" in data:
        raise SystemExit(f"{url} answered a whole page, not a fragment")
    return len(data)


def load_wrk(url, body, seconds, connections):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'wrk.method = "POST"\nwrk.body = "{body}"\n')
        for name, value in HX.items():
            script.write(f'wrk.headers["{name}"] = "{value}"\n')
    output = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency",
                             "-s", script.name, url], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    if "Non-2xx" in output:
        raise SystemExit(f"{url}: non-2xx answers under load\n{output}")

    def latency(label):
        value, unit = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return rate, latency("50"), latency("99")


def load_python(url, body, seconds, connections):
    host, port = url.split("//")[1].split("/")[0].split(":")
    path = "/" + url.split("//")[1].split("/", 1)[1]
    latencies, stop = [], time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            connection.request("POST", path, body=body, headers=HX)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{url}: HTTP {response.status}")
            mine.append((time.perf_counter() - started) * 1000)
        latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.monotonic() - started), median(latencies), percentile(latencies, 0.99)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()
    client = args.client if args.client != "auto" else ("wrk" if shutil.which("wrk") else "python")
    load = load_wrk if client == "wrk" else load_python
    seconds = max(1, round(args.seconds)) if client == "wrk" else args.seconds
    from app import create_bench_app, issue_activation_token

    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, BENCH_DATABASE_URL=f"sqlite:///{scratch}/portal.sqlite3",
                   PORTAL_INSTANCE_DIR=scratch)
        os.environ.update(env)
        token = issue_activation_token(create_bench_app())  # also creates tables + demo register
        portal_port, bare_port = free_port(), free_port()
        servers = [start_gunicorn("app:create_bench_app()", portal_port, args.workers, env),
                   start_gunicorn("app:create_bare_app()", bare_port, args.workers, env)]
        try:
            portal = f"http://127.0.0.1:{portal_port}"
            cases = [
                ("bare Flask endpoint", f"http://127.0.0.1:{bare_port}/bare", "x=1"),
                ("identifier type (POST /inscription/type)", f"{portal}/inscription/type", "identifier_type=SIRET"),
                ("identifier, incomplete SIRET (POST /inscription/identifiant)", f"{portal}/inscription/identifiant",
                 f"identifier_type=SIRET&identifier={INCOMPLETE_SIRET}&structure_shown=fields"),
                ("identifier, complete SIRET: lookup + pre-fill (same URL)", f"{portal}/inscription/identifiant",
                 f"identifier_type=SIRET&identifier={DEMO_SIRET}&structure_shown=fields&country=FR"),
                ("password checklist (POST /activation/<token>/regles)", f"{portal}/activation/{token}/regles",
                 "password=Correct-Horse-42"),
            ]
            results = []
            for name, url, body in cases:
                size = check(url, body)
                load(url, body, 1 if client == "wrk" else 0.5, args.connections)  # warm-up
                results.append((name, size, *load(url, body, seconds, args.connections)))
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=10)
    bare_rate = results[0][2]
    print(f"machine: {machine()}\nclient: {client}, {args.connections} connections, {seconds} s per endpoint, "
          f"gunicorn {args.workers} sync workers for both apps, load average {os.getloadavg()[0]:.1f}")
    print_table("htmx fragments under load vs a bare Flask endpoint",
                ["endpoint", "answer bytes", "requests/s", "p50 ms", "p99 ms", "ratio to bare (target >= 0.5)"],
                [[n, f"{size:,}", f"{r:,.0f}", f"{p50:.2f}", f"{p99:.2f}", f"{r / bare_rate:.2f}"]
                 for n, size, r, p50, p99 in results])


if __name__ == "__main__":
    main()
