"""Providers combined: a fallback chain, and a small TTL cache in front of the API providers."""
import threading
import time
from collections import OrderedDict

from webapp.register.errors import RegisterUnavailable


class FallbackRegister:
    """Asks each provider in turn: the first record wins, "unknown" passes to the next one.

    None when at least one provider answered "unknown" and none had the record; RegisterUnavailable
    only when every provider was unavailable.
    """

    def __init__(self, providers):
        self.providers = list(providers)
        self.name = ",".join(p.name for p in self.providers)

    def lookup_siret(self, siret):
        return self._ask("lookup_siret", siret)

    def lookup_siren(self, siren):
        return self._ask("lookup_siren", siren)

    def _ask(self, method, identifier):
        failures = []
        for provider in self.providers:
            try:
                record = getattr(provider, method)(identifier)
            except RegisterUnavailable as error:
                failures.append(f"{provider.name}: {error}")
                continue
            if record is not None:
                return record
        if failures and len(failures) == len(self.providers):
            raise RegisterUnavailable("; ".join(failures))
        return None


class TTLCache:
    """A thread-safe LRU of at most `size` entries, each kept `ttl` seconds (or its own ttl)."""

    def __init__(self, size=1024, ttl=3600.0, clock=time.monotonic):
        self.size, self.ttl, self.clock = size, ttl, clock
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return default
            expires, value = entry
            if expires <= self.clock():
                del self._entries[key]
                return default
            self._entries.move_to_end(key)
            return value

    def set(self, key, value, ttl=None):
        if self.size <= 0:
            return
        with self._lock:
            self._entries[key] = (self.clock() + (self.ttl if ttl is None else ttl), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self):
        return len(self._entries)


_MISSING = object()


class CachedRegister:
    """Remembers a provider's answers: records for `ttl`, "unknown" for `negative_ttl` (a SIRET
    created today must not stay unknown for long). Unavailability is never cached."""

    def __init__(self, provider, cache, negative_ttl=60.0):
        self.provider, self.cache, self.name = provider, cache, provider.name
        self.negative_ttl = negative_ttl

    def lookup_siret(self, siret):
        return self._cached("lookup_siret", siret)

    def lookup_siren(self, siren):
        return self._cached("lookup_siren", siren)

    def _cached(self, method, identifier):
        key = (self.name, method, "".join((identifier or "").split()))
        record = self.cache.get(key, _MISSING)
        if record is not _MISSING:
            return record
        record = getattr(self.provider, method)(identifier)
        self.cache.set(key, record, ttl=self.negative_ttl if record is None else None)
        return record
