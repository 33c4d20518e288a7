"""A <select> whose options are rendered once per list of choices, not once per request.

The country list has about 250 options; rendering them through WTForms' generic widget was half
the time of a sign-up fragment. Only the selected option differs between requests.
"""
from functools import lru_cache

from markupsafe import Markup
from wtforms.widgets import Select, html_params


@lru_cache(maxsize=64)
def _rendered_options(pairs):
    return tuple((value, Markup('<option value="%s">%s</option>') % (value, label)) for value, label in pairs)


class CachedOptionsSelect(Select):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        pairs = tuple((str(choice.value), str(choice.label)) for choice in field.choices)
        selected = "" if field.data is None else str(field.data)
        parts = [Markup("<select %s>") % Markup(html_params(name=field.name, **kwargs))]
        for (value, label), (_value, option) in zip(pairs, _rendered_options(pairs)):
            if value == selected:
                option = Markup('<option selected value="%s">%s</option>') % (value, label)
            parts.append(option)
        parts.append(Markup("</select>"))
        return Markup("").join(parts)
