"""A number before a noun takes the noun's plural forms: "1 hour" / "2 hours", "1 heure" / "2 heures",
never "1 hours" or "1 demandes".

Each e-mail and page whose text counts something is rendered with 1 and with 2, in English and French;
the manager reminder (its subject too), the sign-up, the e-mailed sign-in code and the invitation also
go through the portal with a count of 1.
"""
import html
import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po
from factories import add_member, csrf, make_account, make_structure, submit
from flask import render_template
from flask_babel import force_locale

from webapp.account.forms import SignInCodeForm
from webapp.extensions import db
from webapp.models import AttachmentRequest, Role, utcnow

NBSP = "\u00a0"
FRENCH_PO = Path(__file__).resolve().parent.parent / "webapp" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"

# "1" then a plural noun: what a message without plural forms says when the count is one.
ONE_THEN_PLURAL = re.compile(
    r"\b1 (?:hours|days|minutes|characters|attachment requests|heures|jours|caractères|demandes)\b"
)


def flat(text):
    """What a reader sees, on one line: entities decoded, runs of white space made one space (the
    no-break spaces of French typography kept)."""
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(text)).strip()


ACCOUNT = SimpleNamespace(full_name="Ann Dupont", first_name="Ann", email="ann@example.fr",
                          contact_email="ann@example.fr", phone="")
STRUCTURE = SimpleNamespace(public_name="ALPHA SARL", identifier="AAA111", company_name="ALPHA SARL",
                            person_first_name="", person_last_name="", address_line="1 RUE DES TESTS",
                            address_complement_1="", address_complement_2="", postcode="75001", city="PARIS",
                            country="FR")
EMAIL_CONTEXT = dict(
    account=ACCOUNT, structure=STRUCTURE, kind=SimpleNamespace(label="SIRET"), inviter=ACCOUNT,
    code="123456", attachment=False, signup=False,
    activation_url="http://portal.test/activation/x", sign_in_url="http://portal.test/connexion",
    reset_url="http://portal.test/mot-de-passe/x", invitation_url="http://portal.test/invitation/x",
    requests_url="http://portal.test/structures/1/demandes",
    lifetime_hours=5, minutes=5, days=5, count=5,
)

