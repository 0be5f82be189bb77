"""Where the checkout's folders are: imported by any layer without reaching up to the application package."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout: tracker/, templates/, static/, docs/, migrations/
MIGRATIONS = ROOT / "migrations"
TRANSLATIONS = ROOT / "tracker" / "translations"
DOCS = ROOT / "docs"
