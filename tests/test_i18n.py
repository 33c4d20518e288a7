"""The French catalogue is complete and sound, and the portal speaks French unless asked otherwise.

The msgids are re-extracted from the source tree in memory, with babel.cfg and the keywords of
scripts/update-translations, so a string added without a French translation fails here. To fix a
failure: run scripts/update-translations, translate the listed entries in
webapp/translations/fr/LC_MESSAGES/messages.po (no "#, fuzzy" left), run this file again.
"""
import re
import shlex
from pathlib import Path

import pytest
from factories import page_text
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = ROOT / "babel.cfg"
UPDATE_SCRIPT = ROOT / "scripts" / "update-translations"
FRENCH_PO = ROOT / "webapp" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"

# %(name)s, %(count)d, %s, %% ... as Python's %-formatting reads them.
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])")
NO_BREAK_SPACE = "\u00a0"


def extraction_keywords():
    """Babel's default keywords plus the -k options of scripts/update-translations."""
    script = "\n".join(
        line for line in UPDATE_SCRIPT.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#")
    )
    extra = re.findall(r"(?:^|\s)(?:-k|--keywords?)[ =](\S+)", script)
    keywords = dict(DEFAULT_KEYWORDS)
    keywords.update(parse_keywords([shlex.split(k)[0] for k in extra]))
    return keywords


def extract_source_messages():
    """{(msgid, context): [locations]} for every string marked for translation in the source tree."""
    with BABEL_CFG.open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, str(BABEL_CFG))
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=extraction_keywords()
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid:
            found.setdefault((msgid, context), []).append(f"{filename}:{lineno}")
    return found


def read_catalogue(path=FRENCH_PO):
    with path.open("rb") as po_file:
        return read_po(po_file, locale="fr")


def placeholders(text):
    return sorted((m.group("name") or "", m.group("type")) for m in PLACEHOLDER.finditer(text) if m.group("type") != "%")


def forms(string):
    return list(string) if isinstance(string, (tuple, list)) else [string]


@pytest.fixture(scope="module")
def source_messages():
    return extract_source_messages()


@pytest.fixture(scope="module")
def catalogue():
    return read_catalogue()


def test_extraction_finds_the_messages_of_python_and_templates(source_messages):
    """Guards the test itself: an extraction that silently finds nothing would pass everything."""
    files = {loc.split(":")[0] for locations in source_messages.values() for loc in locations}
    assert any(f.endswith(".py") for f in files), "no msgid extracted from webapp/**.py"
    assert any(f.endswith(".html") for f in files), "no msgid extracted from templates/**.html"
    assert any(f.endswith(".txt") for f in files), "no msgid extracted from templates/**.txt"
    assert ("Create an account", None) in source_messages
    assert {"_l", "lazy_gettext"} <= set(extraction_keywords())
    assert ("Fill in this field.", None) in source_messages  # only ever marked with _l


def test_every_msgid_has_a_french_translation(source_messages, catalogue):
    missing = []
    for (msgid, context), locations in sorted(source_messages.items()):
        entry = catalogue.get(msgid, context=context)
        if entry is None:
            problem = "not in messages.po"
        elif entry.fuzzy:
            problem = "fuzzy"
        elif not all(s.strip() for s in forms(entry.string)):
            problem = "empty msgstr"
        else:
            continue
        missing.append(f"  {msgid!r} ({problem}) at {', '.join(locations[:3])}")
    assert not missing, (
        f"{len(missing)} msgid(s) without a French translation; run scripts/update-translations and "
        "translate them in webapp/translations/fr/LC_MESSAGES/messages.po:\n" + "\n".join(missing)
    )


def test_catalogue_has_no_fuzzy_or_empty_entry(catalogue):
    """Entries only the catalogue still knows about must be complete too: they are compiled to .mo."""
    bad = [m.id for m in catalogue if m.id and (m.fuzzy or not all(s.strip() for s in forms(m.string)))]
    assert not bad, f"fuzzy or empty entries in messages.po: {bad}"
    assert catalogue.plural_forms == "nplurals=2; plural=(n > 1);"


