"""Fast first load: versioned static URLs, long cache on static files, gzip for text responses.

url_for('static', filename=...) gets ?v=<first 10 hex of the file's SHA-256>, so a new release changes
the URL and browsers may keep a file for STATIC_MAX_AGE seconds ("immutable"). Text responses above
COMPRESS_MIN_BYTES are gzipped when the client accepts it (a reverse proxy may do it instead: then set
COMPRESS_RESPONSES=0).
"""
import gzip
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import request

COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")


@lru_cache(maxsize=256)
def _content_hash(path, mtime):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def static_version(app, filename):
    path = Path(app.static_folder) / filename
    try:
        return _content_hash(str(path), path.stat().st_mtime_ns)
    except OSError:
        return None


def _versioned_url_defaults(app):
    def add_version(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = static_version(app, values["filename"])
            if version:
                values["v"] = version
    return add_version


@lru_cache(maxsize=64)
def _gzipped_file(path, mtime):
    return gzip.compress(Path(path).read_bytes(), compresslevel=9)


def _compress(app):
    minimum = app.config["COMPRESS_MIN_BYTES"]

    def compress(response):
        if (request.endpoint == "static" and response.status_code == 200 and response.direct_passthrough
                and (response.mimetype or "").startswith(COMPRESSIBLE)
                and "gzip" in request.headers.get("Accept-Encoding", "").lower()):
            # A static file is compressed once per version and kept in memory (they are a few).
            path = Path(app.static_folder) / request.view_args["filename"]
            body = _gzipped_file(str(path), path.stat().st_mtime_ns)
            response.direct_passthrough = False
            response.set_data(body)
            response.headers["Content-Encoding"] = "gzip"
            response.vary.add("Accept-Encoding")
            if response.headers.get("ETag"):
                response.headers["ETag"] = response.headers["ETag"].rstrip('"') + '-gz"'
            return response
        if (response.direct_passthrough or response.status_code < 200 or response.status_code in (204, 304)
                or "Content-Encoding" in response.headers
                or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
                or not (response.mimetype or "").startswith(COMPRESSIBLE)):
            return response
        body = response.get_data()
        response.vary.add("Accept-Encoding")
        if len(body) < minimum:
            return response
        response.set_data(gzip.compress(body, compresslevel=6))
        response.headers["Content-Encoding"] = "gzip"
        if response.headers.get("ETag"):
            response.headers["ETag"] = response.headers["ETag"].rstrip('"') + '-gz"'
        return response
    return compress


def _cache_static(app):
    max_age = app.config["STATIC_MAX_AGE"]

    def cache(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            if request.args.get("v"):
                response.headers["Cache-Control"] = f"public, max-age={max_age}, immutable"
            else:
                response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
        return response
    return cache


def init_static_assets(app):
    app.url_defaults(_versioned_url_defaults(app))
    # after_request functions run in reverse order of registration: cache headers first, then gzip.
    if app.config["COMPRESS_RESPONSES"]:
        app.after_request(_compress(app))
    app.after_request(_cache_static(app))
