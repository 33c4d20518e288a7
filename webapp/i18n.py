"""Languages: the catalogues (the .po files are the source; .mo files are compiled from them when
stale), the language of each request, and how dates and phone numbers are shown to a reader."""
from pathlib import Path

import phonenumbers
from babel.dates import get_timezone_location
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, request, session
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


def select_locale():
    requested = request.args.get("lang")
    languages = babel_languages()
    if requested in languages:
        session["lang"] = requested
        return requested
    if session.get("lang") in languages:
        return session["lang"]
    return "fr"


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
