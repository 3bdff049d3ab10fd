"""Public codes in uppercase Crockford base32 with a final check character.

They travel in bank-transfer messages and are typed by hand, so the alphabet has no I, L, O, U
and the check character (Crockford's mod-37 scheme) catches a mistyped or swapped character.
Order references are at most 9 characters (payOS' limit), batch codes at most 20 (a GS1 lot).
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"
_DECODE = {ch: i for i, ch in enumerate(ALPHABET)}
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def check_character(body: str) -> str:
    """Crockford's mod-37 check symbol for the base32 `body`."""
    value = 0
    for ch in body:
        value = value * 32 + _DECODE[ch]
    return CHECK_ALPHABET[value % 37]


def _check_alphabet_safe(body: str) -> str:
    # Codes must survive bank messages, which drop punctuation: only letters and digits.
    check = check_character(body)
    return check if check.isalnum() else ""


def new_code(prefix: str, length: int) -> str:
    """A random code: `prefix`, `length` base32 characters and a check character.

    Bodies whose check symbol would be punctuation are redrawn, so every code is alphanumeric.
    """
    while True:
        body = "".join(secrets.choice(ALPHABET) for _ in range(length))
        check = _check_alphabet_safe(body)
        if check:
            return f"{prefix}{body}{check}"


def canonical(raw: str) -> str:
    """Uppercase, separators dropped and look-alikes mapped (O→0, I/L→1) as Crockford allows."""
    cleaned = "".join(ch for ch in raw.upper() if ch.isalnum())
    return cleaned.translate(_ALIASES) if cleaned else cleaned


def is_valid(code: str, prefix: str) -> bool:
    """Whether `code` (already canonical) has the prefix and a correct check character."""
    if not code.startswith(prefix) or len(code) < len(prefix) + 2:
        return False
    body, check = code[len(prefix) : -1], code[-1]
    if any(ch not in _DECODE for ch in body):
        return False
    return check_character(body) == check