# (e-mail template, context, the count that varies, {(language, count): what the e-mail must say})
EMAIL_CASES = [
    pytest.param("activation_link", {"signup": True}, "lifetime_hours", {
        ("en", 1): ["The link is valid for 1 hour. If you ask"],
        ("en", 2): ["The link is valid for 2 hours. If you ask"],
        ("fr", 1): ["Le lien est valable 1 heure. Si vous demandez"],
        ("fr", 2): ["Le lien est valable 2 heures. Si vous demandez"],
    }, id="activation_link-signup"),
    pytest.param("activation_link", {}, "lifetime_hours", {
        ("en", 1): ["The link is valid for 1 hour and works once."],
        ("en", 2): ["The link is valid for 2 hours and works once."],
        ("fr", 1): ["Ce lien est valable 1 heure et ne peut servir qu'une fois."],
        ("fr", 2): ["Ce lien est valable 2 heures et ne peut servir qu'une fois."],
    }, id="activation_link-account"),
    pytest.param("attachment_approved", {}, "lifetime_hours", {
        ("en", 1): ["The link is valid for 1 hour and works once."],
        ("en", 2): ["The link is valid for 2 hours and works once."],
        ("fr", 1): ["Ce lien est valable 1 heure et ne peut servir qu'une fois."],
        ("fr", 2): ["Ce lien est valable 2 heures et ne peut servir qu'une fois."],
    }, id="attachment_approved"),
    pytest.param("signup_summary", {}, "lifetime_hours", {
        ("en", 1): ["A second e-mail contains your activation link, valid for 1 hour: open it"],
        ("en", 2): ["A second e-mail contains your activation link, valid for 2 hours: open it"],
        ("fr", 1): [f"Un second courriel contient votre lien d'activation, valable 1 heure{NBSP}: ouvrez-le"],
        ("fr", 2): [f"Un second courriel contient votre lien d'activation, valable 2 heures{NBSP}: ouvrez-le"],
    }, id="signup_summary-new"),
    pytest.param("signup_summary", {"attachment": True}, "lifetime_hours", {
        ("en", 1): ["A second e-mail contains a link, valid for 1 hour: open it to confirm"],
        ("en", 2): ["A second e-mail contains a link, valid for 2 hours: open it to confirm"],
        ("fr", 1): [f"Un second courriel contient un lien, valable 1 heure{NBSP}: ouvrez-le pour confirmer"],
        ("fr", 2): [f"Un second courriel contient un lien, valable 2 heures{NBSP}: ouvrez-le pour confirmer"],
    }, id="signup_summary-attachment"),
    pytest.param("sign_in_code", {}, "minutes", {
        ("en", 1): ["It is valid for 1 minute and works once."],
        ("en", 2): ["It is valid for 2 minutes and works once."],
        ("fr", 1): ["Il est valable 1 minute et ne peut servir qu'une fois."],
        ("fr", 2): ["Il est valable 2 minutes et ne peut servir qu'une fois."],
    }, id="sign_in_code"),
    pytest.param("invitation", {}, "days", {
        ("en", 1): ["The link is valid for 1 day and works once."],
        ("en", 2): ["The link is valid for 2 days and works once."],
        ("fr", 1): ["Ce lien est valable 1 jour et ne peut servir qu'une fois."],
        ("fr", 2): ["Ce lien est valable 2 jours et ne peut servir qu'une fois."],
    }, id="invitation"),
    pytest.param("password_check_locked", {}, "minutes", {
        ("en", 1): ["your current password are paused for 1 minute. Signing in is not affected."],
        ("en", 2): ["your current password are paused for 2 minutes. Signing in is not affected."],
        ("fr", 1): ["mot de passe actuel sont suspendues pendant 1 minute. La connexion"],
        ("fr", 2): ["mot de passe actuel sont suspendues pendant 2 minutes. La connexion"],
    }, id="password_check_locked"),
    pytest.param("sign_in_locked", {}, "minutes", {
        ("en", 1): ["sign-in with a password is paused for 1 minute, except from a browser"],
        ("en", 2): ["sign-in with a password is paused for 2 minutes, except from a browser"],
        ("fr", 1): ["la connexion par mot de passe est suspendue pendant 1 minute, sauf depuis"],
        ("fr", 2): ["la connexion par mot de passe est suspendue pendant 2 minutes, sauf depuis"],
    }, id="sign_in_locked"),
    pytest.param("manager_reminder", {"days": 5}, "count", {
        ("en", 1): ["1 attachment request to ALPHA SARL (AAA111) is waiting for your decision. "
                    "It has waited more than 5 days.", "Approve or refuse it here:"],
        ("en", 2): ["2 attachment requests to ALPHA SARL (AAA111) are waiting for your decision. "
                    "The oldest has waited more than 5 days.", "Approve or refuse them here:"],
        ("fr", 1): ["1 demande de rattachement à ALPHA SARL (AAA111) attend votre décision. "
                    "Elle attend depuis plus de 5 jours.", f"Validez-la ou refusez-la ici{NBSP}:"],
        ("fr", 2): ["2 demandes de rattachement à ALPHA SARL (AAA111) attendent votre décision. "
                    "La plus ancienne attend depuis plus de 5 jours.", f"Validez-les ou refusez-les ici{NBSP}:"],
    }, id="manager_reminder-requests"),
    pytest.param("manager_reminder", {"count": 1}, "days", {
        ("en", 1): ["It has waited more than 1 day."],
        ("en", 2): ["It has waited more than 2 days."],
        ("fr", 1): ["Elle attend depuis plus de 1 jour."],
        ("fr", 2): ["Elle attend depuis plus de 2 jours."],
    }, id="manager_reminder-days-one-request"),
    pytest.param("manager_reminder", {"count": 3}, "days", {
        ("en", 1): ["The oldest has waited more than 1 day."],
        ("en", 2): ["The oldest has waited more than 2 days."],
        ("fr", 1): ["La plus ancienne attend depuis plus de 1 jour."],
        ("fr", 2): ["La plus ancienne attend depuis plus de 2 jours."],
    }, id="manager_reminder-days-several-requests"),
]


@pytest.mark.parametrize("template, context, key, expected", EMAIL_CASES)
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("number", [1, 2])
def test_emails_say_one_or_several(app, template, context, key, expected, language, number):
    values = dict(EMAIL_CONTEXT, **context)
    values[key] = number
    with app.test_request_context("/"), force_locale(language):
        versions = {"text": flat(render_template(f"emails/{template}.txt", **values)),
                    "html": flat(render_template(f"emails/{template}.html", **values))}
    for version, body in versions.items():
        for wording in expected[(language, number)]:
            assert wording in body, f"{version} version: {wording!r} not in {body!r}"
        assert not ONE_THEN_PLURAL.search(body), f"{version} version: {body!r}"


