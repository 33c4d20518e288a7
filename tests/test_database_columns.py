"""create_tables() adds the columns a model gained to an existing table (there is no migration tool):
an existing deployment gets them at start-up or `flask init-db`, with its rows kept."""
import pytest
from peewee import CharField, DateTimeField, IntegerField, Model

from webapp.database import add_missing_columns, create_tables
from webapp.extensions import db
from webapp.models import Account, Membership, Role, Structure, utcnow


class OldProbe(Model):
    name = CharField()

    class Meta:
        database = db
        table_name = "column_probe"


class NewProbe(Model):
    name = CharField()
    note = CharField(null=True)
    count = IntegerField(default=3)
    seen_at = DateTimeField(null=True, index=True)

    class Meta:
        database = db
        table_name = "column_probe"


class BrokenProbe(Model):
    name = CharField()
    required = CharField()  # not null and no default: existing rows could not get a value

    class Meta:
        database = db
        table_name = "column_probe"


@pytest.fixture
def probe(app):
    with app.app_context(), db.connection_context():
        db.create_tables([OldProbe])
        OldProbe.create(name="before")
        try:
            yield
        finally:
            db.drop_tables([OldProbe])


def columns(table):
    return {column.name for column in db.get_columns(table)}


def test_missing_columns_are_added_and_existing_rows_get_the_default(probe):
    assert columns("column_probe") == {"id", "name"}
    added = add_missing_columns([NewProbe])
    assert added == [("column_probe", "note"), ("column_probe", "count"), ("column_probe", "seen_at")]
    assert columns("column_probe") == {"id", "name", "note", "count", "seen_at"}
    row = NewProbe.get()
    assert (row.name, row.note, row.count, row.seen_at) == ("before", None, 3, None)
    NewProbe.create(name="after", note="n", seen_at=utcnow())
    assert add_missing_columns([NewProbe]) == []  # run again: nothing left to add
    assert "column_probe_seen_at" in {index.name for index in db.get_indexes("column_probe")}


def test_a_column_without_default_stops_with_its_name(probe):
    with pytest.raises(RuntimeError, match=r"column_probe\.required: a new column must be nullable or have a default"):
        add_missing_columns([BrokenProbe])
    assert columns("column_probe") == {"id", "name"}


def test_create_tables_brings_an_old_account_table_up_to_date(app, runner):
    with app.app_context(), db.connection_context():
        account = Account.create(email="old@example.fr", first_name="Old", last_name="Row",
                                 contact_email="old@example.fr", terms_accepted_at=utcnow(), survey_consent=True)
        structure = Structure.create(identifier_type="SIRET", identifier="90110001600012")
        Membership.create(account=account, structure=structure, role=Role.PRINCIPAL_MANAGER)
        # The table as the release before these columns created it.
        for column in ("survey_consent_at", "survey_withdrawn_at", "welcome_pending"):
            db.execute_sql(f"ALTER TABLE account DROP COLUMN {column}")
        assert "survey_consent_at" not in columns("account")
    with app.app_context():
        assert create_tables() == [
            ("account", "survey_consent_at"), ("account", "survey_withdrawn_at"), ("account", "welcome_pending"),
        ]
    with app.app_context(), db.connection_context():
        assert {"survey_consent_at", "survey_withdrawn_at", "welcome_pending"} <= columns("account")
        kept = Account.get_by_id(account.id)
        assert kept.email == "old@example.fr" and kept.survey_consent is True and kept.survey_consent_at is None
        assert kept.welcome_pending is False  # a NOT NULL column: existing rows got its default
        # Nothing that refers to the account went (a rebuilt table would have cascaded its deletion).
        assert Membership.select().where(Membership.account == account.id).count() == 1
        db.execute_sql("ALTER TABLE account DROP COLUMN survey_withdrawn_at")
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert result.output == "Added the column account.survey_withdrawn_at.\nTables are ready.\n"
    with app.app_context(), db.connection_context():
        assert "survey_withdrawn_at" in columns("account")
    assert runner.invoke(args=["init-db"]).output == "Tables are ready.\n"
