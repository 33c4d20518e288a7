"""Invitations: a fixed subject, the structure's name quoted in the body only, limits per address,
structure and inviting account, one pending invitation per address and structure, cancelling, and
bursts of simultaneous invitations that cannot pass a limit."""
import html
import re
from datetime import timedelta

import pytest
from factories import add_member, csrf, invitation_path, make_account, make_structure, race, rows

from webapp.extensions import db
from webapp.models import Invitation, Role, Structure, StructureEvent, utcnow

HOSTILE = "URGENT: account suspended, verify at http://evil.example/<b>x</b>"


@pytest.fixture
def ann(app):
    """ann manages A, B, C and D; sam is a second manager of A."""
    ids = {key: make_structure(app, f"{key} SARL", f"{key * 3}111", "HORS_UE", country="US") for key in "ABCD"}
    ids["ann"] = make_account(app, "ann@example.fr", first_name="Ann")
    for key in "ABCD":
        add_member(app, ids["ann"], ids[key], Role.PRINCIPAL_MANAGER)
    ids["sam"] = make_account(app, "sam@example.fr", first_name="Sam")
    add_member(app, ids["sam"], ids["A"], Role.SECONDARY_MANAGER)
    return ids


@pytest.fixture
def manager(app, ann, auth):
    return auth.browser("ann@example.fr")


def send(client, structure_id, email, lang="en"):
    return client.post(f"/structures/{structure_id}/invitations?lang={lang}",
                       data={"email": email, "csrf_token": csrf(client)})


def invitations(app):
    return rows(app, Invitation)


def age(app, delta, *where):
    """Move invitations into the past, as if sent `delta` earlier."""
    with app.app_context(), db.connection_context():
        for invitation in Invitation.select().where(*where) if where else Invitation.select():
            Invitation.update(created_at=invitation.created_at - delta,
                              expires_at=invitation.expires_at - delta).where(Invitation.id == invitation.id).execute()


def typed_email(body):
    return html.unescape(re.search(r'<input[^>]*\bname="email"[^>]*\bvalue="([^"]*)"', body).group(1))


def test_subject_is_fixed_and_the_name_is_quoted_in_the_body(app, ann, manager, outbox):
    with app.app_context(), db.connection_context():
        Structure.update(label=HOSTILE).where(Structure.id == ann["A"]).execute()
    assert send(manager, ann["A"], "nina@example.fr").status_code == 303
    [mail] = outbox()
    assert mail.subject == "Invitation to join a structure on Portail e-facturation"
    assert f"Name of the structure, as its managers wrote it: “{HOSTILE}”" in mail.body_text
    assert "Invited by: “Ann Person”, the name this manager gave" in mail.body_text
    assert "&lt;b&gt;x&lt;/b&gt;" in mail.body_html and "<b>x</b>" not in mail.body_html
    assert "never asks for your password" in mail.body_text


def test_french_subject_and_quotes(app, ann, manager, outbox):
    assert send(manager, ann["A"], "nina@example.fr", lang="fr").status_code == 303
    [mail] = outbox()
    assert mail.subject == "Invitation à rejoindre une structure sur Portail e-facturation"
    assert "Nom de la structure, tel que ses gestionnaires l'ont saisi\u00a0: «\u00a0A SARL\u00a0»" in mail.body_text


def test_second_invitation_to_a_pending_address_sends_nothing(app, ann, manager, outbox):
    assert send(manager, ann["A"], "nina@example.fr").status_code == 303
    response = send(manager, ann["A"], " Nina@Example.fr ")
    body = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "This address was already invited on" in body and "send the invitation again in 24 hours" in body
    assert 'href="#email"' in body and typed_email(body) == "nina@example.fr"
    assert len(outbox()) == 1 and len(invitations(app)) == 1
    # Another structure may invite the same address.
    assert send(manager, ann["B"], "nina@example.fr").status_code == 303


