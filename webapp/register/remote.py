"""A JSON GET for the API providers: standard library only, bounded in time, errors made plain.

`timeout` bounds the connection and every read (urllib applies it to each socket operation), so a
server that does not answer costs at most a few seconds, never a hung request.
"""
import json
import socket
import urllib.error
import urllib.request
from http.client import HTTPException

from webapp.register.errors import RegisterUnavailable

USER_AGENT = "einvoicing-signup-portal (register lookup)"


def fetch_json(url, headers=None, timeout=4.0):
    """The decoded JSON body; None on 404 (unknown); RegisterUnavailable on anything else."""
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": USER_AGENT, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == 404:
            return None
        if error.code == 429:
            raise RegisterUnavailable(f"{url}: rate limited (429), try again later") from None
        raise RegisterUnavailable(f"{url}: HTTP {error.code}") from None
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, HTTPException,
            OSError) as error:
        raise RegisterUnavailable(f"{url}: {error}") from None
    try:
        return json.loads(body)
    except ValueError as error:
        raise RegisterUnavailable(f"{url}: not JSON ({error})") from None


def text(value):
    """An API value as the stock files would write it: None -> "", numbers -> str, stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()
