"""Sign up, log in, log out (here or everywhere), reset codes and API tokens, as pages."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from marketplace.accounts import service
from marketplace.catalogue.members import memberships
from marketplace.errors import ApplicationError
from storefront import ratelimit
from storefront.app_state import counters
from storefront.auth import end_session, require_account, require_session_account, start_session
from storefront.clients import client_address
from storefront.pages.forms import form_with_errors


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect would let phishing pages borrow our login.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/account"


class AccountPages(Controller):
    include_in_schema = False

    @get("/signup", name="signup")
    async def signup_form(self) -> Template:
        return Template(template_name="accounts/signup.html", context={"form": {}})

    @post("/signup")
    async def signup(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[dict[str, str]]
    ) -> Template | Redirect:
        form = {"phone": data.get("phone", ""), "display_name": data.get("display_name", "")}
        try:
            await ratelimit.enforce(
                counters(request), ratelimit.SIGNUP_PER_ADDRESS, client_address(request)
            )
            account = await service.sign_up(
                form["phone"], data.get("password", ""), form["display_name"]
            )
        except ApplicationError as error:
            return form_with_errors(request, "accounts/signup.html", error, {"form": form})
        start_session(request, account)
        return Redirect("/account")

    @get("/login", name="login")
    async def login_form(
        self, next_path: Annotated[str | None, QueryParameter(name="next")] = None
    ) -> Template:
        return Template(
            template_name="accounts/login.html", context={"form": {}, "next": next_path}
        )

    @post("/login")
    async def login(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[dict[str, str]]
    ) -> Template | Redirect:
        phone = data.get("phone", "")
        form = {"phone": phone}
        target = _safe_next(data.get("next"))
        try:
            await ratelimit.enforce(
                counters(request), ratelimit.LOGIN_PER_ADDRESS, client_address(request)
            )
            await ratelimit.enforce(counters(request), ratelimit.LOGIN_PER_PHONE, phone.strip())
            account = await service.authenticate(phone, data.get("password", ""))
        except ApplicationError as error:
            return form_with_errors(
                request, "accounts/login.html", error, {"form": form, "next": target}
            )
        await ratelimit.forgive(counters(request), ratelimit.LOGIN_PER_PHONE, phone.strip())
        # Only failures count per address: many buyers share one carrier-NAT address.
        await ratelimit.take_back(
            counters(request), ratelimit.LOGIN_PER_ADDRESS, client_address(request)
        )
        start_session(request, account)
        return Redirect(target)

    @post("/logout", name="logout")
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        end_session(request)
        return Redirect("/")

    @post("/logout-everywhere", name="logout_everywhere")
    async def logout_everywhere(self, request: Request[Any, Any, Any]) -> Redirect:
        account = await require_account(request)
        await service.log_out_everywhere(account.id)
        end_session(request)
        return Redirect("/login")

    @get("/account", name="account")
    async def account_page(self, request: Request[Any, Any, Any]) -> Template:
        return await self._account_page(request, {})

    async def _account_page(
        self, request: Request[Any, Any, Any], extra: dict[str, Any], status: int = 200
    ) -> Template:
        account = await require_account(request)
        return Template(
            template_name="accounts/account.html",
            context={
                "account": account,
                "memberships": await memberships(account.id),
                "tokens": await service.list_api_tokens(account.id),
                **extra,
            },
            status_code=status,
        )

    @post("/account/tokens", name="create_token")
    async def create_token(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[dict[str, str]]
    ) -> Template:
        account = await require_session_account(request)  # a token cannot make tokens
        try:
            _, secret = await service.create_api_token(account.id, data.get("name", ""))
        except ApplicationError as error:
            return await self._account_page(request, {"token_error": error}, error.status)
        return await self._account_page(request, {"new_token": secret})

    @post("/account/tokens/{token_id:int}/revoke", name="revoke_token")
    async def revoke_token(
        self, request: Request[Any, Any, Any], token_id: FromPath[int]
    ) -> Redirect:
        account = await require_account(request)
        await service.revoke_api_token(account.id, token_id)
        return Redirect("/account")

    @post("/account/reset-codes", name="issue_reset_code")
    async def issue_reset_code(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[dict[str, str]]
    ) -> Template:
        account = await require_account(request)
        try:
            code = await service.issue_reset_code(account, data.get("phone", ""))
        except ApplicationError as error:
            return await self._account_page(request, {"reset_error": error}, error.status)
        return await self._account_page(
            request, {"reset_code": code, "reset_phone": data.get("phone", "")}
        )

    @get("/reset", name="reset")
    async def reset_form(self) -> Template:
        return Template(template_name="accounts/reset.html", context={"form": {}})

    @post("/reset")
    async def reset(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[dict[str, str]]
    ) -> Template | Redirect:
        form = {"phone": data.get("phone", ""), "code": data.get("code", "")}
        try:
            await ratelimit.enforce(
                counters(request), ratelimit.RESET_PER_ADDRESS, client_address(request)
            )
            await service.reset_password(form["phone"], form["code"], data.get("new_password", ""))
        except ApplicationError as error:
            return form_with_errors(request, "accounts/reset.html", error, {"form": form})
        return Redirect("/login?reset=1")
