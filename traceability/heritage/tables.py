"""Heritage tables. Only `traceability.heritage` services write them."""

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Serial,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from marketplace.db import DB


class Site(Table, db=DB, tablename="heritage_site"):
    """A relic, temple, pagoda or craft village that has (or will have) a QR plaque."""

    id = Serial(primary_key=True)
    name = Varchar(length=200)
    slug = Varchar(length=120, unique=True, index=True)
    kind = Varchar(length=20)  # dinh | den | chua | mieu | di_tich | lang_nghe | khac
    ranking = Varchar(length=20)  # quoc_gia_dac_biet | quoc_gia | cap_tinh | chua_xep_hang
    province_code = Varchar(length=2, index=True)
    commune_code = Varchar(length=5, index=True)
    address_line = Varchar(length=200, default="")
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    opening_hours = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class SiteContent(Table, db=DB, tablename="heritage_site_content"):
    """The site told in one language; Vietnamese is required, others are optional."""

    id = Serial(primary_key=True)
    site = ForeignKey(references=Site, null=False, on_delete=OnDelete.cascade, index=True)
    language = Varchar(length=8)  # unique with `site` (index in the migration)
    title = Varchar(length=200)  # the site's name in this language
    plaque_line = Varchar(length=200, default="")  # the short line printed on the plaque
    summary = Text(default="")
    history = Text(default="")
    architecture = Text(default="")
    worshipped = Text(default="")  # worshipped figures
    stele = Text(default="")  # Hán-Nôm stele transliterations and translations
    audio_key = Varchar(length=200, null=True, default=None)
    audio_type = Varchar(length=40, null=True, default=None)
    audio_bytes = Integer(default=0)
    updated_at = Timestamptz(default=TimestamptzNow())


class Festival(Table, db=DB, tablename="heritage_festival"):
    """A festival day kept by the lunar calendar; names and descriptions by language."""

    id = Serial(primary_key=True)
    site = ForeignKey(references=Site, null=False, on_delete=OnDelete.cascade, index=True)
    names = JSON(default={})  # {"vi": "...", "en": "..."}
    descriptions = JSON(default={})
    lunar_month = SmallInt()
    lunar_day = SmallInt()
    leap_month = Boolean(default=False)
    position = Integer(default=0)


class SitePhoto(Table, db=DB, tablename="heritage_photo"):
    """A photo re-encoded as JPEG renditions: files `<media_key>-<bucket>.jpg`."""

    id = Serial(primary_key=True)
    site = ForeignKey(references=Site, null=False, on_delete=OnDelete.cascade, index=True)
    media_key = Varchar(length=200)
    widths = Varchar(length=40)  # the rendition buckets, ascending: "240,480,960"
    width = Integer()  # of the original
    height = Integer()
    alts = JSON(default={})  # {"vi": "...", "en": "..."}
    position = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class OldSlug(Table, db=DB, tablename="heritage_old_slug"):
    """A slug the site had before a rename: printed plaques carry it, so it resolves forever."""

    id = Serial(primary_key=True)
    slug = Varchar(length=120, unique=True, index=True)
    site = ForeignKey(references=Site, null=False, on_delete=OnDelete.cascade, index=True)
    retired_at = Timestamptz(default=TimestamptzNow())


class ScanDay(Table, db=DB, tablename="heritage_scan_day"):
    """How many times the site's page was opened on one day (Viet Nam time) in one language."""

    id = Serial(primary_key=True)
    site = ForeignKey(references=Site, null=False, on_delete=OnDelete.cascade, index=True)
    day = Date()
    language = Varchar(length=8)  # unique with `site` and `day` (index in the migration)
    scans = Integer(default=0)
