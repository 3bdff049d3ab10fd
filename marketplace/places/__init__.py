"""Vietnam's administrative units since 1 July 2025: 34 provinces, 3,321 communes, no districts.

Look units up by GSO code, check an address form, and read free text ("Ngọc Lũ, Bình Lục, Hà
Nam") into current communes, old names included. Data: `data/README.md`.
"""

from marketplace.places._history import former_names
from marketplace.places.resolve import PlaceResolution, resolve_place
from marketplace.places.units import (
    Commune,
    CommuneKind,
    Province,
    commune,
    communes,
    province,
    provinces,
    validate_address,
)

__all__ = [
    "Commune",
    "CommuneKind",
    "PlaceResolution",
    "Province",
    "commune",
    "communes",
    "former_names",
    "province",
    "provinces",
    "resolve_place",
    "validate_address",
]
