"""What a checkout must have before the order service sees it, for the page and the API alike.

The order service stops at the first field it cannot use; a buyer who left the form empty
should see every field to fill in at once, and an API client that sent no province should be
told that the province is required, not that no province has the code "".
"""

from __future__ import annotations

from collections.abc import Mapping

from marketplace.errors import FieldError, InvalidInput
from marketplace.orders import carts
from marketplace.orders.delivery import delivery_settings_of
from marketplace.orders.schemas import PICKUP, Address, Buyer, Cart
from marketplace.phones import parse_phone
from storefront.pages.forms import collected

ADDRESS_FIELDS = ("province_code", "commune_code", "address_line")
_REQUIRED: dict[str, tuple[str, str, str]] = {
    "buyer_name": (
        "name_required",
        "Vui lòng nhập họ tên người nhận.",
        "Please enter the recipient's name.",
    ),
    "phone": (
        "phone_required",
        "Vui lòng nhập số điện thoại để người bán liên hệ giao hàng.",
        "Please enter a phone number, so that the seller can arrange delivery.",
    ),
    "province_code": (
        "province_required",
        "Vui lòng chọn tỉnh, thành phố nhận hàng.",
        "Please choose the province or city to deliver to.",
    ),
    "commune_code": (
        "commune_required",
        "Vui lòng chọn xã, phường nhận hàng.",
        "Please choose the commune or ward to deliver to.",
    ),
    "address_line": (
        "address_line_required",
        "Vui lòng ghi số nhà, thôn/xóm hoặc đường.",
        "Please give the house number, hamlet or street.",
    ),
}


async def needs_address(cart: Cart, deliveries: Mapping[int, str]) -> bool:
    """Whether some producer delivers (as the order service decides: a producer left out of
    `deliveries` gets its first offered method)."""
    settings = await delivery_settings_of([group.producer_id for group in cart.groups])
    for group in cart.groups:
        offered = settings[group.producer_id].methods()
        if (deliveries.get(group.producer_id) or next(iter(offered), "")) != PICKUP:
            return True
    return False


async def check_checkout(
    cart_token: str, buyer: Buyer, address: Address, deliveries: Mapping[int, str]
) -> None:
    """Raise InvalidInput naming every required field left empty (the address only when some
    producer delivers), and a phone number that is not one. A complete form costs no query;
    an empty cart is left to the order service."""
    values = {
        "buyer_name": buyer.name,
        "phone": buyer.phone,
        "province_code": address.province_code,
        "commune_code": address.commune_code,
        "address_line": address.line,
    }
    empty = [name for name, value in values.items() if not value.strip()]
    if not empty:
        return
    cart = await carts.get_cart(cart_token)
    if not cart.lines:
        return
    if not await needs_address(cart, deliveries):
        empty = [name for name in empty if name not in ADDRESS_FIELDS]
    errors = [FieldError(name, *_REQUIRED[name]) for name in empty]
    if not errors:
        return
    if buyer.phone.strip():
        try:
            parse_phone(buyer.phone)
        except InvalidInput as error:
            errors += error.fields
    order = list(values)
    raise collected(sorted(errors, key=lambda error: order.index(error.field)))
