"""Annuaire des structures: public search (htmx active search, plain GET form without JS)."""
from flask import abort, g, redirect, request, url_for

from webapp.mail.outbox import deliver_after_commit
from webapp.models import AttachmentRequest, AttachmentStatus, Membership
from webapp.structures.new.service import request_attachment
from webapp.structures.new.outcomes import flash_outcome
from webapp.web.rendering import render, wants_fragment
from webapp.structures.public_directory import bp
from webapp.structures.public_directory.service import clean_query, listed_structure, search as search_structures

PAGE = "structure_directory/search.html"


def relations(account, structures):
    """{structure id: "member" | "pending"} for the signed-in account, in two queries."""
    if account is None or not structures:
        return {}
    ids = [s.id for s in structures]
    found = {
        r.structure_id: "pending" for r in AttachmentRequest.select(AttachmentRequest.structure).where(
            (AttachmentRequest.account == account) & AttachmentRequest.structure.in_(ids)
            & (AttachmentRequest.status == AttachmentStatus.PENDING)
        )
    }
    found.update({
        m.structure_id: "member" for m in Membership.select(Membership.structure).where(
            (Membership.account == account) & Membership.structure.in_(ids)
        )
    })
    return found


@bp.get("")
def search():
    result = search_structures(request.args.get("q", ""), request.args.get("page", 1, type=int))
    return render(PAGE, "results", result=result, relations=relations(g.account, result.structures),
                  live=wants_fragment())


@bp.post("/<int:structure_id>/rattachement")
def request_attachment_from_directory(structure_id):
    back = url_for(".search", q=clean_query(request.form.get("q", "")) or None,
                   page=request.form.get("page", type=int) or None)
    if g.account is None:
        return redirect(url_for("account.sign_in", next=back))
    structure = listed_structure(structure_id)
    if structure is None:
        abort(404)
    flash_outcome(request_attachment(g.account, structure))
    deliver_after_commit()  # the managers' e-mail about the request
    return redirect(back, code=303)
