"""`flask sirene ...`: fill the register from the INSEE stock files or from the demo data."""
import time

import click
from flask.cli import AppGroup

from webapp.extensions import db

from .importer import UnrecognisedStockFile, import_stock_files

sirene_cli = AppGroup("sirene", help="Business register (INSEE Sirene stock files).")

PROGRESS_EVERY_SECONDS = 2.0


class ProgressPrinter:
    """Prints a progress line at most every PROGRESS_EVERY_SECONDS, with the rows/s rate."""

    def __init__(self, every=PROGRESS_EVERY_SECONDS):
        self.every = every
        self.last = 0.0

    def __call__(self, file_summary):
        now = time.monotonic()
        if now - self.last < self.every:
            return
        self.last = now
        rate = file_summary.rows_read / file_summary.seconds if file_summary.seconds else 0
        click.echo(
            f"  {file_summary.kind}: {file_summary.rows_read:,} rows read, "
            f"{file_summary.rows_kept:,} kept ({rate:,.0f} rows/s)"
        )


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
    from . import load_demo_register  # the package imports this module

    echo_summary(load_demo_register(db, progress=ProgressPrinter()))
