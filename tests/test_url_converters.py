"""Ids of 2**63 or more: every `<int:...>` route answers 404, never 500, and form ids are checked."""
import pytest
from factories import add_member, csrf, decide, make_account, make_structure
from werkzeug.routing import IntegerConverter

from webapp.extensions import db
from webapp.models import AttachmentRequest, Role
from webapp.web.url_converters import MAX_ID, parse_id

TOO_LARGE = [str(2**63), str(10**30), "9" * 5000]
LARGE_BUT_VALID = [str(2**31), str(2**32 + 1), str(MAX_ID)]
SENTINEL = 918273645


def int_routes(app):
    """(rule, methods) of every route with an int converter: the walk covers routes added later."""
    found = [(rule, sorted(rule.methods - {"HEAD", "OPTIONS"})) for rule in app.url_map.iter_rules()
             if any(isinstance(c, IntegerConverter) for c in rule._converters.values())]
    assert len(found) >= 15, found  # guards the walk itself
    return found


def path_for(rule, number):
    """The rule's path with the digits `number` for each int and "x" for any other part."""
    values = {name: SENTINEL if isinstance(converter, IntegerConverter) else "x"
              for name, converter in rule._converters.items()}
    return rule.build(values)[1].replace(str(SENTINEL), number)


@pytest.fixture
def signed_in_admin(app, client, auth):
    admin = make_account(app, "root@example.fr", is_admin=True)
    structure = make_structure(app, "ATELIER", "90110001600012")
    add_member(app, admin, structure, Role.PRINCIPAL_MANAGER)
    assert auth.sign_in("root@example.fr").status_code == 303
    return client


def request_each(client, rule, methods, number):
    headers = {"X-CSRFToken": csrf(client, "/annuaire")}
    for method in methods:
        for htmx in (False, True):
            extra = {"HX-Request": "true"} if htmx else {}
            yield method, client.open(path_for(rule, number), method=method, headers={**headers, **extra})


@pytest.mark.parametrize("number", TOO_LARGE, ids=["2**63", "10**30", "5000 digits"])
def test_ids_past_the_bound_are_404_on_every_int_route(app, signed_in_admin, number):
    for rule, methods in int_routes(app):
        for method, response in request_each(signed_in_admin, rule, methods, number):
            assert response.status_code == 404, (method, rule.rule, response.status_code)


@pytest.mark.parametrize("number", LARGE_BUT_VALID)
def test_large_ids_within_the_bound_reach_the_view_and_are_not_found(app, signed_in_admin, number):
    for rule, methods in int_routes(app):
        for method, response in request_each(signed_in_admin, rule, methods, number):
            assert response.status_code in (303, 403, 404), (method, rule.rule, response.status_code)


def test_anonymous_gets_404_too(app, client):
    for rule, methods in int_routes(app):
        for method in methods:
            response = client.open(path_for(rule, str(2**63)), method=method)
            assert response.status_code == 404, (method, rule.rule)


def test_a_route_bound_stays_as_the_route_sets_it(app):
    from webapp.web.url_converters import DatabaseIdConverter

    assert DatabaseIdConverter(app.url_map).max == MAX_ID
    assert DatabaseIdConverter(app.url_map, max=10).max == 10
    assert DatabaseIdConverter(app.url_map, max=2**70).max == MAX_ID


def test_the_route_regex_takes_exactly_the_numbers_up_to_the_bound():
    import random
    import re

    from webapp.web.url_converters import digits_up_to

    pattern = re.compile(digits_up_to(MAX_ID))
    samples = [0, 9, 10**18 - 1, 10**18, MAX_ID - 1, MAX_ID, MAX_ID + 1, 10**19 - 1, 10**19]
    samples += [random.randrange(2**64) for _ in range(20000)]
    assert [k for k in samples if bool(pattern.fullmatch(str(k))) != (k <= MAX_ID)] == []
    assert not pattern.fullmatch("\u0663") and not pattern.fullmatch("-1")
    for limit in (0, 7, 10, 907, 1000):
        small = re.compile(digits_up_to(limit))
        assert [k for k in range(3000) if bool(small.fullmatch(str(k))) != (k <= limit)] == []


@pytest.mark.parametrize("value, expected", [
    ("1", 1), (str(MAX_ID), MAX_ID), (str(2**63), None), ("0" * 30 + "1", None), ("0", None), ("-1", None),
    ("", None), (" 1", None), ("1.0", None), ("１", None), ("²", None), (None, None), ("0x1", None),
])
def test_parse_id(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize("value", [*TOO_LARGE, "-1", "²", "0"], ids=["2**63", "10**30", "5000 digits", "-1", "²", "0"])
def test_bulk_decisions_with_an_impossible_id_decide_nothing(app, client, requests_world, value, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    for data in ({"single": f"approve:{value}"},
                 {"action": "approve", "request_id": [str(requests_world["carl_r"]), value]}):
        response = decide(client, requests_world["A"], **data)
        assert response.status_code == 404
    with app.app_context(), db.connection_context():
        assert AttachmentRequest.get_by_id(requests_world["carl_r"]).status == "pending"
