"""Helpers shared by HTML form handlers: read a form, re-show it with its errors."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template

from marketplace.errors import ApplicationError, FieldError, InvalidInput
from storefront.middleware import language_of


def collected(errors: list[FieldError]) -> InvalidInput:
    """Every wrong field of a form at once: one field keeps its own code and message, several
    are `form_invalid` with each field's message beside it."""
    if len(errors) == 1:
        only = errors[0]
        return InvalidInput(only.code, only.message_vi, only.message_en, fields=errors)
    return InvalidInput(
        "form_invalid",
        "Vui lòng sửa các ô được đánh dấu bên dưới.",
        "Please correct the marked fields below.",
        fields=errors,
    )


def field_errors(error: ApplicationError, language: str) -> dict[str, str]:
    """Messages by field name, for showing beside each input."""
    return {f.field: (f.message_en if language == "en" else f.message_vi) for f in error.fields}


def form_with_errors(
    request: Request[Any, Any, Any],
    template_name: str,
    error: ApplicationError,
    context: dict[str, Any],
) -> Template:
    """The same form again, with what the person typed and what is wrong, status 4xx."""
    language = language_of(request.scope)
    return Template(
        template_name=template_name,
        context={
            **context,
            "error": error.message(language),
            "errors": field_errors(error, language),
        },
        status_code=error.status,
    )
