"""Account services: the only code that writes the accounts tables."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from marketplace import codes
from marketplace.accounts.passwords import (
    check_strength,
    hash_password,
    spend_like_a_verification,
    verify_password,
)
from marketplace.accounts.tables import ApiToken, ResetCode, User
from marketplace.db import claim, write_transaction
from marketplace.errors import Conflict, NotFound, PermissionDenied, Unauthenticated, invalid_field
from marketplace.phones import lookup_phone, parse_phone
from marketplace.text import normalize

RESET_CODE_LIFETIME = timedelta(hours=24)
TOKEN_PREFIX = "lsk_"  # noqa: S105 - a public marker, not a secret


@dataclass(frozen=True)
class Account:
    """What the rest of the product knows about a signed-in person."""

    id: int
    phone: str
    display_name: str
    is_officer: bool
    officer_province_code: str | None
    session_epoch: int


def _account(row: dict[str, object]) -> Account:
    return Account(
        id=int(row["id"]),  # type: ignore[call-overload]
        phone=str(row["phone"]),
        display_name=str(row["display_name"]),
        is_officer=bool(row["is_officer"]),
        officer_province_code=row["officer_province_code"] or None,  # type: ignore[arg-type]
        session_epoch=int(row["session_epoch"]),  # type: ignore[call-overload]
    )


_ACCOUNT_COLUMNS = (
    User.id,
    User.phone,
    User.display_name,
    User.is_officer,
    User.officer_province_code,
    User.session_epoch,
)


def _clean_name(display_name: str) -> str:
    name = normalize(display_name)
    if not name or len(name) > 100:
        raise invalid_field(
            "display_name",
            "name_invalid",
            "Vui lòng nhập họ tên (tối đa 100 ký tự).",
            "Please enter your name (at most 100 characters).",
        )
    return name


async def sign_up(
    phone: str,
    password: str,
    display_name: str,
    *,
    officer_province_code: str | None = None,
    is_officer: bool = False,
) -> Account:
    """Create an account for a Vietnamese phone number; the number must not be taken."""
    e164 = parse_phone(phone)
    name = _clean_name(display_name)
    check_strength(password)
    password_hash = await hash_password(password)
    async with write_transaction():
        await claim(f"phone:{e164}")
        if await User.exists().where(User.phone == e164):
            raise Conflict(
                "phone_taken",
                "Số điện thoại này đã được đăng ký. Hãy đăng nhập.",
                "This phone number is already registered. Please log in.",
            )
        await User.insert(
            User(
                phone=e164,
                display_name=name,
                password_hash=password_hash,
                is_officer=is_officer,
                officer_province_code=officer_province_code,
            )
        )
    return await account_by_phone(e164)


def require_officer_for(account: Account, province_code: str) -> None:
    """Officers act on their own province; national officers (no province) on every one."""
    if not account.is_officer:
        raise PermissionDenied(
            "officer_only",
            "Chỉ cán bộ quản lý mới được làm việc này.",
            "Only officers may do this.",
        )
    if account.officer_province_code and account.officer_province_code != province_code:
        raise PermissionDenied(
            "officer_other_province",
            "Việc này thuộc tỉnh khác, ngoài phạm vi quản lý của bạn.",
            "This belongs to another province than yours.",
        )


async def account_by_phone(e164: str) -> Account:
    row = await User.select(*_ACCOUNT_COLUMNS).where(User.phone == e164).first()
    if row is None:
        raise NotFound("account_not_found", "Không tìm thấy tài khoản.", "Account not found.")
    return _account(row)


async def account_by_id(user_id: int) -> Account | None:
    row = await User.select(*_ACCOUNT_COLUMNS).where(User.id == user_id).first()
    return _account(row) if row else None


_LOGIN_FAILED = (
    "login_failed",
    "Số điện thoại hoặc mật khẩu không đúng.",
    "Wrong phone number or password.",
)


async def authenticate(phone: str, password: str) -> Account:
    """The account whose phone and password these are; the same error for either mistake."""
    try:
        e164 = lookup_phone(phone)
    except Exception:
        raise Unauthenticated(*_LOGIN_FAILED) from None
    row = await User.select(User.id, User.password_hash).where(User.phone == e164).first()
    if row is None:
        await spend_like_a_verification()
        raise Unauthenticated(*_LOGIN_FAILED)
    if not await verify_password(str(row["password_hash"]), password):
        raise Unauthenticated(*_LOGIN_FAILED)
    await User.update({User.last_login_at: datetime.now(UTC)}).where(User.id == row["id"])
    return await account_by_phone(e164)


async def log_out_everywhere(user_id: int) -> None:
    """End every session of this account, on every device, and revoke its API tokens."""
    async with write_transaction():
        await User.update({User.session_epoch: User.session_epoch + 1}).where(User.id == user_id)
        await ApiToken.update({ApiToken.revoked_at: datetime.now(UTC)}).where(
            (ApiToken.user == user_id) & ApiToken.revoked_at.is_null()
        )


async def change_password(user_id: int, current_password: str, new_password: str) -> None:
    row = await User.select(User.password_hash).where(User.id == user_id).first()
    if row is None or not await verify_password(str(row["password_hash"]), current_password):
        raise invalid_field(
            "current_password",
            "password_wrong",
            "Mật khẩu hiện tại không đúng.",
            "The current password is wrong.",
        )
    check_strength(new_password, "new_password")
    await _set_password(user_id, new_password)


async def _set_password(user_id: int, new_password: str) -> None:
    password_hash = await hash_password(new_password)
    async with write_transaction():
        await User.update(
            {User.password_hash: password_hash, User.session_epoch: User.session_epoch + 1}
        ).where(User.id == user_id)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def _require_may_reset(issuer: Account, target: Account) -> None:
    """A reset code hands over the account, so who may issue one is narrow.

    - An officer's account: only a national officer.
    - A seller's account: an officer covering the province of every producer the person
      works for, or an owner of every one of those producers.
    - An account that works for no producer (a farmer who forgot the password before
      registering a producer): any officer, the one nearby being who they can go to.
    """
    from marketplace.catalogue.members import OWNER, memberships

    national = issuer.is_officer and not issuer.officer_province_code
    if target.is_officer:
        if national:
            return
        raise PermissionDenied(
            "reset_not_allowed",
            "Chỉ cán bộ cấp trung ương mới được cấp mã đặt lại mật khẩu cho tài khoản cán bộ.",
            "Only a national officer may issue a reset code for an officer's account.",
        )
    held = await memberships(target.id)
    if issuer.is_officer:
        provinces = {m.province_code for m in held}
        if national or not provinces or provinces == {issuer.officer_province_code}:
            return
        raise PermissionDenied(
            "officer_other_province",
            "Người này làm việc cho cơ sở ở tỉnh khác: chỉ cán bộ tỉnh đó mới được cấp mã.",
            "This person works for a producer in another province: only that province's "
            "officers may issue the code.",
        )
    owned = {m.producer_id for m in await memberships(issuer.id) if m.role == OWNER}
    if held and all(m.producer_id in owned for m in held):
        return
    raise PermissionDenied(
        "reset_not_allowed",
        "Chỉ cán bộ hoặc chủ cơ sở của người này mới được cấp mã đặt lại mật khẩu.",
        "Only an officer or an owner of this person's producer may issue a reset code.",
    )


async def issue_reset_code(issuer: Account, target_phone: str) -> str:
    """A one-time code (valid 24 h) letting the holder of `target_phone` set a new password.

    There is no SMS: an officer, or an owner of a producer the person works for, hands the code
    over in person or by phone.
    """
    target = await account_by_phone(lookup_phone(target_phone))
    await _require_may_reset(issuer, target)
    code = codes.new_code("", 8)
    async with write_transaction():
        await ResetCode.insert(
            ResetCode(
                user=target.id,
                issued_by=issuer.id,
                code_hash=_sha256(code),
                expires_at=datetime.now(UTC) + RESET_CODE_LIFETIME,
            )
        )
    return code


async def reset_password(phone: str, code: str, new_password: str) -> None:
    """Set a new password with a reset code; every session of the account ends, its API tokens
    are revoked and its other unused codes stop working (whoever had the old password, or
    another code, keeps nothing)."""
    check_strength(new_password, "new_password")
    wrong = invalid_field(
        "code",
        "reset_code_invalid",
        "Mã đặt lại không đúng hoặc đã hết hạn.",
        "The reset code is wrong or has expired.",
    )
    try:
        e164 = lookup_phone(phone)
    except Exception:
        raise wrong from None
    user = await User.select(User.id).where(User.phone == e164).first()
    if user is None:
        raise wrong
    password_hash = await hash_password(new_password)
    async with write_transaction():
        reset = (
            await ResetCode.select(ResetCode.id)
            .where(
                (ResetCode.user == user["id"])
                & (ResetCode.code_hash == _sha256(codes.canonical(code)))
                & ResetCode.used_at.is_null()
                & (ResetCode.expires_at > datetime.now(UTC))
            )
            .first()
        )
        if reset is None:
            raise wrong
        now = datetime.now(UTC)
        await ResetCode.update({ResetCode.used_at: now}).where(
            (ResetCode.user == user["id"]) & ResetCode.used_at.is_null()
        )
        await User.update(
            {User.password_hash: password_hash, User.session_epoch: User.session_epoch + 1}
        ).where(User.id == user["id"])
        await ApiToken.update({ApiToken.revoked_at: now}).where(
            (ApiToken.user == user["id"]) & ApiToken.revoked_at.is_null()
        )


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


TOKEN_NAME_MAX = 100


async def create_api_token(user_id: int, name: str) -> tuple[TokenInfo, str]:
    """A new bearer token for the seller's own tools; the secret is shown only this once."""
    if any(ch == "\x00" or (ord(ch) < 32 and ch not in "\t\n\r") for ch in name):
        raise invalid_field(
            "name",
            "token_name_invalid",
            "Tên mã truy cập có ký tự điều khiển không hợp lệ.",
            "The token name contains a control character that is not allowed.",
        )
    label = normalize(name)
    if not label:
        raise invalid_field(
            "name", "token_name_invalid", "Vui lòng đặt tên cho mã truy cập.", "Name the token."
        )
    if len(label) > TOKEN_NAME_MAX:
        raise invalid_field(
            "name",
            "token_name_too_long",
            f"Tên mã truy cập dài tối đa {TOKEN_NAME_MAX} ký tự.",
            f"The token name may be at most {TOKEN_NAME_MAX} characters long.",
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    async with write_transaction():
        rows = await ApiToken.insert(
            ApiToken(user=user_id, name=label, token_hash=_sha256(secret), prefix=secret[:10])
        )
    tokens = [t for t in await list_api_tokens(user_id) if t.id == rows[0]["id"]]
    return tokens[0], secret


async def list_api_tokens(user_id: int) -> list[TokenInfo]:
    rows = (
        await ApiToken.select(
            ApiToken.id, ApiToken.name, ApiToken.prefix, ApiToken.created_at, ApiToken.last_used_at
        )
        .where((ApiToken.user == user_id) & ApiToken.revoked_at.is_null())
        .order_by(ApiToken.id)
    )
    return [TokenInfo(**row) for row in rows]


async def revoke_api_token(user_id: int, token_id: int) -> None:
    async with write_transaction():
        owned = await ApiToken.exists().where(
            (ApiToken.id == token_id) & (ApiToken.user == user_id) & ApiToken.revoked_at.is_null()
        )
        if not owned:
            raise NotFound("token_not_found", "Không tìm thấy mã truy cập.", "Token not found.")
        await ApiToken.update({ApiToken.revoked_at: datetime.now(UTC)}).where(
            ApiToken.id == token_id
        )


async def account_for_token(secret: str) -> Account | None:
    """The account a bearer token belongs to, or None if it is unknown or revoked."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    row = (
        await ApiToken.select(ApiToken.id, ApiToken.user)
        .where((ApiToken.token_hash == _sha256(secret)) & ApiToken.revoked_at.is_null())
        .first()
    )
    if row is None:
        return None
    return await account_by_id(int(row["user"]))
