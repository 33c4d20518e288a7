"""`flask sirene ...`: fill the register from the INSEE stock files or from the demo data."""
import sys
import time

import click
from flask.cli import AppGroup

from webapp.extensions import db

from webapp.register.importer import UnrecognisedStockFile, import_stock_files

sirene_cli = AppGroup("sirene", help="Business register (INSEE Sirene stock files).")

PROGRESS_EVERY_SECONDS = 2.0


def format_duration(seconds):
    seconds = int(seconds)
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"


def progress_line(file_summary, width=24):
    """'establishment [#####-----] 42% 1,234,567 rows 250,000 rows/s ETA 1m20s'."""
    done = file_summary.bytes_read / file_summary.bytes_total if file_summary.bytes_total else 0.0
    done = min(1.0, 1.0 if file_summary.done else done)
    rate = file_summary.rows_read / file_summary.seconds if file_summary.seconds else 0
    filled = int(done * width)
    eta = file_summary.seconds * (1 - done) / done if 0 < done < 1 else 0
    return (f"  {file_summary.kind} [{'#' * filled}{'-' * (width - filled)}] {done:4.0%} "
            f"{file_summary.rows_read:,} rows {rate:,.0f} rows/s "
            + ("done" if file_summary.done else f"ETA {format_duration(eta)}"))


class ProgressPrinter:
    """A progress bar with rows/s and the time left, redrawn at most every PROGRESS_EVERY_SECONDS
    (in place on a terminal, one line each time otherwise)."""

    def __init__(self, every=PROGRESS_EVERY_SECONDS, stream=None):
        self.every = every
        self.last = 0.0
        self.stream = stream or sys.stderr
        self.in_place = self.stream.isatty()

    def __call__(self, file_summary):
        now = time.monotonic()
        if now - self.last < self.every and not file_summary.done:
            return
        self.last = now
        line = progress_line(file_summary)
        if self.in_place:
            self.stream.write("\r" + line.ljust(100) + ("\n" if file_summary.done else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def echo_summary(summary):
    for item in summary.files:
        rate = item.rows_read / item.seconds if item.seconds else 0
        click.echo(
            f"{item.path}: {item.kind}, {item.rows_read:,} rows read, {item.rows_kept:,} kept, "
            f"{sum(item.rejected.values()):,} rejected, {item.seconds:.1f} s ({rate:,.0f} rows/s)"
        )
        for reason, count in sorted(item.rejected.items()):
            click.echo(f"    rejected {reason}: {count:,}")


@sirene_cli.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False))
def import_command(files):
    """Import StockUniteLegale / StockEtablissement files (csv or zip), replacing the data of
    their kind. The kind of each file is read from its header."""
    try:
        summary = import_stock_files(files, db, progress=ProgressPrinter())
    except UnrecognisedStockFile as error:
        raise click.ClickException(str(error)) from None
    echo_summary(summary)


@sirene_cli.command("demo")
def demo_command():
    """Load the bundled fictitious register (replaces the current register data)."""
    from webapp.register import load_demo_register  # the package imports this module

    echo_summary(load_demo_register(db, progress=ProgressPrinter()))
