"""Every route handler of the storefront, gathered in one list for the app factory."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler


def route_handlers() -> list[ControllerRouterHandler]:
    from storefront.api.accounts import AccountsApi
    from storefront.api.batches import BatchesApi
    from storefront.api.catalogue import CatalogueApi, PlacesApi
    from storefront.api.heritage import HeritageApi
    from storefront.api.orders import CartsApi, PaymentIntentsApi
    from storefront.api.search import search_products
    from storefront.api.webhooks import receive_payment_webhook
    from storefront.pages.accounts import AccountPages
    from storefront.pages.cart import CartPages
    from storefront.pages.catalogue import producer_page, product_list_page, product_page
    from storefront.pages.heritage import heritage_page, heritage_qr_png, heritage_qr_svg
    from storefront.pages.heritage_officer import HeritageOfficerPages
    from storefront.pages.home import home_page
    from storefront.pages.media import media_file
    from storefront.pages.officer import OfficerPages
    from storefront.pages.officer_batches import OfficerBatchPages
    from storefront.pages.pay import PayPages
    from storefront.pages.provenance import (
        digital_link_page,
        provenance_page,
        provenance_qr_png,
        provenance_qr_svg,
    )
    from storefront.pages.search import search_page
    from storefront.pages.seller import SellerPages
    from storefront.pages.seller_batches import SellerBatchPages
    from storefront.pages.seller_orders import SellerOrderPages
    from storefront.pages.seller_products import SellerProductPages
    from storefront.pages.seller_settings import SellerSettingsPages

    return [
        home_page,
        product_list_page,
        product_page,
        producer_page,
        media_file,
        SellerPages,
        SellerProductPages,
        OfficerPages,
        AccountPages,
        AccountsApi,
        CatalogueApi,
        PlacesApi,
        heritage_page,
        heritage_qr_svg,
        heritage_qr_png,
        HeritageOfficerPages,
        HeritageApi,
        CartPages,
        PayPages,
        SellerOrderPages,
        SellerSettingsPages,
        CartsApi,
        PaymentIntentsApi,
        receive_payment_webhook,
        provenance_page,
        provenance_qr_svg,
        provenance_qr_png,
        digital_link_page,
        SellerBatchPages,
        OfficerBatchPages,
        BatchesApi,
        search_products,
        search_page,
    ]
