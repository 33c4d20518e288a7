"""Issue 12, dead end 2: never-activated accounts, and the structures only they hold, are removed once their
activation link has expired (ACTIVATION_TOKEN_HOURS): `flask accounts purge-unactivated` for cron, and the
background delivery thread at most once an hour. Nothing else is touched."""
from datetime import timedelta

from webapp.credentials import hash_password, hours, issue_token
from webapp.extensions import db
from webapp.mail.delivery import BackgroundDelivery, add_periodic_job
from webapp.models import (
    Account, AccountToken, AttachmentRequest, Membership, OutboxMessage, Role, Structure, StructureEvent, utcnow,
)

PASSWORD = "Correct-Horse-42x"


def make_account(email, active=False, age_hours=30, link_hours_left=None):
    """An account created `age_hours` ago; with an activation link valid `link_hours_left` more hours
    (negative: expired that long ago)."""
    created = utcnow() - timedelta(hours=age_hours)
    account = Account.create(
        email=email, first_name=email.split("@")[0].title(), last_name="Person", contact_email=email,
        terms_accepted_at=created, created_at=created, password_hash=hash_password(PASSWORD) if active else None,
        is_active=active, activated_at=created if active else None, locale="en",
    )
    if link_hours_left is not None:
        issue_token(account, "activation", hours(1))
        AccountToken.update(expires_at=utcnow() + timedelta(hours=link_hours_left)).where(
            AccountToken.account == account).execute()
    return account


def make_structure(identifier, *members):
    structure = Structure.create(identifier_type="HORS_UE", identifier=identifier, country="US",
                                 company_name=f"Company {identifier}")
    for account, role in members:
        Membership.create(account=account, structure=structure, role=role)
    return structure


def world(app):
    """Who stays and who goes once links of 24 hours have expired."""
    with app.app_context(), db.connection_context():
        ids = {}
        expired = make_account("expired@example.fr", link_hours_left=-6)
        ids["gone_structure"] = make_structure("GONE1", (expired, Role.PRINCIPAL_MANAGER)).id
        # Someone asked to join that structure: nobody can decide; the request goes with it, the person is told.
        asker = make_account("asker@example.fr", active=True)
        AttachmentRequest.create(account=asker, structure=ids["gone_structure"])
        # A user approved in a structure an active manager keeps, who never activated: only the account goes.
        boss = make_account("boss@example.fr", active=True)
        approved = make_account("approved@example.fr", link_hours_left=-1)
        ids["kept_structure"] = make_structure("KEPT1", (boss, Role.PRINCIPAL_MANAGER), (approved, Role.USER)).id
        # Two never-activated managers of one structure: both go, and the structure with the second.
        first, second = make_account("first@example.fr"), make_account("second@example.fr", link_hours_left=-2)
        ids["pair_structure"] = make_structure("PAIR1", (first, Role.PRINCIPAL_MANAGER),
                                               (second, Role.SECONDARY_MANAGER)).id
        # Staying: a link still valid; too young to have had a link expire; waiting for a manager; active.
        fresh = make_account("fresh@example.fr", link_hours_left=3)
        ids["fresh_structure"] = make_structure("FRESH1", (fresh, Role.PRINCIPAL_MANAGER)).id
        make_account("young@example.fr", age_hours=2)
        waiting = make_account("waiting@example.fr", age_hours=200)
        AttachmentRequest.create(account=waiting, structure=ids["kept_structure"])
        make_account("active@example.fr", active=True, age_hours=500)
        return ids


def emails(app):
    with app.app_context(), db.connection_context():
        return sorted(a.email for a in Account.select())


def structures(app):
    with app.app_context(), db.connection_context():
        return sorted(s.identifier for s in Structure.select())


STAYING = ["active@example.fr", "asker@example.fr", "boss@example.fr", "fresh@example.fr", "waiting@example.fr",
           "young@example.fr"]


