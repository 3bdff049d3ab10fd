"""`make messages`: add every untranslated `_("…")` of the templates and pages to en/new.po.

Existing translations are kept; new message ids get an empty translation to fill in, and the
translations test fails until they are filled.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = Path(__file__).parent / "en" / "new.po"
_CALL = re.compile(r"""(?<![\w.])_\(\s*(["'])(.+?)\1""")


def messages() -> set[str]:
    found: set[str] = set()
    for pattern in ("templates/**/*.html", "pages/**/*.py"):
        for path in ROOT.glob(pattern):
            found.update(m.group(2) for m in _CALL.finditer(path.read_text(encoding="utf-8")))
    return found


def main() -> None:
    from storefront.i18n import catalogue

    known = catalogue("en")
    if PO_FILE.exists():
        with PO_FILE.open("rb") as handle:
            catalog = read_po(handle, locale="en")
    else:
        catalog = Catalog(locale="en", project="Langso")
    for message in sorted(messages()):
        if message not in catalog and message not in known:
            catalog.add(message, "")
    with PO_FILE.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, omit_header=False)


if __name__ == "__main__":
    main()
