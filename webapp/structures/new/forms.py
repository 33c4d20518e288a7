"""The structure part of the sign-up form, alone: for a signed-in user (no captcha, no personal part)."""
from flask_wtf import FlaskForm

from webapp.structures.fields import StructureFields


class StructureOnlyForm(StructureFields, FlaskForm):
    PAGE_ORDER = (
        "identifier_type", "identifier", "structure_type", "company_name", "person_last_name",
        "person_first_name", "label", "structure_email", "structure_phone", "address_line",
        "address_complement_1", "address_complement_2", "postcode", "city", "country", "non_diffusible",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_structure_choices()

    def summary_fields(self):
        """Fields in the order the page shows them, for the error summary."""
        return [self[name] for name in self.PAGE_ORDER]
