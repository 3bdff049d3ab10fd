"""Every route handler of the storefront, gathered in one list for the app factory."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler


def route_handlers() -> list[ControllerRouterHandler]:
    from storefront.api.accounts import AccountsApi
    from storefront.pages.accounts import AccountPages
    from storefront.pages.home import home_page

    return [
        home_page,
        AccountPages,
        AccountsApi,
    ]
