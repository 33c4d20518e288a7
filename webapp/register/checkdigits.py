"""SIREN / SIRET check digits, fast enough for the 74 million identifiers of a national import.

Same answers as python-stdnum's `siren.is_valid` / `siret.is_valid` for the compact numbers of the
stock files (tests compare them on random and edge-case numbers), in a few C-level string
operations instead of stdnum's generic per-digit Python loop: the importer checks every row.
"""
_DOUBLED = str.maketrans("0123456789", "0246813579")  # a digit -> the digit sum of its double
_ZERO = ord("0")
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"  # the one La Poste SIRET that follows the Luhn rule


def _luhn_sums(length, doubled_parity):
    """{digits: their Luhn contribution} for every `length`-digit string, the digits at positions
    of `doubled_parity` (0: even, 1: odd, counted from the left) being doubled."""
    first = {d: int(d.translate(_DOUBLED) if doubled_parity == 0 else d) for d in "0123456789"}
    if length == 1:
        return first
    rest = _luhn_sums(length - 1, 1 - doubled_parity)
    return {a + b: x + y for a, x in first.items() for b, y in rest.items()}


# A 14-digit SIRET doubles its even positions, a 9-digit SIREN its odd ones: split into 4- and
# 5-digit chunks, each number's Luhn sum is two or three dict look-ups (about 110,000 small keys).
EVEN4, ODD4 = _luhn_sums(4, 0), _luhn_sums(4, 1)
EVEN5, ODD5 = _luhn_sums(5, 0), _luhn_sums(5, 1)


def fast_siren_ok(siren):
    """True for a valid SIREN; False when unsure (not 9 ASCII digits, or invalid): ask siren_is_valid."""
    try:
        return (ODD4[siren[:4]] + ODD5[siren[4:]]) % 10 == 0
    except KeyError:
        return False


def fast_establishment_ok(siret, siren):
    """True for a valid SIRET (not La Poste's) beginning with a valid SIREN `siren`; False when
    unsure: then ask siren_is_valid / siret_is_valid for the reason."""
    try:
        return (
            siret[:9] == siren
            and (EVEN4[siret[:4]] + EVEN5[siret[4:9]] + ODD5[siret[9:]]) % 10 == 0
            and (ODD4[siren[:4]] + ODD5[siren[4:]]) % 10 == 0
            and siren != LA_POSTE_SIREN
        )
    except KeyError:
        return False


def luhn_ok(number):
    """Luhn checksum of an ASCII-digit string (not checked here)."""
    total = sum(number[-2::-2].translate(_DOUBLED).encode()) + sum(number[::-2].encode())
    return (total - _ZERO * len(number)) % 10 == 0


def is_digits(number, length):
    return len(number) == length and number.isascii() and number.isdigit()


def siren_is_valid(siren):
    return is_digits(siren, 9) and luhn_ok(siren)


def siret_is_valid(siret):
    """Luhn, except La Poste's establishments: SIREN 356000000 and a digit sum multiple of 5."""
    if not is_digits(siret, 14):
        return False
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_HEAD_OFFICE:
        ok = (sum(siret.encode()) - _ZERO * 14) % 5 == 0
    else:
        ok = luhn_ok(siret)
    return ok and luhn_ok(siret[:9])