def test_the_command_removes_expired_never_activated_accounts_and_their_structures(app, runner):
    ids = world(app)
    result = runner.invoke(args=["accounts", "purge-unactivated"])
    assert result.exit_code == 0, result.output
    assert "never-activated accounts deleted: 4, structures deleted with them: 2" in result.output
    assert emails(app) == STAYING
    assert structures(app) == ["FRESH1", "KEPT1"]
    with app.app_context(), db.connection_context():
        # The structure the approved user left keeps its manager, its waiting request and a journal line.
        [member] = Membership.select().where(Membership.structure == ids["kept_structure"])
        assert member.account.email == "boss@example.fr"
        assert AttachmentRequest.select().where(AttachmentRequest.structure == ids["kept_structure"]).count() == 1
        [event] = StructureEvent.select().where(StructureEvent.structure == ids["kept_structure"])
        assert (event.action, event.subject_email) == ("account_deleted", "approved@example.fr")
        assert "activation link expired" in event.detail
        # The person whose request could not be decided is told, with the way on.
        [told] = OutboxMessage.select().where(OutboxMessage.kind == "attachment_request_dropped")
        assert told.recipient == "asker@example.fr" and "Company GONE1" in told.body_text
        assert "Create a new structure" in told.body_text and "http://portal.test/" in told.body_text

    again = runner.invoke(args=["accounts", "purge-unactivated"])
    assert "never-activated accounts deleted: 0, structures deleted with them: 0" in again.output
    assert emails(app) == STAYING


def test_nothing_goes_while_links_are_valid_or_accounts_active(app, runner):
    with app.app_context(), db.connection_context():
        fresh = make_account("fresh@example.fr", link_hours_left=1)
        make_structure("FRESH1", (fresh, Role.PRINCIPAL_MANAGER))
        make_account("young@example.fr", age_hours=1)
        make_account("active@example.fr", active=True, age_hours=1000)
        make_account("resent@example.fr", age_hours=1000, link_hours_left=20)  # "send the link again"
    result = runner.invoke(args=["accounts", "purge-unactivated"])
    assert "never-activated accounts deleted: 0" in result.output
    assert emails(app) == ["active@example.fr", "fresh@example.fr", "resent@example.fr", "young@example.fr"]
    assert structures(app) == ["FRESH1"]


def test_the_lifetime_is_the_activation_links(app, runner):
    app.config["ACTIVATION_TOKEN_HOURS"] = 48
    with app.app_context(), db.connection_context():
        make_account("thirty@example.fr", age_hours=30)  # old enough for 24 hours, not for 48
        make_account("fifty@example.fr", age_hours=50)
    runner.invoke(args=["accounts", "purge-unactivated"])
    assert emails(app) == ["thirty@example.fr"]


def test_the_background_thread_purges_at_most_once_per_period(app):
    registered = {name: (job, every) for name, job, every in app.extensions["outbox_periodic_jobs"]}
    job, every = registered["purge-unactivated-accounts"]
    assert every == 3600

    runs = []
    add_periodic_job(app, "counted", lambda: runs.append(1), 3600)
    delivery = BackgroundDelivery(app)  # its passes, called here without starting the thread
    world(app)
    delivery._pass()
    assert emails(app) == STAYING  # the first pass ran the purge
    with app.app_context(), db.connection_context():
        make_account("later@example.fr", link_hours_left=-1)
    delivery._pass()
    delivery._pass()
    assert runs == [1]  # once in the hour
    assert "later@example.fr" in emails(app)
    delivery.jobs_last_run = {name: last - every for name, last in delivery.jobs_last_run.items()}  # an hour on
    delivery._pass()
    assert runs == [1, 1] and "later@example.fr" not in emails(app)


def test_a_failing_job_does_not_stop_the_delivery(app, caplog):
    def broken():
        raise RuntimeError("boom")

    add_periodic_job(app, "broken", broken, 60)
    delivery = BackgroundDelivery(app)
    unreachable, _full = delivery._pass()
    assert not unreachable and delivery.passes == 1
    assert "Periodic job broken failed" in caplog.text
