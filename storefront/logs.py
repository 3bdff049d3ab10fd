"""Structured logs (one JSON object a line) that never carry secrets or full phone numbers."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

_PHONE = re.compile(r"(?<![\w+])(\+84|84|0)(\d{3})\d{2,4}(\d{3})(?!\d)")
_SECRET_KEYS = re.compile(
    r"(?i)(password|passwd|token|secret|authorization|cookie|api[_-]?key|code)"
    r"""(["']?\s*[:=]\s*["']?)([^"'\s,&}]+)"""
)
_BEARER = re.compile(r"(?i)(bearer|apikey)\s+[A-Za-z0-9._~+/=-]+")
# URLs whose token is the only key to a cart, an order's payment or a webhook endpoint.
_CAPABILITY_PATH = re.compile(
    r"(/pay/|/orders/|/api/v1/carts/|/api/v1/payment-intents/|/api/v1/payments/webhooks/[\w-]+/)"
    r"[A-Za-z0-9_-]{8,}"
)


def redact(text: str) -> str:
    """Mask phone numbers and the values of anything that looks like a credential."""
    text = _BEARER.sub(lambda m: f"{m.group(1)} ***", text)
    text = _CAPABILITY_PATH.sub(lambda m: f"{m.group(1)}***", text)
    text = _SECRET_KEYS.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    return _PHONE.sub(lambda m: f"{m.group(1)}{m.group(2)}***{m.group(3)}", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key in ("method", "path", "status", "duration_ms", "code"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = redact(str(value)) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str = "INFO") -> None:
    """Send every `langso` log line through the redacting JSON formatter on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("langso")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False


log = logging.getLogger("langso")
