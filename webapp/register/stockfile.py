"""Reading a Sirene stock file: open it (plain or zipped), recognise it, and stream its rows in
batches of validated values, counting every rejected row by reason.

The loop is the hot path of a national import (74 million rows): columns are picked with one
itemgetter call, check digits use checkdigits.py, and the whole-row UTF-8 check only runs on rows
read after the decoder actually met an undecodable byte.
"""
import codecs
import csv
import io
import os
import re
import zipfile
from contextlib import ExitStack, contextmanager
from operator import itemgetter

from webapp.register.checkdigits import fast_establishment_ok, fast_siren_ok, siren_is_valid, siret_is_valid

# kind -> the columns whose presence identifies the file
IDENTIFYING = {
    "legal_unit": {"siren", "denominationUniteLegale", "categorieJuridiqueUniteLegale"},
    "establishment": {"siren", "siret", "etablissementSiege"},
}
CHUNK_CHARS = 1 << 16  # text decoded at a time; an undecodable byte is in the rows of that chunk

_decode_errors = [0]


def _count_and_escape(error):
    _decode_errors[0] += 1
    return codecs.lookup_error("surrogateescape")(error)


codecs.register_error("sirene-count-surrogateescape", _count_and_escape)


class StockStream:
    """The text of a stock file and how far into its bytes we are (for the progress bar)."""

    def __init__(self, text, raw, size):
        self.text, self.raw, self.size = text, raw, size

    def position(self):
        try:
            return self.raw.tell()
        except (OSError, ValueError):
            return 0


@contextmanager
def open_stock_file(path):
    """A StockStream, whether the file is plain or zipped; undecodable bytes survive as surrogates."""
    with ExitStack() as stack:
        if zipfile.is_zipfile(path):
            archive = stack.enter_context(zipfile.ZipFile(path))
            names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            name = names[0] if names else archive.namelist()[0]
            raw, size = stack.enter_context(archive.open(name)), archive.getinfo(name).file_size
        else:
            raw, size = stack.enter_context(open(path, "rb", buffering=1 << 20)), os.path.getsize(path)
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="sirene-count-surrogateescape", newline="")
        text._CHUNK_SIZE = CHUNK_CHARS
        yield StockStream(text, raw, size)


def read_header(reader):
    try:
        return [name.strip().lstrip("\ufeff").strip() for name in next(reader)]
    except (StopIteration, csv.Error):
        return []


def recognise(header):
    """The kind of stock file a header row belongs to, or None."""
    names = set(header)
    for kind, identifying in IDENTIFYING.items():
        if identifying <= names and not (kind == "legal_unit" and "siret" in names):
            return kind
    return None


_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept by surrogateescape


def _has_surrogates(row):
    return _UNDECODABLE.search("".join(row)) is not None


def _unit_reason(values):
    return None if siren_is_valid(values[0]) else "invalid_siren"


def _establishment_reason(values):
    siret, siren = values[0], values[1]
    if not siren_is_valid(siren):
        return "invalid_siren"
    if not siret_is_valid(siret):
        return "invalid_siret"
    if siret[:9] != siren:
        return "siren_mismatch"
    return None


def _fast_establishment_ok(values):
    return fast_establishment_ok(values[0], values[1])


def _fast_unit_ok(values):
    return fast_siren_ok(values[0])


def batches(stream, kind, columns, summary, size):
    """Lists of value tuples (in `columns` order, "" for a column the file lacks), `size` at most.

    `summary.rows_read` and `summary.rejected` are kept up to date as rows go by.
    """
    seen_errors = _decode_errors[0]  # before the first read: the header's chunk may hold rows too
    reader = csv.reader(stream.text, strict=True)
    header = read_header(reader)
    width = len(header)
    positions = [header.index(c) if c in header else None for c in columns]
    present = [p for p in positions if p is not None]
    pick = itemgetter(*present)
    if None in positions:  # re-insert "" where the file lacks a column
        missing = [i for i, p in enumerate(positions) if p is None]
        plain_pick = pick

        def pick(row):
            values = list(plain_pick(row))
            for i in missing:
                values.insert(i, "")
            return tuple(values)

    fast_ok = _fast_establishment_ok if kind == "establishment" else _fast_unit_ok
    reason_for = _establishment_reason if kind == "establishment" else _unit_reason
    rejected = summary.rejected
    batch, read, suspicious_until = [], 0, -1
    while True:
        try:
            for row in reader:
                if not row:
                    continue  # blank line
                read += 1
                if len(row) != width:
                    rejected["column_count"] += 1
                    continue
                if _decode_errors[0] != seen_errors:
                    seen_errors = _decode_errors[0]
                    suspicious_until = read + CHUNK_CHARS
                if read <= suspicious_until and _has_surrogates(row):
                    rejected["invalid_utf8"] += 1
                    continue
                values = pick(row)
                if not fast_ok(values):
                    reason = reason_for(values)
                    if reason:
                        rejected[reason] += 1
                        continue
                batch.append(values)
                if len(batch) >= size:
                    summary.rows_read = read
                    yield batch
                    batch = []
            break
        except csv.Error:  # broken quoting: the reader resumes at the next line
            read += 1
            rejected["broken_quoting"] += 1
    summary.rows_read = read
    if batch:
        yield batch
