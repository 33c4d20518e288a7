"""Annuaire des structures: what anyone may find, and see, of the structures in the portal.

Private persons (PARTICULIER) are never listed: their structure is a person (name, home address),
and the directory is public. Non-diffusible structures are never listed either: the sign-up form
promises it ("not listed in the portal's directory"), and their name is not shown to outsiders
anywhere else (Structure.name_for_outsiders).
"""
from dataclasses import dataclass

from peewee import Case, fn

from webapp.models import Structure
from webapp.forms import without_control_characters

PER_PAGE = 20
MAX_QUERY = 100
MAX_PAGE = 10_000


# Structure.public_name, in SQL, to sort by.
PUBLIC_NAME = Case(None, [(Structure.label != "", Structure.label)], Structure.company_name)


@dataclass
class SearchResult:
    query: str
    page: int
    pages: int
    total: int
    structures: list


def clean_query(raw):
    return " ".join(without_control_characters(raw or "").split())[:MAX_QUERY]


def listed():
    return Structure.select().where(
        (Structure.identifier_type != "PARTICULIER") & (Structure.non_diffusible == False)  # noqa: E712
    )


def matching(query):
    """LIKE with the user's % and _ escaped (peewee's contains() adds ESCAPE)."""
    structures = listed()
    if not query:
        return structures
    by_name = (
        Structure.company_name.contains(query)
        | Structure.label.contains(query)
        | Structure.identifier.contains(query.replace(" ", ""))
    )
    return structures.where(by_name | Structure.city.contains(query))


def search(raw_query, page=1):
    query = clean_query(raw_query)
    found = matching(query)
    total = found.count()
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page or 1, 1), pages, MAX_PAGE)
    structures = list(
        found.order_by(fn.LOWER(PUBLIC_NAME), Structure.id).paginate(page, PER_PAGE)
    )
    return SearchResult(query, page, pages, total, structures)


def listed_structure(structure_id):
    return listed().where(Structure.id == structure_id).first()
