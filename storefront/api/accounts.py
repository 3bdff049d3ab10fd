"""Accounts in the JSON API: who am I, and my API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.params import FromPath, JSONBody

from marketplace.accounts import service
from marketplace.catalogue.members import memberships
from storefront.auth import require_account, require_session_account


class MembershipOut(msgspec.Struct):
    producer_id: int
    producer_name: str
    producer_slug: str
    role: str


class Me(msgspec.Struct):
    id: int
    phone: str
    display_name: str
    is_officer: bool
    memberships: list[MembershipOut]


class ApiTokenOut(msgspec.Struct):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class ApiTokenCreate(msgspec.Struct):
    name: str


class ApiTokenCreated(msgspec.Struct):
    token: ApiTokenOut
    secret: str


class AccountsApi(Controller):
    path = "/api/v1"
    tags = ["accounts"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @get("/me", operation_id="GetMe")
    async def get_me(self, request: Request[Any, Any, Any]) -> Me:
        """The signed-in account and the producers it works for."""
        account = await require_account(request)
        return Me(
            id=account.id,
            phone=account.phone,
            display_name=account.display_name,
            is_officer=account.is_officer,
            memberships=msgspec.convert(
                [m.__dict__ for m in await memberships(account.id)], list[MembershipOut]
            ),
        )

    @get("/tokens", operation_id="ListApiTokens")
    async def list_tokens(self, request: Request[Any, Any, Any]) -> list[ApiTokenOut]:
        account = await require_account(request)
        tokens = await service.list_api_tokens(account.id)
        return msgspec.convert([t.__dict__ for t in tokens], list[ApiTokenOut])

    @post("/tokens", operation_id="CreateApiToken", status_code=201)
    async def create_token(
        self, request: Request[Any, Any, Any], data: JSONBody[ApiTokenCreate]
    ) -> ApiTokenCreated:
        """A new token; its secret is in this answer only."""
        account = await require_session_account(request)
        token, secret = await service.create_api_token(account.id, data.name)
        return ApiTokenCreated(token=msgspec.convert(token.__dict__, ApiTokenOut), secret=secret)

    @delete("/tokens/{token_id:int}", operation_id="RevokeApiToken")
    async def revoke_token(self, request: Request[Any, Any, Any], token_id: FromPath[int]) -> None:
        account = await require_account(request)
        await service.revoke_api_token(account.id, token_id)
