"""Import speed: our importer vs the sqlite3 CLI's `.import` of the same files, in the same run.

    python bench/import_speed.py --sizes 200000 2000000 [--repeat 1] [--workdir /tmp/sirene-bench]

For each size (establishment rows; about 0.63 legal units per establishment), the generated stock
files are imported (1) by `webapp.register.import_stock_files` into a fresh SQLite file, in a
subprocess whose peak RSS is measured, and (2) by `sqlite3 -csv` `.import` into bare tables of a
fresh file. Prints rows/s, the ratio ours/sqlite3 (speed; > 1 means we are faster) and the national
stock (30M units + 44M establishments) extrapolated linearly from the two largest sizes.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from common import NATIONAL, ROOT, WORKDIR, count_rows, machine, median, print_table, run_measured, stock_dir

OUR_IMPORT = """
import json, os, sys, time
from peewee import SqliteDatabase
import webapp.register.importer
from webapp.register import import_stock_files
if os.environ.get("BENCH_INLINE_READER") == "1":  # no reader process (pipeline.py)
    webapp.register.importer.PARALLEL_MIN_BYTES = 1 << 62
summary = import_stock_files(sys.argv[2:], SqliteDatabase(sys.argv[1]))
print(json.dumps({f.kind: [f.rows_read, f.rows_kept, sum(f.rejected.values()), f.seconds] for f in summary.files}))
"""


def our_import(units, ests, workdir, inline=False):
    with tempfile.TemporaryDirectory(dir=workdir) as scratch:
        database = Path(scratch) / "ours.sqlite3"
        env = dict(os.environ, BENCH_INLINE_READER="1" if inline else "0")
        seconds, rss, output = run_measured([sys.executable, "-c", OUR_IMPORT, str(database), str(units), str(ests)],
                                            cwd=ROOT, env=env)
    files = json.loads(output.strip().splitlines()[-1])
    rejected = sum(v[2] for v in files.values())
    return seconds, rss, {kind: v[3] for kind, v in files.items()}, rejected


def sqlite_import(units, ests, workdir):
    sqlite3 = shutil.which("sqlite3")
    if sqlite3 is None:
        raise SystemExit("the sqlite3 command-line tool is needed: apt-get install -y sqlite3")
    per_file = {}
    total = rss = 0.0
    with tempfile.TemporaryDirectory(dir=workdir) as scratch:
        database = Path(scratch) / "cli.sqlite3"
        for kind, path, table in (("legal_unit", units, "unite_legale"), ("establishment", ests, "etablissement")):
            seconds, peak, _ = run_measured([sqlite3, "-csv", str(database), f".import {path} {table}"])
            per_file[kind], total, rss = seconds, total + seconds, max(rss, peak)
    return total, rss, per_file


def extrapolate(points):
    """Seconds for the national stock, per kind: a line through the two largest measured sizes."""
    total = 0.0
    for kind, national_rows in NATIONAL.items():
        (rows_a, secs_a), (rows_b, secs_b) = sorted((p[0][kind], p[1][kind]) for p in points)[-2:]
        slope = (secs_b - secs_a) / (rows_b - rows_a) if rows_b != rows_a else 0
        if slope <= 0:  # tiny sizes are all start-up noise: use the largest size's rate
            slope = secs_b / rows_b
        total += secs_b + slope * (national_rows - rows_b)
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 2_000_000])
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the medians are shown")
    parser.add_argument("--workdir", type=Path, default=WORKDIR)
    parser.add_argument("--inline-reader", action="store_true",
                        help="read the files in the importing process (no reader process)")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows, ours_points, cli_points = [], [], []
    for size in args.sizes:
        units, ests = stock_dir(size, args.workdir)
        counts = {"legal_unit": count_rows(units), "establishment": count_rows(ests)}
        total_rows = sum(counts.values())
        ours, cli = [], []
        for _ in range(args.repeat):
            ours.append(our_import(units, ests, args.workdir, args.inline_reader))
            cli.append(sqlite_import(units, ests, args.workdir))
        ours_s, cli_s = median([o[0] for o in ours]), median([c[0] for c in cli])
        ours_points.append((counts, {k: median([o[2][k] for o in ours]) for k in counts}))
        cli_points.append((counts, {k: median([c[2][k] for c in cli]) for k in counts}))
        inside = median([sum(o[2].values()) for o in ours])
        rows.append([f"{size:,}", f"{total_rows:,}", f"{ours_s:.2f}", f"{inside:.2f}", f"{total_rows / ours_s:,.0f}",
                     f"{cli_s:.2f}", f"{total_rows / cli_s:,.0f}", f"{cli_s / ours_s:.2f}",
                     f"{median([o[1] for o in ours]):.0f}", f"{median([c[1] for c in cli]):.0f}",
                     ours[0][3]])
    print(f"machine: {machine()}")
    print_table(
        "Import of StockUniteLegale + StockEtablissement (generated, official format)",
        ["establishments", "rows (both files)", "ours s", "ours s (import only)", "ours rows/s", "sqlite3 s", "sqlite3 rows/s",
         "ratio (speed ours/sqlite3)", "ours peak RSS MiB", "sqlite3 peak RSS MiB", "rejected"],
        rows,
    )
    if len(args.sizes) >= 2:
        ours_nat, cli_nat = extrapolate(ours_points), extrapolate(cli_points)
        print(f"\nNational stock (30M units + 44M establishments), extrapolated per file from the two "
              f"largest sizes: ours {ours_nat / 60:.1f} min, sqlite3 .import {cli_nat / 60:.1f} min "
              f"(ratio {cli_nat / ours_nat:.2f}). 'ours s' is the whole process (interpreter and app start "
              f"included) and gives the ratio; the extrapolation uses the per-file import times.")


if __name__ == "__main__":
    main()
