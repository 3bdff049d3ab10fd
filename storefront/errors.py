"""The one place where errors become HTTP: problem-details JSON for the API, pages for people."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.types import ExceptionHandlersMap

from marketplace.errors import (
    ApplicationError,
    FieldError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
)
from storefront.logs import log
from storefront.middleware import language_of, media_origin, security_headers

PROBLEM_JSON = "application/problem+json"

_GENERIC = {
    400: ("bad_request", "Yêu cầu không hợp lệ.", "Bad request."),
    401: ("unauthenticated", "Vui lòng đăng nhập.", "Please log in."),
    403: ("forbidden", "Bạn không có quyền làm việc này.", "You may not do this."),
    404: ("not_found", "Không tìm thấy trang này.", "This page does not exist."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ.", "Method not allowed."),
    413: (
        "too_large",
        "Dữ liệu gửi lên quá lớn (tối đa 48 MB một lần gửi, mỗi ảnh tối đa 10 MB). Hãy quay lại "
        "và chọn ảnh nhỏ hơn, hoặc gửi ít ảnh hơn mỗi lần.",
        "The request is too large (48 MB at most at a time, 10 MB per photo). Go back and "
        "choose smaller photos, or send fewer at a time.",
    ),
    415: (
        "unsupported_media_type",
        "Định dạng dữ liệu không được hỗ trợ.",
        "Unsupported media type.",
    ),
    429: (
        "rate_limited",
        "Bạn thao tác quá nhanh, vui lòng thử lại sau.",
        "Too many requests, try later.",
    ),
}
_INTERNAL = (
    "internal_error",
    "Đã có lỗi xảy ra. Vui lòng thử lại sau.",
    "Something went wrong. Please try again later.",
)


def wants_json(request: Request[Any, Any, Any]) -> bool:
    if request.url.path.startswith("/api/") or request.url.path in ("/health",):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


_OUT_OF_RANGE = (
    "value_out_of_range",
    "Có giá trị nằm ngoài khoảng cho phép (ví dụ một số quá lớn).",
    "A value is outside the allowed range (for instance a number too large).",
)


def _is_rejected_by_database(exc: Exception) -> bool:
    """A number too large for its column that a request asked the database to store or compare:
    SQLite's driver refuses to bind it (OverflowError), asyncpg to encode it (a DataError
    caused by an OverflowError), or PostgreSQL answers 22003 "numeric value out of range".
    Any other overflow is our bug and stays a 500."""
    if isinstance(exc, OverflowError):
        return "SQLite INTEGER" in str(exc)
    # By name, so that SQLite-only installs need no asyncpg (which has no type stubs either).
    is_data_error = any(
        cls.__name__ == "DataError" and cls.__module__.startswith("asyncpg")
        for cls in type(exc).__mro__
    )
    encoding = isinstance(exc.__cause__, OverflowError)
    return is_data_error and (encoding or getattr(exc, "sqlstate", None) == "22003")


def _as_application_error(exc: Exception) -> ApplicationError:
    if isinstance(exc, ApplicationError):
        return exc
    if _is_rejected_by_database(exc):
        return InvalidInput(*_OUT_OF_RANGE)
    if isinstance(exc, ValidationException):
        return _validation_error(exc)
    if isinstance(exc, PermissionDeniedException) and "csrf" in str(exc.detail).lower():
        return PermissionDenied(
            "csrf_failed",
            "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
            "Vui lòng tải lại trang và thử lại.",
            "Your session expired or the form is not valid. Please reload the page and try again.",
        )
    if isinstance(exc, NotFoundException):
        return NotFound(*_GENERIC[404])
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    code, vi, en = _GENERIC.get(status, _INTERNAL)
    error = ApplicationError(code, vi, en)
    error.status = status
    return error


# No Langso body nests anywhere near this deep; a thousand levels would exhaust the decoder's
# recursion (RecursionError, a 500) or whatever walks the value afterwards.
MAX_BODY_DEPTH = 64


def _body_too_deep() -> ApplicationError:
    return ApplicationError(
        "bad_request",
        f"Dữ liệu gửi lên lồng nhau quá sâu (tối đa {MAX_BODY_DEPTH} cấp).",
        f"The request body is nested too deeply (at most {MAX_BODY_DEPTH} levels).",
    )


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether `value` (decoded JSON or MessagePack) nests more than `limit` levels, walked
    without recursion."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list | tuple):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return False


class BodyDecodingRequest(Request[Any, Any, Any]):
    """Litestar's request whose JSON and MessagePack bodies are refused (400 `bad_request`)
    when nested too deeply, instead of the decoder's RecursionError becoming a 500. Only body
    decoding is covered: a RecursionError anywhere else stays our bug. (Text with a lone
    surrogate is already refused by msgspec as malformed JSON, a 400.)"""

    async def json(self) -> Any:
        try:
            value = await super().json()
        except RecursionError:
            raise _body_too_deep() from None
        if _deeper_than(value, MAX_BODY_DEPTH):
            raise _body_too_deep()
        return value

    async def msgpack(self) -> Any:
        try:
            value = await super().msgpack()
        except RecursionError:
            raise _body_too_deep() from None
        if _deeper_than(value, MAX_BODY_DEPTH):
            raise _body_too_deep()
        return value


_KINDS_VI = {
    "int": "số nguyên",
    "float": "số",
    "str": "chuỗi chữ",
    "bool": "true hoặc false",
    "array": "danh sách",
    "object": "đối tượng JSON",
    "null": "null",
}
_DECODER_MESSAGES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"Expected `(\w+)`, got `(\w+)`"),
        lambda m: f"cần {_kind(m[1])}, không phải {_kind(m[2])}",
    ),
    (re.compile(r"Expected `(\w+)` >= (\S+)"), lambda m: f"cần {_kind(m[1])} từ {m[2]} trở lên"),
    (re.compile(r"Expected `(\w+)` <= (\S+)"), lambda m: f"cần {_kind(m[1])} không quá {m[2]}"),
    (
        re.compile(r"Expected `str` of length <= (\d+)"),
        lambda m: f"cần chuỗi chữ dài tối đa {m[1]} ký tự",
    ),
    (
        re.compile(r"Expected `str` of length >= (\d+)"),
        lambda m: f"cần chuỗi chữ dài ít nhất {m[1]} ký tự",
    ),
    (re.compile(r"Invalid enum value (.+)"), lambda m: f"giá trị {m[1]} không nằm trong danh sách"),
    (re.compile(r"Object missing required field `(\w+)`"), lambda m: f"thiếu trường `{m[1]}`"),
    (
        re.compile(r"Object contains unknown field `(\w+)`"),
        lambda m: f"trường `{m[1]}` không được dùng ở đây",
    ),
    (
        re.compile(r"Missing required (?:query|path|header|cookie) parameter"),
        lambda m: "thiếu giá trị",
    ),
)


def _kind(name: str) -> str:
    return _KINDS_VI.get(name, name)


def _in_vietnamese(message: str) -> str:
    """The decoder's English message about a field, said in Vietnamese."""
    for pattern, say in _DECODER_MESSAGES:
        found = pattern.search(message)
        if found:
            return f"Giá trị không hợp lệ: {say(found)}."
    return "Giá trị không hợp lệ."


