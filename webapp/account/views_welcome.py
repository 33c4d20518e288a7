""""Your account is created": where the first sign-in after activation lands (and any sign-in while the
account has no structure), with the guide's two choices: create a new structure, or ask to be attached
to one. Never a dead end: it leads to those pages and to "My account"."""
from flask import g, session

from webapp.account import bp
from webapp.account.service import account_overview
from webapp.account.sessions import WELCOME_KEY
from webapp.auth import login_required
from webapp.web.rendering import render


@bp.get("/mon-compte/bienvenue")
@login_required
def welcome():
    memberships, pending = account_overview(g.account)
    return render(
        "account/welcome.html", account=g.account, memberships=memberships, pending=pending,
        just_created=bool(session.get(WELCOME_KEY)),
    )
