"""Reading webhook JSON bodies: every malformed field is InvalidInput `webhook_body_invalid`."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Literal

from marketplace.errors import InvalidInput

Direction = Literal["in", "out"]
# Providers write local times without an offset; Vietnam has kept UTC+7 with no DST since 1975.
VIETNAM_TIME = timezone(timedelta(hours=7))
# Bank transfers reported by a webhook happened in this century, give or take.
MIN_YEAR, MAX_YEAR = 2000, 2999


def body_invalid(what: str) -> InvalidInput:
    return InvalidInput(
        "webhook_body_invalid",
        f"Nội dung webhook không hợp lệ: {what}.",
        f"The webhook body is invalid: {what}.",
    )


def json_object(raw_body: bytes) -> dict[str, Any]:
    """The body's JSON object; anything a provider never sends is InvalidInput, not a crash:
    nesting deeper than MAX_DEPTH, text with NUL or a lone surrogate (neither UTF-8 nor
    storable), NaN and Infinity."""
    try:
        body = json.loads(raw_body, parse_constant=_reject_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise body_invalid("not JSON") from None
    if not isinstance(body, dict):
        raise body_invalid("not a JSON object")
    _check_values(body)
    return body


# Provider bodies nest two or three levels; a few more are tolerated, not a thousand.
MAX_DEPTH = 16
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _check_values(body: dict[str, Any]) -> None:
    pending: list[tuple[Any, int]] = [(body, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                raise body_invalid("text contains NUL or an unpaired surrogate")
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise body_invalid(f"nested more than {MAX_DEPTH} levels deep")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                pending.append((key, depth))
                pending.append((item, depth + 1))


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


# No bank transfer comes near a thousand trillion đồng; the bound keeps sums inside BIGINT.
MAX_AMOUNT_VND = 10**15


def require_signed_amount(obj: Mapping[str, Any], key: str) -> int:
    value = obj.get(key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise body_invalid(f"{key} must be a whole number of dong")
    if abs(value) > MAX_AMOUNT_VND:
        raise body_invalid(f"{key} is out of range")
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
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=VIETNAM_TIME)
        moment = moment.astimezone(UTC)  # OverflowError at the ends of the calendar
    except (ValueError, OverflowError):
        raise body_invalid(f"{key} must be a date and time") from None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise body_invalid(f"{key} is out of range")
    return moment


def require_direction(obj: Mapping[str, Any], key: str) -> Direction:
    value = obj.get(key)
    if value == "in":
        return "in"
    if value == "out":
        return "out"
    raise body_invalid(f"{key} must be 'in' or 'out'")