def _validation_error(exc: ValidationException) -> InvalidInput:
    fields: list[FieldError] = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            key = str(item.get("key") or item.get("source") or "body")
            message = str(item.get("message", ""))
            fields.append(FieldError(key, "invalid", _in_vietnamese(message), message))
    return InvalidInput(
        "invalid_input",
        "Dữ liệu gửi lên không hợp lệ.",
        "The submitted data is not valid.",
        fields=fields,
    )


class ProblemField(msgspec.Struct):
    """What is wrong with one input field."""

    field: str
    code: str
    message_vi: str
    message_en: str


class Problem(msgspec.Struct):
    """RFC 9457 problem details with Langso's machine code and both languages (the schema of
    every API error in the OpenAPI document, see storefront/api/problems.py)."""

    type: str
    title: str
    status: int
    code: str
    detail: str
    message_vi: str
    message_en: str
    errors: list[ProblemField] | msgspec.UnsetType = msgspec.UNSET


def problem_details(error: ApplicationError, status: int) -> dict[str, Any]:
    problem = Problem(
        type=f"https://langso.vn/errors/{error.code}",
        title=error.message_en,
        status=status,
        code=error.code,
        detail=error.message_vi,
        message_vi=error.message_vi,
        message_en=error.message_en,
        errors=[ProblemField(f.field, f.code, f.message_vi, f.message_en) for f in error.fields]
        if error.fields
        else msgspec.UNSET,
    )
    body: dict[str, Any] = msgspec.to_builtins(problem)
    return body


def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    error = _as_application_error(exc)
    status = error.status
    if status >= 500:
        log.exception("unhandled error", extra={"path": request.url.path, "method": request.method})
    else:
        log.info(
            "client error", extra={"path": request.url.path, "status": status, "code": error.code}
        )
    # Router-level errors (404, 405) never pass the middleware: give them the headers here.
    # (CSRF refusals are raised in middleware and bypass it too.) HSTS as the middleware would.
    settings = getattr(request.app.state, "settings", None)
    headers = security_headers(
        hsts=settings is not None and settings.secure_cookies,
        media_origin=media_origin(settings.media_public_base_url) if settings else None,
    )
    if isinstance(error, RateLimited):
        headers["retry-after"] = str(error.retry_after_seconds)
    if wants_json(request):
        return Response(
            problem_details(error, status),
            status_code=status,
            media_type=PROBLEM_JSON,
            headers=headers,
        )
    if error.code == "login_required":
        return Redirect(f"/login?next={quote(request.url.path)}")
    language = language_of(request.scope)
    return Template(
        template_name="error.html",
        context={"error": error, "message": error.message(language), "status": status},
        status_code=status,
        media_type=MediaType.HTML,
        headers=headers,
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    ApplicationError: handle,
    HTTPException: handle,
    NotAuthorizedException: handle,
    Exception: handle,
}
