"""Jinja templates with the per-request language, money and date helpers."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from marketplace.catalogue.schemas import UNITS
from storefront import formatting, i18n
from storefront.middleware import language_of

TEMPLATES = Path(__file__).parent / "templates"
# Units of sale, and the other units a batch's journal may be written in (translations/en).
KNOWN_UNITS = frozenset(UNITS) | frozenset(
    ("tấn", "tạ", "tá", "ml", "bao", "cái", "trái", "con", "củ", "cây", "vỉ", "bánh")
)
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def _language(context: Mapping[str, Any]) -> str:
    request = context.get("request")
    return language_of(request.scope) if request is not None else i18n.DEFAULT_LANGUAGE


def _gettext(context: Mapping[str, Any], /, message: str, **values: Any) -> str:
    text = i18n.gettext(_language(context), message)
    return text.format(**values) if values else text


def _money(context: Mapping[str, Any], amount_vnd: int) -> str:
    return formatting.money(amount_vnd, _language(context))


def _datetime(context: Mapping[str, Any], moment: Any) -> str:
    return formatting.local_datetime(moment, _language(context)) if moment else ""


def _date(context: Mapping[str, Any], day: Any) -> str:
    return formatting.local_date(day, _language(context)) if day else ""


def _unit(context: Mapping[str, Any], unit: str | None) -> str:
    """A unit (`quả`, `hộp`…) in the page's language, the same on every page; a unit a seller
    typed that is not one of ours is shown as typed (it is never looked up as a message)."""
    if not unit:
        return ""
    known = unicodedata.normalize("NFC", unit).strip().lower()
    return i18n.gettext(_language(context), known) if known in KNOWN_UNITS else unit


def _number(context: Mapping[str, Any], value: float | int, decimals: int = 1) -> str:
    return formatting.number(value, _language(context), decimals)


def _lang(context: Mapping[str, Any]) -> str:
    return _language(context)


def _switch_url(context: Mapping[str, Any], language: str) -> str:
    """This page in `language`: the same path and query, every value of a repeated parameter
    kept in order and URL-encoded, only `lang` replaced."""
    request = context["request"]
    return switch_url(request.url.path, request.url.query, language)


def switch_url(path: str, raw_query: str, language: str) -> str:
    pairs = [(k, v) for k, v in parse_qsl(raw_query, keep_blank_values=True) if k != "lang"]
    return f"{quote(path, safe=_PATH_SAFE)}?{urlencode([*pairs, ('lang', language)])}"


def _configure(engine: JinjaTemplateEngine) -> None:
    engine.register_template_callable("_", _gettext)
    engine.register_template_callable("money", _money)
    engine.register_template_callable("datetime", _datetime)
    engine.register_template_callable("date", _date)
    engine.register_template_callable("lang", _lang)
    engine.register_template_callable("unit", _unit)
    engine.register_template_callable("number", _number)
    engine.register_template_callable("switch_url", _switch_url)
    engine.register_template_callable("signed_in", _signed_in)
    engine.engine.globals["phone"] = formatting.phone
    engine.engine.trim_blocks = True
    engine.engine.lstrip_blocks = True


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=_configure
    )


def _signed_in(context: Mapping[str, Any]) -> bool:
    request = context.get("request")
    if request is None:
        return False
    session = request.scope.get("state", {}).get("langso_session")
    return bool(session and session.get("uid"))
