"""Jinja templates with the per-request language, money and date helpers."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from storefront import formatting, i18n
from storefront.middleware import language_of

TEMPLATES = Path(__file__).parent / "templates"


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


def _lang(context: Mapping[str, Any]) -> str:
    return _language(context)


def _switch_url(context: Mapping[str, Any], language: str) -> str:
    request = context["request"]
    params = {k: v for k, v in request.query_params.items() if k != "lang"}
    params["lang"] = language
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{request.url.path}?{query}"


def _configure(engine: JinjaTemplateEngine) -> None:
    engine.register_template_callable("_", _gettext)
    engine.register_template_callable("money", _money)
    engine.register_template_callable("datetime", _datetime)
    engine.register_template_callable("date", _date)
    engine.register_template_callable("lang", _lang)
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