def test_resending_after_the_interval_replaces_the_link(app, ann, manager, outbox):
    assert send(manager, ann["A"], "nina@example.fr").status_code == 303
    first_link = invitation_path(outbox()[0])
    age(app, timedelta(hours=24, minutes=1))
    response = send(manager, ann["A"], "nina@example.fr")
    assert response.status_code == 303
    assert "the link sent before no longer works" in manager.get(response.headers["Location"]).get_data(as_text=True)
    second_link = invitation_path(outbox()[1])
    visitor = app.test_client()
    assert visitor.get(first_link + "?lang=en").status_code == 410
    assert visitor.get(second_link + "?lang=en").status_code == 200
    assert [e.action for e in rows(app, StructureEvent)] == ["invitation_sent", "invitation_resent"]


def test_members_page_lists_pending_invitations_and_cancels_one(app, ann, manager, outbox):
    assert send(manager, ann["A"], "nina@example.fr").status_code == 303
    page = manager.get(f"/structures/{ann['A']}/membres").get_data(as_text=True)
    [invitation] = invitations(app)
    assert 'id="invitations" hx-disable' in page and f'id="invitation-{invitation.id}"' in page
    assert "Can be sent again in 24 hours." in page and "Cancel the invitation to nina@example.fr" in page
    response = manager.post(f"/structures/{ann['A']}/invitations/{invitation.id}/annuler",
                            data={"csrf_token": csrf(manager)})
    assert response.status_code == 303
    assert "is cancelled: its link no longer works" in manager.get(response.headers["Location"]).get_data(as_text=True)
    gone = app.test_client().get(invitation_path(outbox()[0]) + "?lang=en")
    assert gone.status_code == 410 and "a manager cancelled it" in gone.get_data(as_text=True)
    assert [e.action for e in rows(app, StructureEvent)] == ["invitation_sent", "invitation_cancelled"]
    assert "No invitation is pending." in manager.get(f"/structures/{ann['A']}/membres").get_data(as_text=True)
    # Cancelled, the address may be invited again at once (the address limit still counts both).
    assert send(manager, ann["A"], "nina@example.fr").status_code == 303


def test_send_again_button_appears_once_the_interval_has_passed(app, ann, manager, outbox):
    assert send(manager, ann["A"], "nina@example.fr").status_code == 303
    age(app, timedelta(hours=25))
    page = manager.get(f"/structures/{ann['A']}/membres").get_data(as_text=True)
    assert "Send again to nina@example.fr" in page and '<input type="hidden" name="email" value="nina@example.fr">' in page


def test_a_manager_cannot_cancel_another_structures_invitation(app, ann, manager, outbox, auth):
    other = make_structure(app, "ZETA SA", "ZZZ999", "HORS_UE", country="US")
    zoe = make_account(app, "zoe@example.fr")
    add_member(app, zoe, other, Role.PRINCIPAL_MANAGER)
    zoe_client = auth.browser("zoe@example.fr")
    assert send(zoe_client, other, "nina@example.fr").status_code == 303
    [invitation] = invitations(app)
    response = manager.post(f"/structures/{ann['A']}/invitations/{invitation.id}/annuler",
                            data={"csrf_token": csrf(manager)})
    assert "no longer pending" in manager.get(response.headers["Location"]).get_data(as_text=True)
    assert invitations(app)[0].expires_at > utcnow()
    assert manager.post(f"/structures/{other}/invitations/{invitation.id}/annuler",
                        data={"csrf_token": csrf(manager)}).status_code in (403, 404)
    assert invitations(app)[0].expires_at > utcnow()


def test_an_address_receives_at_most_three_invitations_a_day_across_structures(app, ann, manager, outbox):
    for key in "ABC":
        assert send(manager, ann[key], "nina@example.fr").status_code == 303
    response = send(manager, ann["D"], "nina@example.fr")
    body = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 429 and 86000 < int(response.headers["Retry-After"]) <= 86400
    assert "This address has reached its limit of invitations in 24 hours (3). You can invite it again in 24 hours." in body
    assert typed_email(body) == "nina@example.fr" and 'href="#email"' in body
    assert len(outbox()) == 3
    age(app, timedelta(hours=23, minutes=30), Invitation.structure == ann["A"])
    response = send(manager, ann["D"], "nina@example.fr")
    assert response.status_code == 429 and "invite it again in 30 minutes" in response.get_data(as_text=True)
    age(app, timedelta(minutes=31), Invitation.structure == ann["A"])
    assert send(manager, ann["D"], "nina@example.fr").status_code == 303


