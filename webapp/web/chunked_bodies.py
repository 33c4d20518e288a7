"""A request body sent without Content-Length (Transfer-Encoding: chunked) obeys MAX_CONTENT_LENGTH too.

Werkzeug reads such a stream up to MAX_CONTENT_LENGTH and then stops without an error, so an oversized
chunked form used to be parsed truncated instead of refused. This middleware reads a chunked body up to
the limit plus one byte before the app sees it and hands it on with its real Content-Length: within the
limit the app reads all of it; one byte over, the app answers its 413 page as for any large body.
At most MAX_CONTENT_LENGTH + 1 bytes are held in memory; the rest is never read.
"""
import io


def read_at_most(stream, size):
    body = bytearray()
    while len(body) < size:
        chunk = stream.read(min(64 * 1024, size - len(body)))
        if not chunk:
            break
        body.extend(chunk)
    return bytes(body)


class ChunkedBodyLimit:
    def __init__(self, wsgi_app, config):
        self.wsgi_app = wsgi_app
        self.config = config

    def __call__(self, environ, start_response):
        limit = self.config.get("MAX_CONTENT_LENGTH")
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if limit is not None and chunked and not environ.get("CONTENT_LENGTH"):
            body = read_at_most(environ["wsgi.input"], limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            del environ["HTTP_TRANSFER_ENCODING"]  # the body is whole now; werkzeug ignores a length beside it
        return self.wsgi_app(environ, start_response)


def limit_chunked_bodies(app):
    app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, app.config)
