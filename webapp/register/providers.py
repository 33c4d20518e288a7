"""Where the portal looks companies up, chosen by SIRENE_PROVIDER.

Every provider has the same two methods, `lookup_siret(siret)` and `lookup_siren(siren)`, each
returning a RegisterRecord, None when the register does not know the number, or raising
RegisterUnavailable when it cannot be asked right now. SIRENE_PROVIDER names one provider or a
fallback chain ("local,insee"); API providers answer through a TTL cache shared by the whole app.
"""
from flask import current_app
from peewee import DatabaseError

from webapp.register.chain import CachedRegister, FallbackRegister, TTLCache
from webapp.register.errors import RegisterUnavailable
from webapp.register.insee import DEFAULT_URL as INSEE_DEFAULT_URL
from webapp.register.insee import InseeRegister
from webapp.register.local import LocalRegister
from webapp.register.models import SireneEstablishment
from webapp.register.recherche_entreprises import DEFAULT_URL as RECHERCHE_DEFAULT_URL
from webapp.register.recherche_entreprises import RechercheEntreprisesRegister

__all__ = ["PROVIDERS", "LocalRegister", "RegisterUnavailable", "get_register", "register_is_empty"]


def _insee(config):
    return InseeRegister(
        base_url=config.get("INSEE_API_URL") or INSEE_DEFAULT_URL,
        api_key=config.get("INSEE_API_KEY", ""),
        timeout=float(config.get("SIRENE_TIMEOUT_SECONDS", 4)),
    )


def _recherche_entreprises(config):
    return RechercheEntreprisesRegister(
        base_url=config.get("SIRENE_RECHERCHE_API_URL") or RECHERCHE_DEFAULT_URL,
        timeout=float(config.get("SIRENE_TIMEOUT_SECONDS", 4)),
    )


# name -> (factory(config), answers from a remote API and so goes through the cache)
PROVIDERS = {
    "local": (lambda config: LocalRegister(), False),
    "insee": (_insee, True),
    "recherche-entreprises": (_recherche_entreprises, True),
}
_SETTINGS = ("SIRENE_PROVIDER", "INSEE_API_URL", "INSEE_API_KEY", "SIRENE_RECHERCHE_API_URL",
             "SIRENE_TIMEOUT_SECONDS", "SIRENE_CACHE_SIZE", "SIRENE_CACHE_TTL_SECONDS",
             "SIRENE_CACHE_NEGATIVE_TTL_SECONDS")


def provider_names(setting):
    names = [n.strip() for n in (setting or "local").split(",") if n.strip()] or ["local"]
    unknown = [n for n in names if n not in PROVIDERS]
    if unknown:
        raise ValueError(
            f"Unknown SIRENE_PROVIDER {', '.join(unknown)!r}; expected one or a comma-separated "
            f"chain of: {', '.join(sorted(PROVIDERS))}"
        )
    return names


def build_register(config, cache=None):
    """The provider (or chain) the settings name; `cache` is shared by the API providers."""
    if cache is None:
        cache = TTLCache(int(config.get("SIRENE_CACHE_SIZE", 1024)),
                         float(config.get("SIRENE_CACHE_TTL_SECONDS", 3600)))
    negative_ttl = float(config.get("SIRENE_CACHE_NEGATIVE_TTL_SECONDS", 60))
    providers = []
    for name in provider_names(config.get("SIRENE_PROVIDER", "local")):
        factory, remote = PROVIDERS[name]
        provider = factory(config)
        providers.append(CachedRegister(provider, cache, negative_ttl) if remote else provider)
    return providers[0] if len(providers) == 1 else FallbackRegister(providers)


def get_register():
    """The register provider named by the SIRENE_PROVIDER setting, built once per app and settings
    (so the API answers cache lives as long as the app)."""
    config = current_app.config
    key = tuple(config.get(name) for name in _SETTINGS)
    built = current_app.extensions.get("sirene_register")
    if built is None or built[0] != key:
        built = (key, build_register(config))
        current_app.extensions["sirene_register"] = built
    return built[1]


def register_is_empty():
    """True when there is no establishment to look up (tables missing or without rows)."""
    try:
        return not SireneEstablishment.table_exists() or not SireneEstablishment.select().exists()
    except DatabaseError:
        return True
