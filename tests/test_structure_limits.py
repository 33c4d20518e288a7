"""Creating structures and asking to join them, once signed in: a cap and an hourly rate on each,
one pending request per structure, and bursts of simultaneous requests that cannot pass them."""
import html
from datetime import timedelta

import pytest
from factories import add_member, create_data, csrf, make_account, make_structure, post, query, race, value

from webapp.models import AttachmentRequest, AttachmentStatus, Membership, Role, Structure, StructureEvent


@pytest.fixture
def dave(app, client, auth):
    """dave is signed in and belongs to nothing; twelve RIDET structures exist, managed by owen."""
    ids = dict(dave=make_account(app, "dave@example.fr"), owen=make_account(app, "owen@example.fr"))
    ids["ridets"] = [make_structure(app, f"CALEDONIE {i}", f"1234567{i:03d}", identifier_type="RIDET", country="NC")
                     for i in range(12)]
    for structure_id in ids["ridets"]:
        add_member(app, ids["owen"], structure_id, Role.PRINCIPAL_MANAGER)
    assert auth.sign_in("dave@example.fr").status_code == 303
    return ids


def new_company(name):
    return create_data(identifier_type="EN_COURS_IMMATRICULATION", identifier=None, company_name=name,
                       structure_type="company")


def attach(client, i):
    return post(client, "/structures/rattachement",
                {"identifier_type": "RIDET", "identifier": f"1234567{i:03d}", "action": "attach"})


def created_by(app, account_id):
    return query(app, lambda: Membership.select().where(
        (Membership.account == account_id) & (Membership.role == Role.PRINCIPAL_MANAGER)).count())


def requests_of(app, account_id):
    return query(app, lambda: list(AttachmentRequest.select().where(AttachmentRequest.account == account_id)))


def age(app, model, delta):
    """Move every row of `model` back in time by `delta`."""
    def move():
        for row in model.select():
            model.update(created_at=row.created_at - delta).where(model.id == row.id).execute()
    query(app, move)


def text(response):
    return html.unescape(response.get_data(as_text=True))


def test_an_account_may_be_principal_manager_of_a_capped_number_of_structures(app, client, dave):
    app.config["MAX_STRUCTURES_PER_ACCOUNT"] = 2
    for name in ("PREMIERE SAS", "DEUXIEME SAS"):
        assert post(client, "/structures/nouvelle", new_company(name)).status_code == 303
    response = post(client, "/structures/nouvelle", new_company("TROISIEME SAS"))
    body = text(response)
    assert response.status_code == 422 and "Retry-After" not in response.headers
    assert "the most structures one account may have (2)" in body and "hand over the principal role" in body
    assert '<li><a href="#identifier_type">' in body
    assert value(body, "company_name") == "TROISIEME SAS" and value(body, "city") == "PARIS"
    assert created_by(app, dave["dave"]) == 2
    # The cap is on creating: asking to join an existing structure still works.
    assert attach(client, 0).status_code == 303


def test_structure_creations_per_hour(app, client, dave):
    app.config["STRUCTURE_CREATIONS_PER_HOUR"] = 2
    for name in ("PREMIERE SAS", "DEUXIEME SAS"):
        assert post(client, "/structures/nouvelle", new_company(name)).status_code == 303
    response = post(client, "/structures/nouvelle", new_company("TROISIEME SAS"))
    assert response.status_code == 429 and 3500 < int(response.headers["Retry-After"]) <= 3600
    assert "structures created in one hour (2). You can create the next one in 60 minutes." in text(response)
    assert value(text(response), "company_name") == "TROISIEME SAS"
    events = query(app, lambda: [e.action for e in StructureEvent.select()])
    assert events == ["structure_created", "structure_created"]
    age(app, StructureEvent, timedelta(minutes=61))
    assert post(client, "/structures/nouvelle", new_company("TROISIEME SAS")).status_code == 303


