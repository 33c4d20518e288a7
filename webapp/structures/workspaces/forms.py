"""The features form and the structure profile form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField

from webapp.structures.identifiers import identifier_type
from webapp.structures.fields import STRUCTURE_FIELD_ORDER, StructureFields, form_field_name


class FeaturesForm(FlaskForm):
    feature_payment_requests = BooleanField(_l("Submit payment requests"))
    feature_dume = BooleanField(_l("Create and/or consult DUME"))


class ProfileForm(StructureFields, FlaskForm):
    """The structure's fields for its type; its identifier and type come from the structure, never the POST."""

    PAGE_ORDER = tuple(name for name in STRUCTURE_FIELD_ORDER if name not in ("identifier_type", "identifier"))

    def __init__(self, structure, *args, **kwargs):
        if kwargs.get("formdata", True) is None:
            kwargs["data"] = profile_values(structure)
        super().__init__(*args, **kwargs)
        self.identifier_type.data = structure.identifier_type
        self.identifier.data = structure.identifier
        self.setup_structure_choices()

    def summary_fields(self):
        return [self[name] for name in self.PAGE_ORDER]


def profile_values(structure):
    kind = identifier_type(structure.identifier_type)
    return {form_field_name(column): getattr(structure, column) for column in kind.fields}
