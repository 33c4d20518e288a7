"""The styleguide (outside production): every component, and the sign-up page's regions in each state.

Each state is a real SignupForm filled from sample data and rendered by the real macros, so a change
to a template or to portal.css shows here at once. Nothing is written: the captcha is a stand-in
(its image and audio URLs answer 404), register records and the declared structure are built in memory.
"""
from dataclasses import dataclass, field
from types import SimpleNamespace

from flask import Blueprint, abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from webapp.register import RegisterRecord
from webapp.models import Structure
from webapp.web.rendering import render
from webapp.credentials import password_rules
from webapp.signup.forms import SignupForm
from webapp.structures.check import IdentifierCheck, check_identifier
from webapp.structures.fields import validate_structure
from webapp.structures.form_flow import apply_prefill

bp = Blueprint("styleguide", __name__, url_prefix="/styleguide")

SAMPLE_CAPTCHA = SimpleNamespace(public_id="styleguide-sample")
PERSON = {
    "login_email": "alice.martin@example.fr", "login_email_confirm": "alice.martin@example.fr",
    "first_name": "Alice", "last_name": "Martin", "phone": "01 23 45 67 89", "accept_terms": "y",
}
SIRET = "90110001600012"


def sample_record(**changes):
    """A register record as the demo register gives it for 90110001600012."""
    values = dict(
        siret="90110001600012", siren="901100016", name="ATELIERS DU LAMPADAIRE BLEU",
        address_line="12 BIS AVENUE DES LILAS", postcode="75012", city="PARIS", country="FR",
        legal_category="5710", structure_type="company",
    )
    values.update(changes)
    return RegisterRecord(**values)


@dataclass
class State:
    title: str
    form: SignupForm
    check: IdentifierCheck
    captcha_solved: bool = False
    captcha_error: str = None
    quiet: bool = False
    notes: list = field(default_factory=list)

    @property
    def kind(self):
        return self.form.chosen_type()


def sample_form(**values):
    data = MultiDict({**values})
    return SignupForm(formdata=data, meta={"csrf": False})


def found(record, **values):
    form = sample_form(**PERSON, identifier_type="SIRET", identifier=SIRET, **values)
    check = IdentifierCheck("found", SIRET, _l("This structure is not yet in the portal: check the pre-filled information."),
                            record=record)
    if not record.is_diffusible:
        check.notes.append(_l("This structure is not for publication: the register hides some of its details, "
                              "so type the empty fields yourself."))
    apply_prefill(form, check)
    return form, check


def declared():
    form = sample_form(**PERSON, identifier_type="SIRET", identifier=SIRET)
    structure = Structure(identifier_type="SIRET", identifier=SIRET, company_name="ATELIERS DU LAMPADAIRE BLEU")
    message = _(  # plain gettext, as structures/check.py does: the name is typed text, never in a lazy string
        "This structure is already declared in the portal as “%(name)s”. Your sign-up will "
        "become an attachment request that the structure's managers must approve.",
        name=structure.public_name,
    )
    return form, IdentifierCheck("existing", SIRET, message, structure=structure)


def submitted(form, check):
    """The errors the final submit would show, without signing anyone up."""
    form.validate()
    form.validate_personal()
    validate_structure(form, check)
    return form, check


def error_state(title, type_code, identifier, status, message, **values):
    form = sample_form(**PERSON, identifier_type=type_code, identifier=identifier, **values)
    return State(title, *submitted(form, IdentifierCheck(status, identifier, message)))


def signup_states():
    """Every state of the sign-up page's regions, from the sample data above."""
    empty = sample_form()
    nd_record = sample_record(name="", address_line="", postcode="", city="GRENOBLE", is_diffusible=False,
                             masked_fields=frozenset({"name", "address_line", "postcode"}))
    states = [
        State("Empty page", empty, check_identifier("", "")),
        State("Type chosen, nothing typed", sample_form(identifier_type="SIRET"), IdentifierCheck("empty"), quiet=True),
        State("Private person (no identifier)", sample_form(identifier_type="PARTICULIER"), IdentifierCheck("no_identifier")),
        State("Outside the EU", sample_form(identifier_type="HORS_UE"), IdentifierCheck("empty"), quiet=True),
        State("Prefilled from the register", *found(sample_record())),
        State("Non-diffusible unit (masked fields to type)", *found(nd_record)),
        State("Structure already declared (attachment request)", *declared()),
        State("Every required field missing (failed submit)", *submitted(sample_form(), check_identifier("", ""))),
        State("Personal errors: addresses differ, bad phone", *submitted(
            sample_form(**{**PERSON, "login_email_confirm": "other@example.fr", "phone": "12"},
                        identifier_type="PARTICULIER", person_last_name="Martin", person_first_name="Alice",
                        address_line="1 rue X", postcode="75001", city="PARIS", country="FR"),
            IdentifierCheck("no_identifier"))),
        State("Malformed SIRET", *submitted(sample_form(**PERSON, identifier_type="SIRET", identifier="1234"),
                                            check_identifier("SIRET", "1234"))),
        State("Register unavailable", sample_form(**PERSON, identifier_type="SIRET", identifier=SIRET),
              IdentifierCheck("unavailable", SIRET, _l("The business register cannot be reached right now: "
                                                        "type your structure's details below."))),
        error_state("SIRET unknown to the register", "SIRET", "90110001600099", "unknown",
                    _l("No establishment with this SIRET is in the business register: check the number.")),
        error_state("Establishment closed", "SIRET", "90110002400024", "closed",
                    _l("This establishment is closed in the business register: enter the SIRET of an open establishment.")),
        State("Wrong captcha answer", sample_form(**PERSON), IdentifierCheck("no_type"),
              captcha_error=_l("The characters typed do not match the image: copy those of the new image.")),
        State("Captcha validated", *found(sample_record()), captcha_solved=True),
    ]
    return states


def rules_states():
    sample = {"email": "alice.martin@example.fr", "names": ("Alice", "Martin")}
    return [
        ("Password rules, nothing typed", password_rules("", **sample)),
        ("Password rules, some unmet", password_rules("abcdefgh", **sample)),
        ("Password rules, all met", password_rules("Horizon#Velours42", **sample)),
    ]


@bp.get("/")
def index():
    return render("styleguide/index.html", states=signup_states(), rules_states=rules_states(),
                  sample_form=submitted(sample_form(), check_identifier("", ""))[0])


@bp.get("/etat/<int:number>")
def state(number):
    states = signup_states()
    if not 1 <= number <= len(states):
        abort(404)
    chosen = states[number - 1]
    return render(
        "styleguide/state.html", number=number, count=len(states), title=chosen.title,
        form=chosen.form, kind=chosen.kind, check=chosen.check, quiet=chosen.quiet, captcha=SAMPLE_CAPTCHA,
        captcha_solved=chosen.captcha_solved, captcha_error=chosen.captcha_error, failed=bool(chosen.form.errors),
    )
