"""Catalogue tables. Only the catalogue services write them."""

from piccolo.columns import (
    BigInt,
    Boolean,
    Date,
    DoublePrecision,
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
from marketplace.db import DB


class Producer(Table, db=DB, tablename="catalogue_producer"):
    """A "chủ thể": household business, cooperative or company."""

    id = Serial(primary_key=True)
    name = Varchar(length=200)
    slug = Varchar(length=220, unique=True, index=True)
    kind = Varchar(length=20)  # ho_kinh_doanh | hop_tac_xa | doanh_nghiep
    story = Text(default="")
    phone = Varchar(length=16, default="")
    province_code = Varchar(length=2, index=True)
    commune_code = Varchar(length=5, index=True)
    address_line = Varchar(length=200, default="")  # thôn/xóm/street, below the commune
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    bank_bin = Varchar(length=6, null=True, default=None)
    bank_account = Varchar(length=19, null=True, default=None)
    bank_holder = Varchar(length=100, null=True, default=None)
    show_phone = Boolean(default=False)
    show_address = Boolean(default=False)
    verified = Boolean(default=False)
    verified_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ProducerMember(Table, db=DB, tablename="catalogue_producer_member"):
    id = Serial(primary_key=True)
    producer = ForeignKey(references=Producer, null=False, on_delete=OnDelete.cascade)
    user = ForeignKey(references=User, null=False, on_delete=OnDelete.cascade)
    role = Varchar(length=10)  # owner | staff
    created_at = Timestamptz(default=TimestamptzNow())


class Product(Table, db=DB, tablename="catalogue_product"):
    id = Serial(primary_key=True)
    producer = ForeignKey(references=Producer, null=False, index=True)
    name = Varchar(length=200)
    slug = Varchar(length=220, unique=True, index=True)
    description_vi = Text(default="")
    description_en = Text(default="")
    ocop_group = Integer(null=True, default=None)  # 1..6
    ocop_set = Integer(null=True, default=None)  # 1..26
    ocop_stars = Integer(null=True, default=None)  # 3..5
    ocop_decision_no = Varchar(length=60, null=True, default=None)
    ocop_decision_date = Date(null=True, default=None)
    ocop_verified = Boolean(default=False)
    # Stored as ",vietgap,organic," so that one LIKE finds a code on every engine.
    certifications = Varchar(length=200, default="")
    unit = Varchar(length=20)
    price_vnd = BigInt()
    stock = Integer(default=0)
    # GTIN-14; unique when set (index made by a raw migration: one product per GTIN).
    gtin = Varchar(length=14, null=True, default=None)
    status = Varchar(length=10, default="draft", index=True)  # draft | active | archived
    featured = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ProductPhoto(Table, db=DB, tablename="catalogue_product_photo"):
    id = Serial(primary_key=True)
    product = ForeignKey(references=Product, null=False, on_delete=OnDelete.cascade)
    position = Integer(default=0)
    media_key = Varchar(length=200)  # sizes live at <media_key>-<width>.jpg
    width = Integer()
    height = Integer()
    alt = Varchar(length=200, default="")


class ProductLot(Table, db=DB, tablename="catalogue_product_lot"):
    """A lot (lô) of a product that buyers may ask for by its code, and whether it was withdrawn.

    Traceability opens and recalls batches; it records each here in the same transaction, so
    that checkout (which may not depend on traceability) can refuse to sell from a recalled lot.
    """

    id = Serial(primary_key=True)
    product = ForeignKey(references=Product, null=False, index=True, on_delete=OnDelete.cascade)
    lot = Varchar(length=20, unique=True, index=True)
    withdrawn_at = Timestamptz(null=True, default=None)
    withdraw_reason = Text(default="")
    best_before = Date(null=True, default=None)  # past it (Vietnam's date), the lot is not sold
