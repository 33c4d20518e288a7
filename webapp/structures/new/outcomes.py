"""What a person is told after creating or joining a structure (here, on the directory, on the sign-up page)."""
from flask import flash
from flask_babel import gettext as _

# Messages that carry a structure's name use plain gettext, called at request time: a lazy string
# is trusted as HTML by Jinja, and the name is text someone typed.

def outcome_message(kind, name):
    """The notice after a create/join (kind: created, taken_over, requested, member, pending) and its category."""
    if kind == "created":
        return _("The structure “%(name)s” is created: you are its principal manager.", name=name), "success"
    if kind == "taken_over":
        return _("You are now the principal manager of “%(name)s”: it was declared by an account that was "
                 "never activated, which has been removed.", name=name), "success"
    if kind == "requested":
        return _("Your attachment request has been sent to the managers of “%(name)s”.", name=name), "success"
    if kind == "member":
        return _("You are already a member of “%(name)s”.", name=name), "info"
    return _("Your attachment request to “%(name)s” is already awaiting a manager's approval.", name=name), "info"


def flash_outcome(outcome):
    structure = outcome.structure
    name = structure.public_name if outcome.kind in ("created", "member") else structure.name_for_outsiders
    flash(*outcome_message(outcome.kind, name))
