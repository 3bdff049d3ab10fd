"""Reading webhook JSON bodies: every malformed field is InvalidInput `webhook_body_invalid`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Literal

from marketplace.errors import InvalidInput

Direction = Literal["in", "out"]
# Providers write local times without an offset; Vietnam has kept UTC+7 with no DST since 1975.
VIETNAM_TIME = timezone(timedelta(hours=7))


def body_invalid(what: str) -> InvalidInput:
    return InvalidInput(
        "webhook_body_invalid",
        f"Nội dung webhook không hợp lệ: {what}.",
        f"The webhook body is invalid: {what}.",
    )


def json_object(raw_body: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw_body, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError):
        raise body_invalid("not JSON") from None
    if not isinstance(body, dict):
        raise body_invalid("not a JSON object")
    return body


def _reject_constant(name: str) -> None:
    raise ValueError(name)


def require_text(obj: Mapping[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise body_invalid(f"{key} must be a non-empty string")
    return value.strip()


def optional_text(obj: Mapping[str, Any], key: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise body_invalid(f"{key} must be a string")
    return value


def require_identifier(obj: Mapping[str, Any], key: str) -> str:
    value = obj.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return require_text(obj, key)


def require_signed_amount(obj: Mapping[str, Any], key: str) -> int:
    value = obj.get(key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise body_invalid(f"{key} must be a whole number of dong")
    return value


def require_amount(obj: Mapping[str, Any], key: str) -> int:
    value = require_signed_amount(obj, key)
    if value < 0:
        raise body_invalid(f"{key} must not be negative")
    return value


def require_local_time(obj: Mapping[str, Any], key: str) -> datetime:
    """A provider time ('2024-10-03 15:06:37', Vietnam time unless it carries an offset) in UTC."""
    try:
        moment = datetime.fromisoformat(require_text(obj, key))
    except ValueError:
        raise body_invalid(f"{key} must be a date and time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM_TIME)
    return moment.astimezone(UTC)


def require_direction(obj: Mapping[str, Any], key: str) -> Direction:
    value = obj.get(key)
    if value == "in":
        return "in"
    if value == "out":
        return "out"
    raise body_invalid(f"{key} must be 'in' or 'out'")
