"""What the heritage services take and give: plain frozen dataclasses, never table rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from marketplace import media
from marketplace.catalogue.nearby import NearbyProduct


@dataclass(frozen=True)
class SiteInput:
    """The fields an officer fills in for a site; `slug` is derived from `name` when empty."""

    name: str
    kind: str
    ranking: str
    province_code: str
    commune_code: str
    address_line: str = ""
    latitude: float | None = None
    longitude: float | None = None
    opening_hours: str = ""
    slug: str = ""


@dataclass(frozen=True)
class ContentInput:
    """The site told in one language. Paragraphs are separated by blank lines."""

    title: str
    plaque_line: str = ""
    summary: str = ""
    history: str = ""
    architecture: str = ""
    worshipped: str = ""
    stele: str = ""


@dataclass(frozen=True)
class FestivalInput:
    """A festival on a lunar date; `names` and `descriptions` are keyed by language code."""

    names: dict[str, str]
    lunar_month: int
    lunar_day: int
    leap_month: bool = False
    descriptions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SiteRecord:
    id: int
    name: str
    slug: str
    kind: str
    ranking: str
    province_code: str
    province_name: str
    commune_code: str
    commune_name: str
    address_line: str
    latitude: float | None
    longitude: float | None
    opening_hours: str
    created_at: datetime
    updated_at: datetime

    @property
    def has_map_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class Audio:
    media_key: str
    media_type: str
    size_bytes: int

    @property
    def url(self) -> str:
        return media.url(self.media_key)


@dataclass(frozen=True)
class Content:
    language: str
    title: str
    plaque_line: str
    summary: str
    history: str
    architecture: str
    worshipped: str
    stele: str
    audio: Audio | None
    updated_at: datetime


@dataclass(frozen=True)
class Festival:
    id: int
    names: dict[str, str]
    descriptions: dict[str, str]
    lunar_month: int
    lunar_day: int
    leap_month: bool

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("vi", "")

    def description(self, language: str) -> str:
        return self.descriptions.get(language) or self.descriptions.get("vi", "")


@dataclass(frozen=True)
class Photo:
    """A photo stored as JPEG renditions `<media_key>-<bucket>.jpg`; a rendition is never wider
    than the original (`width` × `height`)."""

    id: int
    media_key: str
    buckets: tuple[int, ...]
    width: int
    height: int
    alts: dict[str, str]

    def url(self, bucket: int) -> str:
        return media.url(f"{self.media_key}-{bucket}.jpg")

    @property
    def srcset(self) -> str:
        widths: dict[int, int] = {}
        for bucket in self.buckets:
            widths.setdefault(min(bucket, self.width), bucket)
        return ", ".join(f"{self.url(bucket)} {width}w" for width, bucket in widths.items())

    @property
    def smallest(self) -> tuple[str, int, int]:
        """URL, width and height of the smallest rendition (the `src` and its size)."""
        width = min(self.buckets[0], self.width)
        return self.url(self.buckets[0]), width, max(1, round(self.height * width / self.width))

    def alt(self, language: str) -> str:
        return self.alts.get(language) or self.alts.get("vi", "")


@dataclass(frozen=True)
class SiteDetail:
    """A site with everything said about it, for its page and the officer's pages."""

    site: SiteRecord
    contents: dict[str, Content]
    festivals: tuple[Festival, ...]
    photos: tuple[Photo, ...]
    old_slugs: tuple[str, ...]

    def content_for(self, language: str) -> Content:
        """The content in `language`, else the Vietnamese one (which every site has)."""
        return self.contents.get(language) or self.contents["vi"]


@dataclass(frozen=True)
class SitePage:
    """What `/h/{slug}` shows, cached briefly: the site and the OCOP products made nearby."""

    detail: SiteDetail
    nearby: tuple[NearbyProduct, ...]


@dataclass(frozen=True)
class SiteSummary:
    id: int
    name: str
    slug: str
    kind: str
    ranking: str
    province_code: str
    province_name: str
    commune_code: str
    commune_name: str
    languages: tuple[str, ...]
    updated_at: datetime


@dataclass(frozen=True)
class FestivalDate:
    """A festival's solar date in a given solar year."""

    festival: Festival
    year: int
    solar_date: date
