"""Lookup speed: our full lookup (SQL + RegisterRecord built) vs a bare sqlite3 primary-key SELECT
of the same rows, in the same run, at several table sizes.

    python bench/lookup_speed.py --sizes 1000000 10000000 [--samples 20000] [--workdir ...]

Each size's register is built once with our importer from generated stock files and kept in the
workdir (10M establishments: about 6 min to generate and 1.5 min to import on 2 cores). Both sides
look up the same random SIRETs, interleaved, after a warm-up; median and p99 in microseconds.
"""
import argparse
import random
import sqlite3
import time
from pathlib import Path

from common import WORKDIR, machine, median, percentile, print_table, stock_dir

BARE_SQL = 'SELECT * FROM "sirene_establishment" WHERE "siret" = ?'


def register_file(size, workdir):
    from peewee import SqliteDatabase

    from webapp.register import import_stock_files

    path = Path(workdir) / f"register-{size}.sqlite3"
    if not path.exists():
        units, ests = stock_dir(size, workdir)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        import_stock_files([units, ests], SqliteDatabase(str(partial)))
        partial.rename(path)
    return path


def sample_sirets(path, count, seed=1):
    connection = sqlite3.connect(path)
    total = connection.execute('SELECT count(*) FROM "sirene_establishment"').fetchone()[0]
    rng = random.Random(seed)
    wanted, picked = set(rng.sample(range(total), min(count, total))), []
    for position, (siret,) in enumerate(connection.execute('SELECT siret FROM "sirene_establishment"')):
        if position in wanted:
            picked.append(siret)
    connection.close()
    rng.shuffle(picked)
    return total, picked


def measure(path, sirets):
    from peewee import SqliteDatabase

    from webapp.register.local import LocalRegister

    database = SqliteDatabase(str(path), pragmas={"journal_mode": "wal"})
    register = LocalRegister(database)
    bare = sqlite3.connect(path)
    clock = time.perf_counter_ns
    for siret in sirets[:500]:  # warm-up: caches, statement cache
        register.lookup_siret(siret)
        bare.execute(BARE_SQL, (siret,)).fetchone()
    ours, plain = [], []
    for siret in sirets:
        started = clock()
        bare.execute(BARE_SQL, (siret,)).fetchone()
        plain.append((clock() - started) / 1000)
        started = clock()
        record = register.lookup_siret(siret)
        ours.append((clock() - started) / 1000)
        assert record is not None and record.siret == siret
    return ours, plain


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--workdir", type=Path, default=WORKDIR)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in args.sizes:
        path = register_file(size, args.workdir)
        total, sirets = sample_sirets(path, args.samples)
        ours, plain = measure(path, sirets)
        rows.append([f"{total:,}", len(sirets), f"{median(ours):.1f}", f"{percentile(ours, 0.99):.1f}",
                     f"{median(plain):.1f}", f"{percentile(plain, 0.99):.1f}",
                     f"{median(ours) / median(plain):.2f}"])
    print(f"machine: {machine()}")
    print_table("Lookup by SIRET: full lookup (record built) vs bare sqlite3 primary-key SELECT, µs",
                ["establishments", "lookups", "ours median", "ours p99", "bare median", "bare p99",
                 "ratio (median ours/bare)"], rows)


if __name__ == "__main__":
    main()
