"""What the order and payment services take and give: frozen dataclasses, never table rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Order states, with the words sellers and buyers see.
AWAITING_PAYMENT = "awaiting_payment"
PAID = "paid"
PACKING = "packing"
SHIPPED = "shipped"
CANCELED = "canceled"
COD_PENDING = "cod_pending"
ORDER_STATES: dict[str, tuple[str, str]] = {
    AWAITING_PAYMENT: ("Chờ thanh toán", "Awaiting payment"),
    COD_PENDING: ("Thu tiền khi giao", "Cash on delivery"),
    PAID: ("Đã thanh toán", "Paid"),
    PACKING: ("Đang đóng gói", "Packing"),
    SHIPPED: ("Đã gửi", "Shipped"),
    CANCELED: ("Đã hủy", "Canceled"),
}

# Payment intent states (Stripe's idea on VietQR rails).
REQUIRES_PAYMENT = "requires_payment"
SUCCEEDED = "succeeded"
UNDERPAID = "underpaid"
EXPIRED = "expired"
INTENT_CANCELED = "canceled"
INTENT_STATES: dict[str, tuple[str, str]] = {
    REQUIRES_PAYMENT: ("Chờ chuyển khoản", "Waiting for the transfer"),
    SUCCEEDED: ("Đã thanh toán", "Paid"),
    UNDERPAID: ("Chuyển thiếu", "Underpaid"),
    EXPIRED: ("Đã hết hạn", "Expired"),
    INTENT_CANCELED: ("Đã hủy", "Canceled"),
}

# How goods reach the buyer.
DELIVERY = "delivery"
DELIVERY_COD = "delivery_cod"
PICKUP = "pickup"
DELIVERY_METHODS: dict[str, tuple[str, str]] = {
    DELIVERY: ("Giao hàng, chuyển khoản VietQR", "Delivery, pay by VietQR transfer"),
    DELIVERY_COD: ("Giao hàng, trả tiền mặt khi nhận", "Delivery, cash on delivery"),
    PICKUP: ("Nhận tại cơ sở, chuyển khoản VietQR", "Pick up, pay by VietQR transfer"),
}


@dataclass(frozen=True)
class DeliverySettings:
    """A producer's delivery options; `province_fees` overrides the flat fee per province."""

    producer_id: int
    delivery_enabled: bool
    delivery_fee_vnd: int
    province_fees: dict[str, int]
    pickup_enabled: bool
    pickup_address: str
    cod_allowed: bool

    def methods(self) -> list[str]:
        """The methods a buyer may choose, in the order they are offered."""
        offered = []
        if self.delivery_enabled:
            offered.append(DELIVERY)
            if self.cod_allowed:
                offered.append(DELIVERY_COD)
        if self.pickup_enabled:
            offered.append(PICKUP)
        return offered

    def fee(self, method: str, province_code: str | None) -> int:
        """The delivery fee in đồng for `method` to `province_code` (pickup is free)."""
        if method == PICKUP:
            return 0
        if province_code and province_code in self.province_fees:
            return self.province_fees[province_code]
        return self.delivery_fee_vnd


@dataclass(frozen=True)
class DeliverySettingsInput:
    delivery_enabled: bool = True
    delivery_fee_vnd: int = 0
    province_fees: dict[str, int] = field(default_factory=dict)
    pickup_enabled: bool = False
    pickup_address: str = ""
    cod_allowed: bool = False


@dataclass(frozen=True)
class CartLine:
    product_id: int
    product_slug: str
    product_name: str
    unit: str
    unit_price_vnd: int
    quantity: int
    stock: int
    available: bool
    producer_id: int
    producer_name: str
    lot: str = ""  # the batch code asked for, "" for any
    lot_recalled: bool = False  # that batch has been recalled: the line cannot be bought
    on_sale: bool = True  # False once the seller archived the product or made it a draft again
    lot_expired: bool = False  # that batch is past its best-before date: not sold any more

    @property
    def line_total_vnd(self) -> int:
        return self.unit_price_vnd * self.quantity


@dataclass(frozen=True)
class CartGroup:
    """The lines of one producer: they become one order, paid into one account."""

    producer_id: int
    producer_name: str
    lines: list[CartLine]

    @property
    def subtotal_vnd(self) -> int:
        return sum(line.line_total_vnd for line in self.lines)


@dataclass(frozen=True)
class Cart:
    token: str
    groups: list[CartGroup]

    @property
    def lines(self) -> list[CartLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def total_vnd(self) -> int:
        return sum(group.subtotal_vnd for group in self.groups)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True)
class Buyer:
    """A guest buyer as typed at checkout; the phone is parsed to E.164 by the service."""

    name: str
    phone: str


@dataclass(frozen=True)
class Address:
    province_code: str = ""
    commune_code: str = ""
    line: str = ""


@dataclass(frozen=True)
class OrderLine:
    product_id: int
    product_name: str
    unit: str
    unit_price_vnd: int
    quantity: int
    line_total_vnd: int
    lot: str = ""  # the batch code the buyer asked for, "" for any


@dataclass(frozen=True)
class PaymentIntent:
    """What the buyer must transfer for one order: amount, reference, VietQR payload, expiry."""

    id: int
    order_id: int
    reference: str
    amount_vnd: int
    amount_received_vnd: int
    bank_bin: str
    account: str
    holder: str
    payload: str
    state: str
    overpaid: bool
    expires_at: datetime
    created_at: datetime
    succeeded_at: datetime | None

    @property
    def amount_due_vnd(self) -> int:
        return max(self.amount_vnd - self.amount_received_vnd, 0)


@dataclass(frozen=True)
class PaymentEvent:
    id: int
    kind: str
    amount_vnd: int | None
    transfer_id: int | None
    detail: str
    created_at: datetime


@dataclass(frozen=True)
class Order:
    id: int
    reference: str
    checkout_token: str
    payment_token: str
    producer_id: int
    producer_name: str
    buyer_name: str
    buyer_phone: str
    province_code: str
    commune_code: str
    address_line: str
    delivery_method: str
    delivery_fee_vnd: int
    pickup_address: str
    subtotal_vnd: int
    total_vnd: int
    state: str
    cancel_reason: str
    needs_refund: bool
    created_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    canceled_at: datetime | None
    lines: list[OrderLine]
    intent: PaymentIntent | None


@dataclass(frozen=True)
class ReceivedTransfer:
    id: int
    provider: str
    provider_transaction_id: str
    account_number: str
    amount_vnd: int
    direction: str
    message: str
    occurred_at: datetime
    received_at: datetime
    disposition: str
    order_id: int | None
    order_reference: str | None


@dataclass(frozen=True)
class TransferOutcome:
    """What recording one reported transfer did; `duplicate` when it was already known."""

    transfer_id: int
    disposition: str
    duplicate: bool
    order_reference: str | None = None
    intent_state: str | None = None
