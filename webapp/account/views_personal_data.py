""""My personal data": download everything stored about the account, or delete the account."""
import json

from flask import flash, g, make_response, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired

from webapp.auth import login_required
from webapp.mail.outbox import deliver_after_commit
from webapp.models import utcnow
from webapp.web.rendering import render
from webapp.forms import CleanTextMeta
from webapp.account import bp
from webapp.account.personal_data import DeletionBlocked, delete_account, deletion_plan, export_personal_data
from webapp.account.profile_forms import CurrentPasswordField
from webapp.account.sessions import clear_session
from webapp.account.views_profile import check_current_password


class DeleteAccountForm(CurrentPasswordField, FlaskForm):
    Meta = CleanTextMeta

    confirm = BooleanField(
        _l("I understand that my account will be deleted for good"),
        validators=[DataRequired(_l("Tick this box to confirm that you want to delete your account."))],
    )


def personal_data_page(form, status=200, blocked=None):
    blocking, going, _left = deletion_plan(g.account)
    return render(
        "account/personal_data.html", status=status, form=form, account=g.account,
        blocking=blocked if blocked is not None else blocking, going=going,
        failed=bool(form.errors) or bool(blocked),
    )


@bp.get("/mon-compte/donnees")
@login_required
def personal_data():
    return personal_data_page(DeleteAccountForm())


@bp.post("/mon-compte/donnees/telechargement")
@login_required
def download_personal_data():
    body = json.dumps(export_personal_data(g.account), ensure_ascii=False, indent=2)
    response = make_response(body)
    response.mimetype = "application/json"
    filename = f"mes-donnees-{utcnow().date().isoformat()}.json"
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/mon-compte/donnees/suppression")
@login_required
def delete_my_account():
    form = DeleteAccountForm()
    form.validate()
    check_current_password(form, g.account)
    if form.errors:
        return personal_data_page(form, status=422)
    try:
        delete_account(g.account)
    except DeletionBlocked as blocked:
        return personal_data_page(form, status=409, blocked=blocked.structures)
    clear_session()
    g.account = None
    deliver_after_commit()
    flash(_("Your account has been deleted. An e-mail confirms it."), "success")
    return redirect(url_for("pages.home"), code=303)