def test_pending_attachment_requests_are_capped_until_one_is_decided(app, client, dave):
    app.config["MAX_PENDING_ATTACHMENT_REQUESTS"] = 2
    assert attach(client, 0).status_code == 303 and attach(client, 1).status_code == 303
    response = attach(client, 2)
    body = text(response)
    assert response.status_code == 422
    assert "attachment requests awaiting a decision (2). You can ask again once a manager" in body
    assert '<li><a href="#identifier">' in body and value(body, "identifier") == "1234567002"
    assert len(requests_of(app, dave["dave"])) == 2
    first = requests_of(app, dave["dave"])[0]
    query(app, lambda: AttachmentRequest.update(status=AttachmentStatus.REFUSED).where(
        AttachmentRequest.id == first.id).execute())
    assert attach(client, 2).status_code == 303


def test_an_existing_identifier_on_the_create_page_meets_the_attachment_limits(app, client, dave):
    app.config["MAX_PENDING_ATTACHMENT_REQUESTS"] = 1
    assert attach(client, 0).status_code == 303
    response = post(client, "/structures/nouvelle", create_data(
        identifier_type="RIDET", identifier="1234567001", company_name="X", country="NC"))
    assert response.status_code == 422 and '<li><a href="#identifier">' in text(response)
    assert len(requests_of(app, dave["dave"])) == 1


def test_attachment_requests_per_hour(app, client, dave):
    app.config["ATTACHMENT_REQUESTS_PER_HOUR"] = 2
    assert attach(client, 0).status_code == 303 and attach(client, 1).status_code == 303
    response = attach(client, 2)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 3500
    assert "attachment requests sent in one hour (2). You can send the next one in 60 minutes." in text(response)
    age(app, AttachmentRequest, timedelta(minutes=61))
    assert attach(client, 2).status_code == 303


def test_a_duplicate_request_creates_nothing(app, client, dave):
    assert attach(client, 0).status_code == 303
    again = attach(client, 0)
    assert again.status_code == 303
    assert "already awaiting a manager's approval" in text(client.get(again.headers["Location"]))
    assert len(requests_of(app, dave["dave"])) == 1


def test_the_reported_flood_of_requests_stops_at_the_cap(app, client, dave):
    """wapiti filed 1,710 attachment requests; one account now has at most ten pending."""
    statuses = [attach(client, i).status_code for i in range(12)]
    assert statuses == [303] * 10 + [422] * 2
    assert len(requests_of(app, dave["dave"])) == 10


def signed_in_clients(auth, count):
    """`count` browsers in which dave has signed in."""
    return [auth.browser("dave@example.fr") for _ in range(count)]


def test_twenty_five_simultaneous_creations_make_ten(app, dave, auth):
    def creating(client, i):
        def prepare():
            data = dict(new_company(f"RAFALE {i} SAS"), csrf_token=csrf(client, "/annuaire"))
            return lambda: client.post("/structures/nouvelle", data=data)
        return prepare

    clients = signed_in_clients(auth, 25)
    responses = race([creating(client, i) for i, client in enumerate(clients)])
    assert sorted(r.status_code for r in responses) == [303] * 10 + [429] * 15
    assert created_by(app, dave["dave"]) == 10
    assert query(app, lambda: Structure.select().where(Structure.company_name.startswith("RAFALE")).count()) == 10


def test_simultaneous_requests_to_twelve_structures_leave_ten_pending(app, dave, auth):
    def attaching(client, i):
        def prepare():
            data = {"identifier_type": "RIDET", "identifier": f"1234567{i:03d}", "action": "attach",
                    "csrf_token": csrf(client, "/annuaire")}
            return lambda: client.post("/structures/rattachement", data=data)
        return prepare

    clients = signed_in_clients(auth, 12)
    responses = race([attaching(client, i) for i, client in enumerate(clients)])
    assert sorted(r.status_code for r in responses) == [303] * 10 + [422] * 2
    assert len(requests_of(app, dave["dave"])) == 10


def test_simultaneous_requests_to_one_structure_make_one(app, dave, auth):
    def attaching(client):
        def prepare():
            data = {"identifier_type": "RIDET", "identifier": "1234567000", "action": "attach",
                    "csrf_token": csrf(client, "/annuaire")}
            return lambda: client.post("/structures/rattachement", data=data)
        return prepare

    responses = race([attaching(client) for client in signed_in_clients(auth, 8)])
    assert [r.status_code for r in responses] == [303] * 8
    [request] = requests_of(app, dave["dave"])
    assert request.structure_id == dave["ridets"][0] and request.status == AttachmentStatus.PENDING
