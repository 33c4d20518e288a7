"""The workspaces a supplier can open (docs/DESIGN.md §4.9), in the order the page lists them."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Workspace:
    code: str
    label: str
    description: str
    opened_by_default: bool = False


WORKSPACES = (
    Workspace("sollicitations_emises", _l("Requests sent"),
              _l("Ask the support or your public customers a question and follow the answers."), True),
    Workspace("factures_emises", _l("Invoices sent"),
              _l("Submit invoices to your public customers and follow their processing."), True),
    Workspace("engagements", _l("Commitments"),
              _l("See the purchase orders and legal commitments your public customers sent you.")),
    Workspace("factures_travaux", _l("Works invoices"),
              _l("Submit and follow the invoices and statements of public works contracts.")),
    Workspace("memoires_frais_justice", _l("Legal costs statements"),
              _l("Submit statements of legal costs to the courts and follow their payment.")),
    Workspace("raccordements_edi_api", _l("EDI and API connections"),
              _l("Connect your software to the portal by EDI or API and follow the connections.")),
)
BY_CODE = {w.code: w for w in WORKSPACES}
DEFAULT_OPENED = frozenset(w.code for w in WORKSPACES if w.opened_by_default)


def workspace(code):
    return BY_CODE.get(code)
