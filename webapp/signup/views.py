"""The "create an account" page and its htmx fragments. Every fragment URL also serves a full page."""
from flask import redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from .. import captcha
from ..mail import deliver_after_commit
from ..rendering import render
from ..identifiers import vat_country
from ..structure_check import PREFILL, check_identifier, prefill_values
from ..structure_form import validate_structure
from . import bp
from .forms import SignupForm
from .service import sign_up

PAGE = "signup/page.html"


def page_context(form, check=None, captcha_challenge=None, captcha_error=None, **extra):
    if captcha_challenge is None:
        captcha_challenge, solved = current_captcha(form)
    else:
        solved = False
    return dict(
        form=form,
        kind=form.chosen_type(),
        check=check or check_identifier(form.identifier_type.data, form.identifier.data),
        captcha=captcha_challenge,
        captcha_solved=solved,
        captcha_error=captcha_error,
        **extra,
    )


def current_captcha(form):
    """The form's captcha if it is still usable, else a fresh one."""
    challenge = captcha.live_challenge(form.captcha_id.data)
    if challenge is None:
        return captcha.issue_challenge(), False
    return challenge, challenge.solved_at is not None


def apply_prefill(form, check, overwrite=True):
    """Pre-fill from the register once per SIRET, so the user's own edits are not overwritten.

    On the final submit (overwrite=False) only empty fields are filled. A new SIRET replaces what
    the previous one pre-filled, so nothing of another company (or a masked value) lingers.
    """
    kind = form.chosen_type()
    if kind is not None and kind.code == "UE_HORS_FRANCE" and check.identifier and not check.is_error:
        form.country.data = vat_country(check.identifier)
    if check.status != "found" or form.prefilled_siret.data == check.identifier:
        return
    values = prefill_values(check.record)
    if overwrite and form.prefilled_siret.data:
        for name in PREFILL.values():
            if name not in values:
                getattr(form, name).data = ""
        form.non_diffusible.data = False
    for name, value in values.items():
        field = getattr(form, name)
        if overwrite or not field.data:
            field.data = value
    form.prefilled_siret.data = check.identifier
    form.identifier.data = check.identifier


def apply_feature_defaults(form):
    """The feature boxes take their defaults when the page did not show them yet.

    An unticked box is absent from a POST, like a box that was never shown: the marker
    `features_shown` (rendered with the boxes) tells the two apart.
    """
    if "features_shown" not in request.form:
        form.feature_payment_requests.data = form.feature_payment_requests.default
        form.feature_dume.data = form.feature_dume.default


@bp.get("")
def signup_page():
    form = SignupForm(formdata=None)
    return render(PAGE, **page_context(form))


@bp.post("/type")
def choose_type():
    """The identifier field and the fields the chosen type needs."""
    form = SignupForm()
    apply_feature_defaults(form)
    form.identifier.data = ""
    form.prefilled_siret.data = ""
    check = check_identifier(form.identifier_type.data, "")
    return render(PAGE, "structure_block", **page_context(form, check, quiet=True))


@bp.post("/identifiant")
def check_identifier_fragment():
    """Checks the identifier as it is typed; swaps the structure fields out of band when they change."""
    form = SignupForm()
    apply_feature_defaults(form)
    check = check_identifier(form.identifier_type.data, form.identifier.data)
    apply_prefill(form, check)
    return render(PAGE, "identifier_check", **page_context(form, check, oob=True))


@bp.post("")
def submit():
    form = SignupForm()
    action = request.form.get("action", "create")
    apply_feature_defaults(form)
    check = check_identifier(form.identifier_type.data, form.identifier.data)
    apply_prefill(form, check, overwrite=action != "create")
    if action == "new_captcha":
        return render(PAGE, **page_context(form, check, captcha_challenge=captcha.issue_challenge(), quiet=True))
    if action != "create":
        # Without JavaScript, "Show the fields" and "Check the identifier" post the whole form.
        return render(PAGE, **page_context(form, check, quiet=action == "type"))
    form.validate()
    form.validate_personal()
    validate_structure(form, check)
    if form.errors:
        return render(PAGE, status=422, **page_context(form, check, failed=True))
    if not captcha.spend(form.captcha_id.data, form.captcha_answer.data):
        form.captcha_answer.errors.append(
            _l("The characters typed do not match the image: copy those of the new image.")
        )
        return render(
            PAGE, status=422,
            **page_context(form, check, captcha_challenge=captcha.issue_challenge(), failed=True),
        )
    structure_values = {} if check.structure else form.structure_values()
    outcome = sign_up(
        form.personal_values(),
        form.identifier_type.data,
        check.identifier,
        structure_values,
        locale=str(get_locale()),
    )
    deliver_after_commit()
    session["signup_email"] = outcome.email
    session["signup_attachment"] = outcome.kind == "attachment_requested"
    return redirect(url_for("signup.check_mail"), code=303)


@bp.get("/verifiez-votre-messagerie")
def check_mail():
    email = session.get("signup_email")
    if not email:
        return redirect(url_for("signup.signup_page"))
    return render(
        "signup/check_mail.html",
        email=email,
        attachment=session.get("signup_attachment", False),
    )
