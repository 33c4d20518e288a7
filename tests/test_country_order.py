"""Country names sorted as a reader of the page's language expects (a collation, not code points)."""
import re


def country_names(client, lang):
    page = client.post(f"/inscription/type?lang={lang}", data={"identifier_type": "SIRET"},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    select = re.search(r'<select[^>]*name="country".*?</select>', page, re.S).group(0)
    return re.findall(r'<option[^>]*value="[A-Z]{2}"[^>]*>([^<]+)</option>', select)


def test_french_country_names_sort_accented_letters_with_their_base_letter(app):
    app.config["WTF_CSRF_ENABLED"] = False
    names = country_names(app.test_client(), "fr")
    assert names.index("Égypte") < names.index("Espagne") < names.index("États-Unis") < names.index("Éthiopie")
    assert names.index("Finlande") < names.index("Îles Caïmans") < names.index("Islande") < names.index("Italie")
    assert names[-1] != "Îles Vierges des États-Unis"  # not after Zimbabwe, as code points would put it


def test_english_country_names_keep_their_order(app):
    app.config["WTF_CSRF_ENABLED"] = False
    names = country_names(app.test_client(), "en")
    assert names.index("Afghanistan") < names.index("Åland Islands") < names.index("Albania")
    assert names.index("Côte d’Ivoire") < names.index("Croatia")