def test_the_inviting_account_is_limited_per_day(app, ann, manager, outbox, auth):
    app.config["INVITATIONS_PER_ACCOUNT_PER_DAY"] = 2
    assert send(manager, ann["A"], "a@example.fr").status_code == 303
    assert send(manager, ann["B"], "b@example.fr").status_code == 303
    response = send(manager, ann["C"], "c@example.fr")
    assert response.status_code == 429
    assert "You have reached your limit of invitations in 24 hours (2)." in response.get_data(as_text=True)
    # Another manager of the structure is not held by ann's limit.
    sam = auth.browser("sam@example.fr")
    assert send(sam, ann["A"], "c@example.fr").status_code == 303


def test_the_structure_is_limited_per_day(app, ann, manager, outbox, auth):
    app.config["INVITATIONS_PER_STRUCTURE_PER_DAY"] = 2
    assert send(manager, ann["A"], "a@example.fr").status_code == 303
    sam = auth.browser("sam@example.fr")
    assert send(sam, ann["A"], "b@example.fr").status_code == 303
    response = send(sam, ann["A"], "c@example.fr")
    assert response.status_code == 429
    assert "The managers of this structure have reached its limit of invitations in 24 hours (2)." in response.get_data(as_text=True)
    assert send(manager, ann["B"], "c@example.fr").status_code == 303


def test_a_limit_of_zero_is_off(app, ann, manager, outbox):
    app.config["INVITATIONS_PER_ADDRESS_PER_DAY"] = 0
    for key in "ABCD":
        assert send(manager, ann[key], "nina@example.fr").status_code == 303


def test_thirty_invitations_to_one_address_deliver_one(app, ann, manager, outbox):
    """The attack that was reported: 30 invitations to one address in a row."""
    statuses = [send(manager, ann["A"], "victim@example.fr").status_code for _ in range(30)]
    assert statuses == [303] + [422] * 29
    assert len(outbox()) == 1 and len(invitations(app)) == 1


def test_simultaneous_invitations_cannot_pass_the_account_limit(app, ann, outbox, auth):
    app.config["INVITATIONS_PER_ACCOUNT_PER_DAY"] = 3
    clients = [auth.browser("ann@example.fr") for _ in range(8)]

    def inviting(client, i):
        def prepare():
            data = {"email": f"guest{i}@example.fr", "csrf_token": csrf(client)}
            return lambda: client.post(f"/structures/{ann['A']}/invitations", data=data)
        return prepare

    responses = race([inviting(client, i) for i, client in enumerate(clients)])
    assert sorted(r.status_code for r in responses) == [303] * 3 + [429] * 5
    assert len(invitations(app)) == 3 and len(outbox()) == 3


def test_simultaneous_invitations_of_one_address_by_four_structures_stop_at_three(app, ann, outbox, auth):
    clients = [auth.browser("ann@example.fr") for _ in "ABCD"]

    def inviting(client, key):
        def prepare():
            data = {"email": "nina@example.fr", "csrf_token": csrf(client)}
            return lambda: client.post(f"/structures/{ann[key]}/invitations", data=data)
        return prepare

    responses = race([inviting(client, key) for client, key in zip(clients, "ABCD")])
    assert sorted(r.status_code for r in responses) == [303, 303, 303, 429]
    assert len(invitations(app)) == 3


def test_simultaneous_invitations_of_one_address_to_one_structure_make_one(app, ann, outbox, auth):
    clients = [auth.browser("ann@example.fr") for _ in range(4)]
    clients.append(auth.browser("sam@example.fr"))

    def inviting(client):
        def prepare():
            data = {"email": "nina@example.fr", "csrf_token": csrf(client)}
            return lambda: client.post(f"/structures/{ann['A']}/invitations", data=data)
        return prepare

    responses = race([inviting(client) for client in clients])
    assert sorted(r.status_code for r in responses) == [303] + [422] * 4
    assert len(invitations(app)) == 1 and len(outbox()) == 1
