"""Every string a page shows in Vietnamese has its English translation."""

import re
from pathlib import Path

from storefront.i18n import catalogue

TEMPLATES = Path(__file__).resolve().parents[2] / "storefront" / "templates"
_CALL = re.compile(r"""_\(\s*(["'])(.+?)\1""")


def template_messages() -> set[str]:
    messages: set[str] = set()
    for path in TEMPLATES.rglob("*.html"):
        messages.update(
            match.group(2) for match in _CALL.finditer(path.read_text(encoding="utf-8"))
        )
    return messages


def test_templates_use_gettext():
    assert len(template_messages()) > 20


def test_every_template_string_has_an_english_translation():
    english = catalogue("en")
    missing = sorted(m for m in template_messages() if m not in english)
    assert missing == []


def test_translations_keep_their_placeholders():
    for vietnamese, english in catalogue("en").items():
        assert set(re.findall(r"{\w+}", vietnamese)) == set(re.findall(r"{\w+}", english)), (
            vietnamese
        )
