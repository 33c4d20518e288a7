"""The link e-mailed about a held sign-up: opening it creates the account (confirmation.py)."""
from flask import redirect, url_for

from webapp.mail.outbox import deliver_after_commit
from webapp.web.rendering import render
from webapp.signup import bp
from webapp.signup.confirmation import find_held, open_held

LINK_PAGE = "signup/link.html"


@bp.get("/activation/<token>")
def open_link(token):
    held, state = find_held(token)
    if state != "valid":
        return render(LINK_PAGE, kind="invalid", state=state, status=410 if held else 404)
    opened = open_held(held)
    deliver_after_commit()  # the managers' e-mail when the sign-up became an attachment request
    if opened.kind == "activate":
        # The account waits for its password on the activation page, like one a manager approved.
        return redirect(url_for("account.activate", token=opened.activation_token), code=303)
    status = 410 if opened.kind == "invalid" else 200
    return render(LINK_PAGE, kind=opened.kind, state=opened.state, structure=opened.structure, status=status)
