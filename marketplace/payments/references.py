"""Finding order references in bank-transfer messages.

Banks change case, drop punctuation and add their own text around the message the buyer typed
("MBVCB.123.DH4K7P2QX chuyen tien.CT tu 0123..."), so a reference is searched for, never
compared for equality. Dropping separators can glue a reference to its neighbours, so every
window that starts with the prefix is tried and only those with a valid check character kept.
"""

from __future__ import annotations

import re

from marketplace.codes import canonical, is_valid
from marketplace.text import fold

ORDER_PREFIX = "DH"
ORDER_BODY_LENGTH = 6
_NOT_ALPHANUMERIC = re.compile(r"[^A-Z0-9]+")


def normalize_message(message: str) -> str:
    """`message` folded to ASCII, uppercased, everything but letters and digits removed."""
    return _NOT_ALPHANUMERIC.sub("", fold(message).upper())


def find_reference(
    message: str, prefix: str = ORDER_PREFIX, body_length: int = ORDER_BODY_LENGTH
) -> list[str]:
    """The distinct valid references (`prefix` + body + check character) in `message`.

    In order of first appearance; look-alike letters typed by hand (O for 0, I or L for 1) are
    read as Crockford base32 allows. Empty when the message holds no valid reference.
    """
    normalized = normalize_message(message)
    window = len(prefix) + body_length + 1
    found: list[str] = []
    start = normalized.find(prefix)
    while start != -1 and start + window <= len(normalized):
        candidate = prefix + canonical(normalized[start + len(prefix) : start + window])
        if is_valid(candidate, prefix) and candidate not in found:
            found.append(candidate)
        start = normalized.find(prefix, start + 1)
    return found