# (page template, context, config key (or None: the context's "minutes"), {(language, count): what it says})
PAGE_CASES = [
    pytest.param("signup/check_mail.html", {"email": "ann@example.fr", "attachment": False}, "ACTIVATION_TOKEN_HOURS", {
        ("en", 1): ["Open the link in the e-mail within 1 hour: nothing is created before that."],
        ("en", 2): ["Open the link in the e-mail within 2 hours: nothing is created before that."],
        ("fr", 1): [f"Ouvrez le lien du courriel dans un délai de 1 heure{NBSP}: rien n'est créé avant cela."],
        ("fr", 2): [f"Ouvrez le lien du courriel dans les 2 heures{NBSP}: rien n'est créé avant cela."],
    }, id="signup-check_mail"),
    pytest.param("signup/link.html", {"kind": "invalid", "state": "expired"}, "ACTIVATION_TOKEN_HOURS", {
        ("en", 1): ["This link has expired. Ask for a new one below: it will be valid for 1 hour."],
        ("en", 2): ["This link has expired. Ask for a new one below: it will be valid for 2 hours."],
        ("fr", 1): [f"Ce lien a expiré. Demandez-en un nouveau ci-dessous{NBSP}: il sera valable 1 heure."],
        ("fr", 2): [f"Ce lien a expiré. Demandez-en un nouveau ci-dessous{NBSP}: il sera valable 2 heures."],
    }, id="signup-link-expired"),
    pytest.param("account/link_invalid.html", {"state": "expired"}, "ACTIVATION_TOKEN_HOURS", {
        ("en", 1): ["The activation link has expired. Ask for a new one below: it will be valid for 1 hour."],
        ("en", 2): ["The activation link has expired. Ask for a new one below: it will be valid for 2 hours."],
        ("fr", 1): [f"Le lien d'activation a expiré. Demandez-en un nouveau ci-dessous{NBSP}: il sera valable 1 heure."],
        ("fr", 2): [f"Le lien d'activation a expiré. Demandez-en un nouveau ci-dessous{NBSP}: il sera valable 2 heures."],
    }, id="account-link_invalid-expired"),
    pytest.param("account/sign_in_code.html", {"method": "email", "account": ACCOUNT}, None, {
        ("en", 1): ["We have sent a 6-digit code to your login address ann@example.fr. It is valid for 1 minute and works once."],
        ("en", 2): ["We have sent a 6-digit code to your login address ann@example.fr. It is valid for 2 minutes and works once."],
        ("fr", 1): ["Un code à 6 chiffres a été envoyé à votre adresse de connexion ann@example.fr. "
                    "Il est valable 1 minute et ne peut servir qu'une fois."],
        ("fr", 2): ["Un code à 6 chiffres a été envoyé à votre adresse de connexion ann@example.fr. "
                    "Il est valable 2 minutes et ne peut servir qu'une fois."],
    }, id="account-sign_in_code"),
]


@pytest.mark.parametrize("template, context, config_key, expected", PAGE_CASES)
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("number", [1, 2])
def test_pages_say_one_or_several(app, template, context, config_key, expected, language, number):
    if config_key:
        app.config[config_key] = number
    with app.test_request_context("/"), force_locale(language):
        values = dict(context, minutes=number, form=SignInCodeForm(meta={"csrf": False}))
        page = flat(render_template(template, **values))
    for wording in expected[(language, number)]:
        assert wording in page, f"{wording!r} not in the page"
    assert not ONE_THEN_PLURAL.search(page)


# --- Through the portal --------------------------------------------------------------------------------


