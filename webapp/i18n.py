"""Languages: the gettext catalogues (the .po files are the source; .mo files are compiled from them
when stale), the language of each request, and how dates and phone numbers are shown to a reader.

Which language a page speaks: ?lang= (which the session then remembers), else the session's choice,
else the browser's Accept-Language, else French. Signing in keeps the language of the page signed in
on and makes it the account's (sessions.start_session); a link in an e-mail carries the e-mail's
language (links_in_language), so it opens in the language the e-mail was read in.
"""
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import phonenumbers
from babel.dates import get_timezone_location
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, g, request, session
from flask_babel import format_datetime, get_locale, get_timezone

from webapp.extensions import babel


def compile_catalogues(directory):
    """Compile every stale LC_MESSAGES/*.po next to itself. A read-only install keeps its .mo."""
    for po_path in directory.glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file)
        try:
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalogue)
        except OSError:
            continue


def url_with_language(language):
    """This page with ?lang= set, its other query parameters kept: a query-only link ("?lang=en&q=…").

    The browser resolves it against the address it shows, so the path is never echoed back: a path
    such as /%5Cevil.example%2Fphish, decoded into the link, would lead to another site.
    """
    from urllib.parse import urlencode

    from flask import request

    args = request.args.to_dict(flat=False)
    args["lang"] = [language]
    return "?" + urlencode(args, doseq=True)


def chosen_on_this_page():
    """True when this request comes from a click on the page's own language switch.

    The switch links to the same page with ?lang=, so the browser sends this portal's page as the
    Referer (Referrer-Policy: same-origin) and, when it speaks Fetch Metadata, Sec-Fetch-Site:
    same-origin. A link from another site carries neither: it may show the page in another language,
    never change what is stored.
    """
    from urllib.parse import urlsplit

    from flask import request

    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        return False
    referer = urlsplit(request.headers.get("Referer", ""))
    return referer.netloc == request.host and referer.path == request.path  # (the scheme may be a proxy's)


def remember_language():
    """A signed-in user's own language switch also becomes the language of their e-mails."""
    from flask import current_app, g, request

    from webapp.models import Account

    requested = request.args.get("lang")
    account = g.get("account")
    if account is None or requested not in current_app.config["LANGUAGES"] or account.locale == requested:
        return
    if request.method == "GET" and chosen_on_this_page():
        Account.update(locale=requested).where(Account.id == account.id).execute()
        account.locale = requested


def init_i18n(app):
    compile_catalogues(Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["url_with_language"] = url_with_language
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["phone_number"] = phone_number
    app.before_request(apply_requested_language)
    app.after_request(vary_on_browser_language)


def select_locale():
    requested = request.args.get("lang")
    languages = babel_languages()
    if requested in languages:
        session["lang"] = requested
        return requested
    if session.get("lang") in languages:
        return session["lang"]
    # A first visit: the browser's preference, not stored (it is sent again with every request).
    g.language_from_browser = True
    return browser_language(languages)


def browser_language(languages, default="fr"):
    """The first language of Accept-Language, by preference, that the portal speaks ("fr-CA" is "fr").

    Not werkzeug's best_match, which prefers an exact tag of lower quality ("en;q=0.5") to a regional
    variant the person put first ("fr-CA").
    """
    for value, quality in request.accept_languages:  # best first
        primary = value.replace("_", "-").split("-")[0].lower()
        if quality > 0 and primary in languages:
            return primary
    return default


def apply_requested_language():
    """?lang= is remembered even by a request that renders nothing (a link from an e-mail that redirects)."""
    if "lang" in request.args:
        get_locale()


def vary_on_browser_language(response):
    """A page whose language came from Accept-Language says so to caches."""
    if g.get("language_from_browser"):
        response.vary.add("Accept-Language")
    return response


def in_language(url, language):
    """`url` with lang=`language` in its query (any other lang= replaced, the rest kept)."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "lang"]
    query.append(("lang", language))
    return urlunsplit(parts._replace(query=urlencode(query)))


def links_in_language(context, language):
    """An e-mail's context with its links to this portal (the *_url values under PORTAL_BASE_URL, as
    webapp.web.urls.external_url builds them) opening in `language`: ?lang= shows the page in it."""
    from webapp.web.urls import base_url

    portal = base_url() + "/"
    return {
        name: in_language(value, language)
        if name.endswith("_url") and isinstance(value, str) and value.startswith(portal) else value
        for name, value in context.items()
    }


def babel_languages():
    return current_app.config["LANGUAGES"]




def local_datetime(value, format="short"):
    """A stored UTC date and time in the portal's zone (PORTAL_TIMEZONE), the zone named beside it."""
    if value is None:
        return ""
    zone = get_timezone_location(get_timezone(), locale=str(get_locale()))
    return f"{format_datetime(value, format)} ({zone})"


def phone_number(value):
    """A stored number (E.164) as people write it: national format at home, international otherwise."""
    try:
        number = phonenumbers.parse(value or "", None)
    except phonenumbers.NumberParseException:
        return value or ""
    home = phonenumbers.region_code_for_number(number) in ("FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF")
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)
