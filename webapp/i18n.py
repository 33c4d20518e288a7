"""Gettext catalogues: the .po files are the source; .mo files are compiled from them when stale."""
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


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


def remember_language():
    """A signed-in user's language switch also becomes the language of their e-mails."""
    from flask import current_app, g, request

    from .models import Account

    requested = request.args.get("lang")
    account = g.get("account")
    if account is not None and requested in current_app.config["LANGUAGES"] and account.locale != requested:
        Account.update(locale=requested).where(Account.id == account.id).execute()
        account.locale = requested
