""""My account": personal details and the secret question."""
import re

import pytest
from factories import PASSWORD, account, csrf, value

from webapp.credentials import normalise_secret_answer, verify_password


@pytest.fixture
def alice(client, active_alice, auth):
    assert auth.sign_in().status_code == 303
    return client


def details(client, **changes):
    data = {"first_name": "Alicia", "last_name": "Martin-Durand", "phone": "06 12 34 56 78",
            "contact_email": "compta@example.fr", "csrf_token": csrf(client)}
    data.update(changes)
    return client.post("/mon-compte/coordonnees?lang=en", data=data)


def errors(response):
    return dict(re.findall(r'<li><a href="#([^"]+)">[^<]*?: ([^<]*)</a></li>', response.get_data(as_text=True)))


def test_my_account_links_to_every_change(alice):
    body = alice.get("/mon-compte?lang=en").get_data(as_text=True)
    for path in ("/mon-compte/coordonnees", "/mon-compte/mot-de-passe", "/mon-compte/question-secrete",
                 "/mon-compte/double-authentification"):
        assert f'href="{path}"' in body


def test_details_form_is_prefilled_and_the_login_address_is_not_editable(alice):
    body = alice.get("/mon-compte/coordonnees?lang=en").get_data(as_text=True)
    assert value(body, "first_name") == "Alice" and value(body, "last_name") == "Martin"
    assert value(body, "contact_email") == "alice@example.fr"
    assert "alice@example.fr" in body and 'name="email"' not in body and 'name="login_email"' not in body


def test_details_are_saved(app, alice):
    response = details(alice, email="mallory@example.fr")  # a forged login address is ignored
    assert response.status_code == 303 and response.headers["Location"] == "/mon-compte"
    saved = account(app)
    assert (saved.first_name, saved.last_name, saved.phone, saved.contact_email) == (
        "Alicia", "Martin-Durand", "+33612345678", "compta@example.fr")
    assert saved.email == "alice@example.fr"
    body = alice.get("/mon-compte?lang=en").get_data(as_text=True)
    assert "Your details have been saved." in body and "Alicia Martin-Durand" in body


def test_my_account_shows_the_phone_as_people_write_it(alice):
    details(alice, phone="06 12 34 56 78")
    assert "<dd>06 12 34 56 78</dd>" in alice.get("/mon-compte?lang=en").get_data(as_text=True)
    details(alice, phone="+41 22 123 45 67")  # abroad: international format
    assert "<dd>+41 22 123 45 67</dd>" in alice.get("/mon-compte?lang=en").get_data(as_text=True)


def test_phone_may_be_empty(app, alice):
    assert details(alice, phone="").status_code == 303
    assert account(app).phone == ""


def test_bad_details_name_the_fields_and_keep_the_values(app, alice):
    response = details(alice, first_name="", phone="12", contact_email="not-an-address")
    assert response.status_code == 422
    found = errors(response)
    assert found["first_name"] == "Fill in this field."
    assert found["phone"].startswith("This phone number is not valid") or found["phone"].startswith("Enter a phone")
    assert found["contact_email"] == "Enter an e-mail address in the form name@example.fr."
    body = response.get_data(as_text=True)
    assert value(body, "last_name") == "Martin-Durand" and value(body, "contact_email") == "not-an-address"
    assert account(app).first_name == "Alice"


@pytest.mark.parametrize("changes", [
    {"first_name": "x" * 300}, {"phone": "\x00\x00"}, {"contact_email": "a@" + "b" * 300 + ".fr"},
    {"first_name": "Ali\x00ce"}, {"phone": "+999 999"},
])
def test_odd_input_never_fails(alice, changes):
    assert details(alice, **changes).status_code in (303, 422)


def test_details_need_csrf_and_sign_in(app, client, alice):
    assert alice.post("/mon-compte/coordonnees", data={"first_name": "Eve"}).status_code == 400
    anonymous = app.test_client()
    response = anonymous.post("/mon-compte/coordonnees", data={"first_name": "Eve", "csrf_token": csrf(anonymous)})
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert account(app).first_name == "Alice"


def question(client, **changes):
    data = {"current_password": PASSWORD, "secret_question": "first_car", "secret_answer": " Deux  Chevaux ",
            "csrf_token": csrf(client)}
    data.update(changes)
    return client.post("/mon-compte/question-secrete?lang=en", data=data)


def test_secret_question_change(app, alice):
    body = alice.get("/mon-compte/question-secrete?lang=en").get_data(as_text=True)
    assert re.search(r'<option selected value="first_pet">|<option value="first_pet" selected>', body)
    response = question(alice)
    assert response.status_code == 303
    saved = account(app)
    assert saved.secret_question == "first_car"
    assert verify_password(saved.secret_answer_hash, normalise_secret_answer("deux chevaux"))
    assert "Your secret question has been changed." in alice.get("/mon-compte?lang=en").get_data(as_text=True)


def test_secret_question_needs_the_current_password(app, alice):
    response = question(alice, current_password="Wrong-Horse-42x", secret_question="evil", secret_answer="")
    assert response.status_code == 422
    found = errors(response)
    assert found["current_password"].startswith("This is not your current password.")
    assert found["secret_question"] == "Choose a question from the list."
    assert found["secret_answer"] == "Fill in this field."
    assert list(found) == ["current_password", "secret_question", "secret_answer"]  # page order
    assert account(app).secret_question == "first_pet"
