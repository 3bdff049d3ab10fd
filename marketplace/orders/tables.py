"""Tables of carts, orders, delivery settings and payments (intents, events, transfers).

Payments live in the orders app because a payment intent and its order change together in one
transaction; `marketplace.payments` holds the services that write the payment tables.
"""

from piccolo.columns import (
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from marketplace.accounts.tables import User
from marketplace.catalogue.tables import Producer, Product
from marketplace.db import DB


class DeliverySettings(Table, db=DB, tablename="orders_delivery_settings"):
    """How one producer hands goods over; a producer without a row gets the defaults."""

    id = Serial(primary_key=True)
    producer = ForeignKey(references=Producer, null=False, unique=True, on_delete=OnDelete.cascade)
    delivery_enabled = Boolean(default=True)
    delivery_fee_vnd = BigInt(default=0)
    # JSON object {"37": 25000, ...}: a fee per province code overriding the flat fee.
    province_fees = Text(default="{}")
    pickup_enabled = Boolean(default=False)
    pickup_address = Varchar(length=300, default="")
    cod_allowed = Boolean(default=False)
    updated_at = Timestamptz(default=TimestamptzNow())


class Cart(Table, db=DB, tablename="orders_cart"):
    id = Serial(primary_key=True)
    token = Varchar(length=64, unique=True, index=True)
    # the checkout token of the orders this cart last became: a resent checkout form (a double
    # tap, a retry on a weak signal) is answered with those orders instead of "cart empty"
    checked_out_as = Varchar(length=64, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class CartLine(Table, db=DB, tablename="orders_cart_line"):
    """One product in a cart; (cart, product) is unique (index made by a raw migration)."""

    id = Serial(primary_key=True)
    cart = ForeignKey(references=Cart, null=False, on_delete=OnDelete.cascade, index=True)
    product = ForeignKey(references=Product, null=False, on_delete=OnDelete.cascade)
    quantity = Integer()
    lot = Varchar(length=20, default="")  # the batch code asked for (from its QR page), or ""
    added_at = Timestamptz(default=TimestamptzNow())


class Order(Table, db=DB, tablename="orders_order"):
    """One producer's share of a checkout, paid straight into that producer's account."""

    id = Serial(primary_key=True)
    reference = Varchar(length=9, unique=True, index=True)
    checkout_token = Varchar(length=64, index=True)
    payment_token = Varchar(length=64, unique=True, index=True)
    producer = ForeignKey(references=Producer, null=False, index=True)
    buyer_name = Varchar(length=100)
    buyer_phone = Varchar(length=16)
    province_code = Varchar(length=2, default="")
    commune_code = Varchar(length=5, default="")
    address_line = Varchar(length=200, default="")
    delivery_method = Varchar(length=20)  # delivery | delivery_cod | pickup
    delivery_fee_vnd = BigInt(default=0)
    pickup_address = Varchar(length=300, default="")
    subtotal_vnd = BigInt()
    total_vnd = BigInt()
    # awaiting_payment | paid | packing | shipped | canceled | cod_pending
    state = Varchar(length=20, index=True)
    cancel_reason = Varchar(length=20, default="")  # expired | buyer | seller
    needs_refund = Boolean(default=False)
    stock_reserved = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    paid_at = Timestamptz(null=True, default=None)
    shipped_at = Timestamptz(null=True, default=None)
    canceled_at = Timestamptz(null=True, default=None)


class OrderLine(Table, db=DB, tablename="orders_order_line"):
    """A product as it was sold: name, unit and price are copied, later edits do not reach it."""

    id = Serial(primary_key=True)
    order = ForeignKey(references=Order, null=False, on_delete=OnDelete.cascade, index=True)
    product = ForeignKey(references=Product, null=False)
    product_name = Varchar(length=200)
    unit = Varchar(length=20)
    unit_price_vnd = BigInt()
    quantity = Integer()
    line_total_vnd = BigInt()
    lot = Varchar(length=20, default="")  # the batch the buyer asked for, or "" (any)


class PaymentIntent(Table, db=DB, tablename="orders_payment_intent"):
    """What the buyer must transfer for one order, and what has arrived so far."""

    id = Serial(primary_key=True)
    order = ForeignKey(references=Order, null=False, unique=True, on_delete=OnDelete.cascade)
    reference = Varchar(length=9, unique=True, index=True)
    amount_vnd = BigInt()
    amount_received_vnd = BigInt(default=0)
    bank_bin = Varchar(length=6)
    account = Varchar(length=19)
    holder = Varchar(length=100)
    payload = Text()
    # requires_payment | succeeded | underpaid | expired | canceled
    state = Varchar(length=20, index=True)
    overpaid = Boolean(default=False)
    expires_at = Timestamptz(index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    succeeded_at = Timestamptz(null=True, default=None)


class ProviderConnection(Table, db=DB, tablename="orders_provider_connection"):
    """A producer's SePay, Casso or payOS account; `endpoint_id` is public, secrets are sealed."""

    id = Serial(primary_key=True)
    producer = ForeignKey(references=Producer, null=False, index=True, on_delete=OnDelete.cascade)
    provider = Varchar(length=10)  # sepay | casso | payos
    endpoint_id = Varchar(length=40, unique=True, index=True)
    sealed_secrets = Text()
    active = Boolean(default=True)
    created_by = ForeignKey(references=User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    last_webhook_at = Timestamptz(null=True, default=None)


class ReceivedTransfer(Table, db=DB, tablename="orders_received_transfer"):
    """Every credit a provider reported, kept for audit; (connection, transaction id) unique."""

    id = Serial(primary_key=True)
    connection = ForeignKey(references=ProviderConnection, null=False, index=True)
    producer = ForeignKey(references=Producer, null=False, index=True)
    provider = Varchar(length=10)
    provider_transaction_id = Varchar(length=100)
    # The bank's reference (FT…): one credit seen by two providers is recognised by it.
    bank_reference = Varchar(length=100, default="", index=True)
    account_number = Varchar(length=40)
    amount_vnd = BigInt()
    direction = Varchar(length=3)  # in | out
    message = Text(default="")
    occurred_at = Timestamptz()
    received_at = Timestamptz(default=TimestamptzNow())
    # matched | unmatched | assigned | ignored_outgoing | ignored_other_account
    # | reported_twice (the same bank transaction already came through another connection)
    disposition = Varchar(length=25, index=True)
    order = ForeignKey(references=Order, null=True, default=None, index=True)
    raw_json = Text(default="{}")


class PaymentEvent(Table, db=DB, tablename="orders_payment_event"):
    """Append-only history of a payment intent; a trigger forbids UPDATE on both engines."""

    id = Serial(primary_key=True)
    intent = ForeignKey(references=PaymentIntent, null=False, index=True)
    kind = Varchar(length=30)
    amount_vnd = BigInt(null=True, default=None)
    transfer = ForeignKey(references=ReceivedTransfer, null=True, default=None)
    actor = ForeignKey(references=User, null=True, default=None)
    detail = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class SellerLastSeen(Table, db=DB, tablename="orders_seller_last_seen"):
    """When a seller last opened a producer's order queue: the badge counts newer orders."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=User, null=False, on_delete=OnDelete.cascade)
    producer = ForeignKey(references=Producer, null=False, on_delete=OnDelete.cascade)
    seen_at = Timestamptz(default=TimestamptzNow())


class NotificationEndpoint(Table, db=DB, tablename="orders_notification_endpoint"):
    """Where a producer wants new and paid orders POSTed; the signing secret is sealed."""

    id = Serial(primary_key=True)
    producer = ForeignKey(references=Producer, null=False, unique=True, on_delete=OnDelete.cascade)
    url = Varchar(length=500)
    sealed_secret = Text()
    updated_at = Timestamptz(default=TimestamptzNow())


class OrderNotification(Table, db=DB, tablename="orders_order_notification"):
    """Outbox: one JSON message to POST, written in the transaction that changed the order."""

    id = Serial(primary_key=True)
    producer = ForeignKey(references=Producer, null=False, index=True, on_delete=OnDelete.cascade)
    order = ForeignKey(references=Order, null=False, on_delete=OnDelete.cascade)
    event = Varchar(length=20)  # order.created | order.paid
    url = Varchar(length=500)
    body = Text()
    state = Varchar(length=10, index=True)  # pending | delivered | failed
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(index=True)
    last_error = Varchar(length=300, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    delivered_at = Timestamptz(null=True, default=None)
