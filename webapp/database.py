"""Flask commands of the portal (the register's commands live in webapp/directory/cli.py)."""
import click
from flask.cli import with_appcontext


@click.command("init-db", help="Create the portal's tables in DATABASE_URL (safe to run again).")
@with_appcontext
def init_db_command():
    from webapp import create_tables

    create_tables()
    click.echo("Tables are ready.")