def test_placeholders_of_each_translation_match_its_msgid(catalogue):
    mismatched = []
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue  # untranslated and fuzzy entries are reported by the tests above
        ids = forms(message.id)
        expected = sorted(set().union(*(set(placeholders(i)) for i in ids)))
        for index, translation in enumerate(forms(message.string)):
            if not translation:
                continue
            got = placeholders(translation)
            if len(ids) == 1:
                ok = got == placeholders(ids[0])
            else:  # a plural form may leave the count out (French "une seule"), nothing else
                ok = set(got) <= set(expected) and (index == 0 or sorted(set(got)) == expected)
            if not ok:
                mismatched.append(f"  {ids[0]!r}: msgid {expected} / msgstr[{index}] {got}: {translation!r}")
    assert not mismatched, "placeholders differ between msgid and msgstr:\n" + "\n".join(mismatched)


def test_babel_finds_no_format_error_in_the_catalogue(catalogue):
    """Babel's own checks (python-format consistency, plural count), as `pybabel compile` runs them."""
    errors = [f"  {message.id!r}: {'; '.join(map(str, errs))}" for message, errs in catalogue.check()]
    assert not errors, "\n".join(errors)


def test_french_typography(catalogue):
    """A no-break space (U+00A0, the one used throughout) before : ; ? ! and inside « », no English quotes."""
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        for text in forms(message.string):
            # A word followed by : ; ? ! then a space or the end: "http://..." and "10:30" are fine.
            if re.search(r"(?:\s(?<!\u00a0)|[^\s\u00a0])[:;?!](?=\s|$)", text):
                problems.append(f"  missing no-break space before : ; ? ! in {text!r}")
            if re.search(r"«(?!\u00a0)|(?<!\u00a0)»", text):
                problems.append(f"  French quotes need a no-break space inside: {text!r}")
            if re.search(r"[\"“”]", text):
                problems.append(f"  use « » rather than English quotes in {text!r}")
            if "\u202f" in text:
                problems.append(f"  use U+00A0 (not U+202F) as elsewhere in the catalogue: {text!r}")
    assert not problems, "\n".join(problems)


# --- Through the app -------------------------------------------------------------------------------


def test_home_page_is_in_french_by_default(client):
    response = client.get("/")
    text = page_text(response)
    assert response.status_code == 200
    assert '<html lang="fr">' in text
    assert "Créer un compte" in text
    assert "Se connecter" in text
    assert "Create an account" not in text


def test_signup_page_is_in_french_by_default(client):
    text = page_text(client.get("/inscription"))
    assert '<html lang="fr">' in text
    for wording in (
        "Créer un compte",
        "Informations personnelles",
        "Adresse électronique de connexion",
        "Confirmez l'adresse électronique de connexion",
        "Informations sur la structure",
        "Type d'identifiant",
        "Structure européenne hors France",
        "Structure hors UE",
        "Structure avec RIDET",
        "Structure avec numéro TAHITI",
        "En cours d'immatriculation",
        "Particulier",
        "Créer mon compte",
    ):
        assert wording in text, wording
    assert "Personal information" not in text


def test_lang_en_switches_to_english(client):
    home = page_text(client.get("/?lang=en"))
    assert '<html lang="en">' in home
    assert "Create an account" in home
    assert "Créer un compte" not in home

    signup = page_text(client.get("/inscription?lang=en"))
    assert "Personal information" in signup
    assert "European structure outside France" in signup
    assert "Informations personnelles" not in signup


def test_language_choice_is_remembered_on_the_next_request(client):
    client.get("/?lang=en")

    signup = page_text(client.get("/inscription"))
    assert '<html lang="en">' in signup
    assert "Create an account" in signup
    assert "Information about the structure" in signup

    client.get("/inscription?lang=fr")
    home = page_text(client.get("/"))
    assert '<html lang="fr">' in home
    assert "Créer un compte" in home


def test_unknown_language_falls_back_to_french(client):
    text = page_text(client.get("/?lang=xx"))
    assert '<html lang="fr">' in text
    assert "Créer un compte" in text
