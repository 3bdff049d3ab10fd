"""One error vocabulary for the whole product.

Every error a user can cause is an `ApplicationError` with a stable machine `code` and a message
in Vietnamese and English. The storefront maps them to HTTP in one place: problem-details JSON
for the API, a friendly page for people.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """What is wrong with one input field."""

    field: str
    code: str
    message_vi: str
    message_en: str


class ApplicationError(Exception):
    """Base of every error a user can cause; `status` is the HTTP status it maps to."""

    status = 400

    def __init__(
        self,
        code: str,
        message_vi: str,
        message_en: str,
        *,
        fields: list[FieldError] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en
        self.fields = fields or []

    def message(self, language: str) -> str:
        return self.message_en if language == "en" else self.message_vi


class InvalidInput(ApplicationError):
    status = 422


class NotFound(ApplicationError):
    status = 404


class Conflict(ApplicationError):
    status = 409


class Unauthenticated(ApplicationError):
    status = 401


class PermissionDenied(ApplicationError):
    status = 403


class RateLimited(ApplicationError):
    status = 429

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(
            "rate_limited",
            f"Bạn thao tác quá nhanh. Vui lòng thử lại sau {retry_after_seconds} giây.",
            f"Too many attempts. Please try again in {retry_after_seconds} seconds.",
        )
        self.retry_after_seconds = retry_after_seconds


def invalid_field(field: str, code: str, message_vi: str, message_en: str) -> InvalidInput:
    """An `InvalidInput` about a single field, the commonest case."""
    return InvalidInput(
        code,
        message_vi,
        message_en,
        fields=[FieldError(field, code, message_vi, message_en)],
    )
