"""Choosing providers by SIRENE_PROVIDER, the fallback chain and the TTL cache."""
import pytest
from factories import siret_answer
from flask import Flask

from webapp.register import RegisterUnavailable, get_register, load_demo_register
from webapp.register.chain import CachedRegister, FallbackRegister, TTLCache
from webapp.register.record import RegisterRecord

DEMO_SIRET = "90110001600012"
API_ONLY_SIRET = "90110016500013"


class FakeProvider:
    def __init__(self, name, answer):
        self.name, self.answer, self.calls = name, answer, 0

    def lookup_siret(self, siret):
        self.calls += 1
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    lookup_siren = lookup_siret


RECORD = RegisterRecord(siret=DEMO_SIRET, siren=DEMO_SIRET[:9], name="X")


def test_first_record_wins_and_unknown_asks_the_next():
    first, second, third = FakeProvider("a", None), FakeProvider("b", RECORD), FakeProvider("c", RECORD)
    assert FallbackRegister([first, second, third]).lookup_siret(DEMO_SIRET) is RECORD
    assert (first.calls, second.calls, third.calls) == (1, 1, 0)


def test_unavailable_is_skipped_and_raised_only_when_everywhere():
    down = RegisterUnavailable("down")
    assert FallbackRegister([FakeProvider("a", down), FakeProvider("b", RECORD)]).lookup_siren("901100016") is RECORD
    assert FallbackRegister([FakeProvider("a", down), FakeProvider("b", None)]).lookup_siren("901100016") is None
    with pytest.raises(RegisterUnavailable, match="a: down; b: down"):
        FallbackRegister([FakeProvider("a", down), FakeProvider("b", down)]).lookup_siret(DEMO_SIRET)


def test_cache_keeps_records_and_briefly_unknowns_but_never_failures():
    now = [0.0]
    cache = TTLCache(size=10, ttl=100, clock=lambda: now[0])
    found, unknown, down = FakeProvider("a", RECORD), FakeProvider("b", None), FakeProvider("c", RegisterUnavailable("x"))
    cached = [CachedRegister(p, cache, negative_ttl=5) for p in (found, unknown, down)]
    for _ in range(3):
        assert cached[0].lookup_siret("901 100 016 00012") is RECORD
        assert cached[1].lookup_siret(DEMO_SIRET) is None
        with pytest.raises(RegisterUnavailable):
            cached[2].lookup_siret(DEMO_SIRET)
    assert (found.calls, unknown.calls, down.calls) == (1, 1, 3)
    now[0] = 6  # the unknown answer has expired, the record has not
    cached[0].lookup_siret(DEMO_SIRET), cached[1].lookup_siret(DEMO_SIRET)
    assert (found.calls, unknown.calls) == (1, 2)
    now[0] = 200
    cached[0].lookup_siret(DEMO_SIRET)
    assert found.calls == 2


def test_cache_is_bounded_least_recently_used_first():
    cache = TTLCache(size=2, ttl=100)
    cache.set("a", 1), cache.set("b", 2)
    cache.get("a")
    cache.set("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c"), len(cache)) == (1, None, 3, 2)
    disabled = TTLCache(size=0)
    disabled.set("a", 1)
    assert disabled.get("a") is None


@pytest.fixture
def app(register_db, fake_api):
    load_demo_register(register_db)
    app = Flask(__name__)
    app.config.update(SIRENE_PROVIDER="local,insee", INSEE_API_URL=fake_api.url, INSEE_API_KEY="k",
                      SIRENE_TIMEOUT_SECONDS=1, SIRENE_CACHE_SIZE=100, SIRENE_CACHE_TTL_SECONDS=60,
                      SIRENE_CACHE_NEGATIVE_TTL_SECONDS=5)
    return app


def test_configured_chain_local_then_insee(app, fake_api):
    fake_api.routes[f"/siret/{API_ONLY_SIRET}"] = (200, siret_answer(API_ONLY_SIRET), 0)
    with app.app_context():
        register = get_register()
        assert register.name == "local,insee"
        assert register.lookup_siret(DEMO_SIRET).name == "ATELIERS DU LAMPADAIRE BLEU"
        assert fake_api.requests == []  # the local table answered
        assert register.lookup_siret(API_ONLY_SIRET).siret == API_ONLY_SIRET
        assert get_register() is register  # built once: the cache survives between requests
        get_register().lookup_siret(API_ONLY_SIRET)
        assert len(fake_api.requests) == 1


def test_chain_unavailable_everywhere(app, fake_api, register_db):
    register_db.execute_sql("DROP TABLE sirene_establishment")
    fake_api.routes[f"/siret/{DEMO_SIRET}"] = (503, {}, 0)
    with app.app_context(), pytest.raises(RegisterUnavailable):
        get_register().lookup_siret(DEMO_SIRET)


def test_unknown_provider_name_is_refused(app):
    app.config["SIRENE_PROVIDER"] = "local,pages-jaunes"
    with app.app_context(), pytest.raises(ValueError, match="pages-jaunes"):
        get_register()
