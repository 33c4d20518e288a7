"""Which workspaces a structure offers and which a member opened. No `request` here.

Absent StructureWorkspace rows mean "offered" (every workspace is offered until a manager says no).
A member who never chose has the default workspaces open, without any row: joining a structure
(sign-up, approval, invitation) needs no hook here. The first choice writes the member's whole set
plus the CHOSEN marker row, so that closing every workspace is not mistaken for "never chose".
"""
from dataclasses import dataclass

from webapp.extensions import db
from webapp.models import OpenedWorkspace, StructureEvent, StructureWorkspace
from webapp.structures.workspaces.catalogue import DEFAULT_OPENED, WORKSPACES

CHOSEN = "_chosen"  # marker row: this member's OpenedWorkspace rows are the whole truth


@dataclass
class WorkspaceState:
    workspace: object
    offered: bool
    opened: bool  # opened by the member and offered by the structure

    @property
    def code(self):
        return self.workspace.code


def offered_codes(structure):
    refused = {
        row.code for row in StructureWorkspace.select().where(
            (StructureWorkspace.structure == structure) & (StructureWorkspace.offered == False)  # noqa: E712
        )
    }
    return {w.code for w in WORKSPACES if w.code not in refused}


def opened_codes(membership):
    if membership is None:
        return set()
    codes = {row.code for row in OpenedWorkspace.select().where(OpenedWorkspace.membership == membership)}
    if CHOSEN not in codes:
        return set(DEFAULT_OPENED)
    return codes - {CHOSEN}


def workspace_states(structure, membership):
    offered, opened = offered_codes(structure), opened_codes(membership)
    return [WorkspaceState(w, w.code in offered, w.code in offered and w.code in opened) for w in WORKSPACES]


def workspace_state(structure, membership, code):
    return next(state for state in workspace_states(structure, membership) if state.code == code)


def set_offered(structure, code, offered, actor):
    with db.atomic():
        (StructureWorkspace.insert(structure=structure, code=code, offered=offered)
         .on_conflict(conflict_target=[StructureWorkspace.structure, StructureWorkspace.code],
                      update={StructureWorkspace.offered: offered})
         .execute())
        record(structure, actor, "workspace_offered" if offered else "workspace_withdrawn", code)


def set_opened(membership, code, opened):
    """Open or close a workspace for the member. Returns False if the structure does not offer it."""
    if opened and code not in offered_codes(membership.structure):
        return False
    with db.atomic():
        current = opened_codes(membership)
        wanted = (current | {code}) if opened else (current - {code})
        OpenedWorkspace.delete().where(
            (OpenedWorkspace.membership == membership)
            & OpenedWorkspace.code.not_in(list(wanted | {CHOSEN}))
        ).execute()
        rows = [{"membership": membership, "code": c} for c in sorted(wanted | {CHOSEN})]
        OpenedWorkspace.insert_many(rows).on_conflict_ignore().execute()
    return True


def set_features(structure, payment_requests, dume, actor):
    with db.atomic():
        structure.feature_payment_requests = payment_requests
        structure.feature_dume = dume
        structure.save(only=[type(structure).feature_payment_requests, type(structure).feature_dume])
        record(structure, actor, "features_changed",
               f"payment_requests={payment_requests}, dume={dume}")


def record(structure, actor, action, detail=""):
    StructureEvent.record(structure, actor, action, detail=detail)
