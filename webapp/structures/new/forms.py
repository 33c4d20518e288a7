"""The structure part of the sign-up form, alone: for a signed-in user (no captcha, no personal part)."""
from flask_wtf import FlaskForm

from webapp.structures.fields import STRUCTURE_FIELD_ORDER, StructureFields


class StructureOnlyForm(StructureFields, FlaskForm):
    PAGE_ORDER = STRUCTURE_FIELD_ORDER

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_structure_choices()

    def summary_fields(self):
        """Fields in the order the page shows them, for the error summary."""
        return [self[name] for name in self.PAGE_ORDER]
