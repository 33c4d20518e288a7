"""The business register (INSEE Sirene): models, stock-file importer, providers, record type."""
from pathlib import Path

from webapp.register.cli import sirene_cli
from webapp.register.importer import ImportSummary, UnrecognisedStockFile, import_stock_files
from webapp.register.models import REGISTER_MODELS
from webapp.register.providers import RegisterUnavailable, get_register, register_is_empty
from webapp.register.record import RegisterRecord

DEMO_DIR = Path(__file__).resolve().parent / "demo"
DEMO_FILES = [DEMO_DIR / "StockUniteLegale_utf8.csv", DEMO_DIR / "StockEtablissement_utf8.csv"]


def load_demo_register(database, progress=None):
    """Import the bundled fictitious register (see demo/README.md)."""
    return import_stock_files(DEMO_FILES, database, progress=progress)


__all__ = [
    "DEMO_FILES",
    "ImportSummary",
    "REGISTER_MODELS",
    "RegisterRecord",
    "RegisterUnavailable",
    "UnrecognisedStockFile",
    "get_register",
    "import_stock_files",
    "load_demo_register",
    "register_is_empty",
    "sirene_cli",
]
