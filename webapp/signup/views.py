"""The "create an account" page and its htmx fragments. Every fragment URL also serves a full page.

Submitting answers the same redirect and the same "check your mailbox" page whatever the address:
the address is looked up after the answer has left (service.py, after_response.py).
"""
from flask import flash, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.captcha import service as captcha
from webapp.web.limits import page_when_limited
from webapp.web.rendering import render, wants_fragment
from webapp.structures.check import check_identifier
from webapp.forms import without_control_characters
from webapp.structures.fields import validate_structure
from webapp.structures.form_flow import check_changing_no_field, form_submitted, identifier_typed, type_chosen
from webapp.structures.lifecycle import unclaimed
from webapp.signup import bp
from webapp.mail.after_response import after_response
from webapp.signup.forms import SignupForm
from webapp.signup.service import answer_signup, hold_signup, resend_links

PAGE = "signup/page.html"


def page_context(form, check=None, captcha_challenge=None, captcha_error=None, **extra):
    solved = False
    if captcha_challenge is None and not wants_fragment():
        # Only a whole page shows the captcha; a fragment must not issue challenges.
        captcha_challenge, solved = current_captcha(form)
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


@bp.get("")
def signup_page():
    form = SignupForm(formdata=None)
    return render(PAGE, **page_context(form))


@bp.post("/type")
def choose_type():
    """The identifier field and the fields the chosen type needs."""
    form = SignupForm()
    check = type_chosen(form)
    return render(PAGE, "structure_block", **page_context(form, check, quiet=True))


@bp.post("/identifiant")
def check_identifier_fragment():
    """Checks the identifier as it is typed: the feedback line, and out of band only the structure
    fields the answer changes (form_flow.identifier_typed)."""
    if wants_fragment():
        check = check_changing_no_field(request.form)
        if check is not None:  # the feedback line alone: no form to bind
            return render(PAGE, "identifier_check", check=check, changes=None)
    form = SignupForm()
    check, changes = identifier_typed(form)
    return render(PAGE, "identifier_check", **page_context(form, check, changes=changes))


@bp.post("")
def submit():
    form = SignupForm()
    action = request.form.get("action", "create")
    check = form_submitted(form, final=action == "create")
    if action == "new_captcha":
        return render(PAGE, **page_context(form, check, captcha_challenge=captcha.issue_challenge(), quiet=True))
    if action != "create":
        # Without JavaScript, "Show the fields" and "Check the identifier" post the whole form; so
        # does the language switch, which keeps everything typed.
        return render(PAGE, **page_context(form, check, quiet=action in ("type", "language")))
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
    held = hold_signup(
        form.personal_values(),
        form.identifier_type.data,
        check.identifier,
        {} if check.structure else form.structure_values(),
        locale=str(get_locale()),
    )
    after_response(answer_signup, held.id)
    session["signup_email"] = held.email
    # What the form already said about the identifier, never anything about the address.
    session["signup_attachment"] = check.structure is not None and not unclaimed(check.structure)
    return redirect(url_for("signup.check_mail"), code=303)


@page_when_limited("signup.submit")
def submit_limited():
    """The per-IP limit hit on a submission: the page again with everything typed (the captcha too,
    unspent), above it when to retry (limits.py)."""
    form = SignupForm()
    check = form_submitted(form, final=True)  # a pre-fill only fills empty fields: nothing typed is replaced
    return render(PAGE, status=429, **page_context(form, check, failed=True))


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


@bp.post("/nouveau-lien")
def resend_link():
    """Same answer whatever the address and however often; the work is done after the answer left."""
    email = without_control_characters(request.form.get("email") or session.get("signup_email") or "")
    after_response(resend_links, email)
    flash(_("If a sign-up or an account awaiting activation uses this address, a new link has been sent to it. "
            "Links can be resent once a minute."), "info")
    if session.get("signup_email"):
        return redirect(url_for("signup.check_mail"), code=303)
    return redirect(url_for("account.sign_in"), code=303)
