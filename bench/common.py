"""Shared by the benchmarks: where generated data lives, timing helpers, the printed tables."""
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

WORKDIR = Path(os.environ.get("SIRENE_BENCH_DIR", "/tmp/sirene-bench"))
NATIONAL = {"legal_unit": 30_000_000, "establishment": 44_000_000}


def stock_dir(establishments, workdir=WORKDIR):
    """The generated stock files for this size, generated on first use (and kept: it takes time)."""
    from generate_stock import generate

    out = Path(workdir) / f"stock-{establishments}"
    units, ests = out / "StockUniteLegale_utf8.csv", out / "StockEtablissement_utf8.csv"
    done = out / ".complete"
    if not done.exists():
        print(f"generating {establishments:,} establishments into {out} ...", file=sys.stderr, flush=True)
        generate(out, establishments)
        done.write_text("ok")
    return units, ests


def count_rows(path):
    with open(path, "rb") as stream:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b"")) - 1


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def median(values):
    return statistics.median(values)


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, Python {platform.python_version()}, "
            f"SQLite {sqlite_version()}, {platform.system()} {platform.release()}")


def sqlite_version():
    import sqlite3

    return sqlite3.sqlite_version


# Linux carries the parent's peak RSS over fork+exec into the child's ru_maxrss: the measured
# command is started by this tiny launcher (python -S, a few MiB) rather than by the benchmark.
LAUNCHER = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(process.pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(command, **kwargs):
    """Run a command; (seconds, peak RSS in MiB of it and its children, stdout). The peak RSS is the
    rusage wait4() gives for that child: getrusage(RUSAGE_CHILDREN) restricted to it."""
    import tempfile
    import time

    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        started = time.perf_counter()
        process = subprocess.run([sys.executable, "-S", "-c", LAUNCHER, rss_file.name, *command],
                                 stdout=subprocess.PIPE, **kwargs)
        seconds = time.perf_counter() - started
        if process.returncode != 0:
            raise SystemExit(f"{command[0]} failed with status {process.returncode}")
        rss = int(rss_file.read() or 0) / 1024
    return seconds, rss, process.stdout.decode()


def print_table(title, headers, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    print(f"\n{title}")
    print("| " + " | ".join(str(h).ljust(w) for h, w in zip(headers, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).rjust(w) for c, w in zip(row, widths)) + " |")
