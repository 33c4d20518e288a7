"""Ids in URLs and forms are bounded by what a database integer holds.

SQLite cannot even bind an integer of 2**63 or more (OverflowError: a 500), and no row has such an
id anyway: `<int:...>` in every route stops at MAX_ID, so a larger number is a plain 404, and ids
read from forms go through parse_id.
"""
import re

from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1  # the largest signed 64-bit integer: SQLite's rowid, PostgreSQL's bigint


def digits_up_to(limit):
    """A regex for the decimal numbers from 0 to limit (ASCII digits): shorter numbers, then digit by digit."""
    text = str(limit)
    alternatives = [rf"[0-9]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for position, digit in enumerate(text):
        rest = len(text) - position - 1
        if digit != "0":  # the same first digits, a smaller one here, then any digits
            tail = f"[0-9]{{{rest}}}" if rest else ""
            alternatives.append(f"{re.escape(text[:position])}[0-{int(digit) - 1}]{tail}")
    alternatives.append(text)
    return "(?:" + "|".join(alternatives) + ")"


class DatabaseIdConverter(IntegerConverter):
    """werkzeug's int converter with max=MAX_ID unless a route asks for a smaller bound.

    The bound is in the regex too: a larger number does not match the route at all. Checked only in
    to_python, it would let werkzeug answer 405 where a GET and a POST rule share the path.
    """

    regex = digits_up_to(MAX_ID)

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 (werkzeug's names)
        bound = MAX_ID if max is None or max > MAX_ID else max
        super().__init__(map, fixed_digits, min, bound, signed)


def register_url_converters(app):
    """Call before any blueprint is registered: rules pick their converter when they are added."""
    app.url_map.converters["int"] = DatabaseIdConverter


def parse_id(value):
    """The id a form field carries, or None when it cannot be one (not plain digits, 0, past MAX_ID)."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
