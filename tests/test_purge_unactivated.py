"""Issue 12, dead end 2: never-activated accounts, and the structures only they hold, are removed once their
activation link has expired (ACTIVATION_TOKEN_HOURS): `flask accounts purge-unactivated` for cron, and the
background delivery thread at most once an hour. Nothing else is touched."""
from datetime import timedelta

from factories import add_member, add_request, make_account, make_structure

from webapp.credentials import hours, issue_token
from webapp.extensions import db
from webapp.mail.delivery import BackgroundDelivery, add_periodic_job
from webapp.models import (
    Account, AccountToken, AttachmentRequest, Membership, OutboxMessage, Role, Structure, StructureEvent, utcnow,
)


def aged_account(app, email, active=False, age_hours=30, link_hours_left=None):
    """An account created `age_hours` ago; with an activation link valid `link_hours_left` more hours
    (negative: expired that long ago). Returns its id."""
    created = utcnow() - timedelta(hours=age_hours)
    account_id = make_account(app, email, active, first_name=email.split("@")[0].title(), terms_accepted_at=created,
                              created_at=created, activated_at=created if active else None)
    if link_hours_left is not None:
        with app.app_context(), db.connection_context():
            issue_token(Account.get_by_id(account_id), "activation", hours(1))
            AccountToken.update(expires_at=utcnow() + timedelta(hours=link_hours_left)).where(
                AccountToken.account == account_id).execute()
    return account_id


def structure_of(app, identifier, *members):
    """A structure outside the EU held by `members` ((account id, role) pairs); returns its id."""
    structure_id = make_structure(app, f"Company {identifier}", identifier, "HORS_UE", country="US",
                                  structure_type="", address_line="", postcode="", city="")
    for account_id, role in members:
        add_member(app, account_id, structure_id, role)
    return structure_id


def world(app):
    """Who stays and who goes once links of 24 hours have expired."""
    ids = {}
    expired = aged_account(app, "expired@example.fr", link_hours_left=-6)
    ids["gone_structure"] = structure_of(app, "GONE1", (expired, Role.PRINCIPAL_MANAGER))
    # Someone asked to join that structure: nobody can decide; the request goes with it, the person is told.
    asker = aged_account(app, "asker@example.fr", active=True)
    add_request(app, asker, ids["gone_structure"])
    # A user approved in a structure an active manager keeps, who never activated: only the account goes.
    boss = aged_account(app, "boss@example.fr", active=True)
    approved = aged_account(app, "approved@example.fr", link_hours_left=-1)
    ids["kept_structure"] = structure_of(app, "KEPT1", (boss, Role.PRINCIPAL_MANAGER), (approved, Role.USER))
    # Two never-activated managers of one structure: both go, and the structure with the second.
    first, second = aged_account(app, "first@example.fr"), aged_account(app, "second@example.fr", link_hours_left=-2)
    ids["pair_structure"] = structure_of(app, "PAIR1", (first, Role.PRINCIPAL_MANAGER),
                                         (second, Role.SECONDARY_MANAGER))
    # Staying: a link still valid; too young to have had a link expire; waiting for a manager; active.
    fresh = aged_account(app, "fresh@example.fr", link_hours_left=3)
    ids["fresh_structure"] = structure_of(app, "FRESH1", (fresh, Role.PRINCIPAL_MANAGER))
    aged_account(app, "young@example.fr", age_hours=2)
    waiting = aged_account(app, "waiting@example.fr", age_hours=200)
    add_request(app, waiting, ids["kept_structure"])
    aged_account(app, "active@example.fr", active=True, age_hours=500)
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
    fresh = aged_account(app, "fresh@example.fr", link_hours_left=1)
    structure_of(app, "FRESH1", (fresh, Role.PRINCIPAL_MANAGER))
    aged_account(app, "young@example.fr", age_hours=1)
    aged_account(app, "active@example.fr", active=True, age_hours=1000)
    aged_account(app, "resent@example.fr", age_hours=1000, link_hours_left=20)  # "send the link again"
    result = runner.invoke(args=["accounts", "purge-unactivated"])
    assert "never-activated accounts deleted: 0" in result.output
    assert emails(app) == ["active@example.fr", "fresh@example.fr", "resent@example.fr", "young@example.fr"]
    assert structures(app) == ["FRESH1"]


def test_the_lifetime_is_the_activation_links(app, runner):
    app.config["ACTIVATION_TOKEN_HOURS"] = 48
    aged_account(app, "thirty@example.fr", age_hours=30)  # old enough for 24 hours, not for 48
    aged_account(app, "fifty@example.fr", age_hours=50)
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
    aged_account(app, "later@example.fr", link_hours_left=-1)
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
