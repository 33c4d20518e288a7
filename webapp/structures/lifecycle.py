"""A structure comes into the portal: found by its identifier, or created (with an assigned identifier
for the types the portal numbers itself). Sign-up confirmations and "create a structure" both use it."""
from peewee import IntegrityError

from webapp.extensions import db
from webapp.models import Structure
from webapp.structures.identifiers import assign_identifier, identifier_type


def find_or_create_structure(type_code, identifier, values, account):
    """Return (structure, created). A unique index decides races between simultaneous sign-ups."""
    kind = identifier_type(type_code)
    if kind.takes_identifier:
        found = Structure.by_identifier(type_code, identifier)
        if found is not None:
            return found, False
    for attempt in range(5):
        # A sign-up's assigned identifier was shown in its summary: kept unless taken meanwhile.
        keep = kind.takes_identifier or (attempt == 0 and identifier)
        number = identifier if keep else assign_identifier(type_code)
        try:
            with db.atomic():
                return Structure.create(identifier_type=type_code, identifier=number, **values), True
        except IntegrityError:
            if kind.takes_identifier:
                return Structure.get(
                    (Structure.identifier_type == type_code) & (Structure.identifier == number)
                ), False
    raise RuntimeError("could not assign a free identifier")