def test_manager_reminder_for_one_request_and_for_several(app, runner, outbox):
    """Subject and body follow the count of waiting requests and the reminder delay, in each manager's
    language: one request to BETA (English), two to ALPHA (French), waiting for more than 1 day."""
    app.config["ATTACHMENT_REMINDER_DAYS"] = 1
    alpha = make_structure(app, "ALPHA SARL", "AAA111", "HORS_UE", country="US")
    beta = make_structure(app, "BETA SA", "BBB222", "HORS_UE", country="US")
    add_member(app, make_account(app, "ann@example.fr", first_name="Ann", locale="fr"), alpha, Role.PRINCIPAL_MANAGER)
    add_member(app, make_account(app, "bob@example.fr", first_name="Bob", locale="en"), beta, Role.PRINCIPAL_MANAGER)
    requesters = [(make_account(app, f"{name}@example.fr"), structure)
                  for name, structure in (("carl", alpha), ("dora", alpha), ("eve", beta))]
    with app.app_context(), db.connection_context():
        for requester, structure in requesters:
            AttachmentRequest.create(account=requester, structure=structure, created_at=utcnow() - timedelta(days=2))
    result = runner.invoke(args=["attachments", "remind"])
    assert result.exit_code == 0 and "reminders queued: 2" in result.output, result.output
    mails = {m.recipient: m for m in outbox() if m.kind == "manager_reminder"}

    bob = mails["bob@example.fr"]
    assert bob.subject == "An attachment request is waiting for your decision"
    for body in (flat(bob.body_text), flat(bob.body_html)):
        assert ("1 attachment request to BETA SA (BBB222) is waiting for your decision. "
                "It has waited more than 1 day.") in body
        assert "Approve or refuse it here:" in body

    ann = mails["ann@example.fr"]
    assert ann.subject == "Des demandes de rattachement attendent votre décision"
    for body in (flat(ann.body_text), flat(ann.body_html)):
        assert ("2 demandes de rattachement à ALPHA SARL (AAA111) attendent votre décision. "
                "La plus ancienne attend depuis plus de 1 jour.") in body
        assert f"Validez-les ou refusez-les ici{NBSP}:" in body
    assert not any(ONE_THEN_PLURAL.search(flat(m.body_text)) for m in mails.values())


def test_sign_up_with_links_valid_one_hour(app, client, outbox):
    app.config["ACTIVATION_TOKEN_HOURS"] = 1
    response = submit(client)
    assert response.status_code == 303
    page = flat(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Open the link in the e-mail within 1 hour: nothing is created before that." in page
    mails = {m.kind: m for m in outbox()}
    assert "The link is valid for 1 hour. If you ask for a new link" in flat(mails["activation_link"].body_text)
    assert "your activation link, valid for 1 hour: open it" in flat(mails["signup_summary"].body_text)
    assert not any(ONE_THEN_PLURAL.search(flat(m.body_text)) for m in mails.values())


def test_sign_in_code_valid_one_minute(app, client, active_alice, outbox, auth):
    app.config.update(TWO_FACTOR="mandatory", SIGN_IN_CODE_MINUTES=1)
    assert auth.sign_in(language="fr").headers["Location"] == "/connexion/code"
    page = flat(client.get("/connexion/code").get_data(as_text=True))
    assert "Il est valable 1 minute et ne peut servir qu'une fois." in page
    [message] = [m for m in outbox() if m.kind == "sign_in_code"]  # in the account's language, English
    assert "It is valid for 1 minute and works once." in flat(message.body_text)
    assert not ONE_THEN_PLURAL.search(page) and not ONE_THEN_PLURAL.search(flat(message.body_text))


@pytest.mark.parametrize("days, says", [(1, "The link is valid for 1 day."), (7, "The link is valid for 7 days.")])
def test_invitation_says_how_many_days_its_link_lasts(app, client, auth, outbox, monkeypatch, days, says):
    monkeypatch.setattr("webapp.structures.manage.invitations.INVITATION_DAYS", days)
    monkeypatch.setattr("webapp.structures.manage.invitation_views.INVITATION_DAYS", days)
    structure = make_structure(app, "ALPHA SARL", "AAA111", "HORS_UE", country="US")
    add_member(app, make_account(app, "ann@example.fr"), structure, Role.PRINCIPAL_MANAGER)
    assert auth.sign_in("ann@example.fr").status_code == 303
    sent = client.post(f"/structures/{structure}/invitations",
                       data={"email": "nina@example.fr", "csrf_token": csrf(client)}, follow_redirects=True)
    assert f"An invitation was sent to nina@example.fr. {says}" in flat(sent.get_data(as_text=True))
    [mail] = [m for m in outbox() if m.kind == "invitation"]
    assert says.replace(".", " and works once.") in flat(mail.body_text)


def test_no_message_puts_a_count_before_a_plural_noun_without_plural_forms():
    """Every msgid is in the catalogue (tests/test_i18n.py): none without plural forms may say
    "%(hours)s hours"; ngettext() gives the count its singular."""
    with FRENCH_PO.open("rb") as po_file:
        catalogue = read_po(po_file, locale="fr")
    count_then_plural = re.compile(
        r"%\(\w+\)[sd] (?:[a-z-]+ )?(?:hours|days|minutes|seconds|weeks|characters|digits|requests|structures|"
        r"invitations|members|accounts|managers|codes|e-mails|attempts)\b"
    )
    offending = [m.id for m in catalogue if isinstance(m.id, str) and count_then_plural.search(m.id)]
    assert not offending, offending
